//! Figures that report.md states in words for table items (「全年共收到政府信息公开申请17件」,
//! 「行政复议2件」, 「收取信息处理费0元」), compared with the cells of data.yaml.
//!
//! Which phrases introduce which cells is template knowledge and lives in `template.rs`
//! (`NARRATIVE_FIGURES`); this module only finds them in the text. A figure is read only
//! when its number follows its cue closely and carries the right unit word, so dates, phone
//! numbers, counts of meetings and 「信息2428条」 are never compared.

use crate::codes::Code;
use std::collections::HashSet;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use rust_decimal::Decimal;

use crate::definition::{
    FIGURE_COUNT_WORDS, FIGURE_FILLER, FIGURE_OTHER_YEAR, FigureUnit, NARRATIVE_FIGURES,
    NarrativeFigure, Unit,
};
use crate::diagnostic::Diagnostic;
use crate::model::Pos;
use crate::model::{Cell, Year};

/// The most filler characters between a cue and its number.
const MAX_FILLER: usize = 4;

/// A figure found in the text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Stated {
    /// Byte offset of the cue in the line.
    pub cue_at: usize,
    /// Byte offset of the number in the line.
    pub number_at: usize,
    /// Byte offset just after the unit word.
    pub end: usize,
    pub value: Decimal,
    /// The unit written after a money figure.
    pub unit: Option<Unit>,
}

/// Reads the number (and its unit word) that follows a cue ending at `after`.
fn number_after(
    line: &str,
    after: usize,
    unit: FigureUnit,
) -> Option<(usize, usize, Decimal, Option<Unit>)> {
    let rest = &line[after..];
    let mut start = None;
    for (count, (i, c)) in rest.char_indices().enumerate() {
        if c.is_ascii_digit() {
            start = Some(i);
            break;
        }
        if count >= MAX_FILLER || !FIGURE_FILLER.contains(c) {
            return None;
        }
    }
    let start = start?;
    let digits = &rest[start..];
    let len = digits
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (c == '.' && i > 0)))
        .map(|(i, _)| i)
        .unwrap_or(digits.len());
    let number = digits[..len].trim_end_matches('.');
    let tail = &digits[number.len()..];
    let value = Decimal::from_str_exact(number).ok()?;
    let (word_len, written) = match unit {
        FigureUnit::Count => {
            let word = FIGURE_COUNT_WORDS.iter().find(|w| tail.starts_with(**w))?;
            (word.len(), None)
        }
        FigureUnit::Money(_) => {
            let (word, unit) = [("万元", Unit::TenThousandYuan), ("元", Unit::Yuan)]
                .into_iter()
                .find(|(w, _)| tail.starts_with(w))?;
            (word.len(), Some(unit))
        }
    };
    let number_at = after + start;
    Some((
        number_at,
        number_at + number.len() + word_len,
        value,
        written,
    ))
}

/// Whether the clause before a cue places the figure in another year.
fn other_year(clause: &str, year: u16) -> bool {
    if FIGURE_OTHER_YEAR.iter().any(|w| clause.contains(w)) {
        return true;
    }
    // 「2023年收到申请…」 in the 2024 report.
    let bytes = clause.as_bytes();
    clause.match_indices('年').any(|(i, _)| {
        i >= 4
            && bytes[i - 4..i].iter().all(u8::is_ascii_digit)
            && clause[i - 4..i].parse::<u16>().is_ok_and(|y| y != year)
    })
}

/// A figure definition's cues, each with its substring searcher.
type Cues = Vec<(&'static str, Finder<'static>)>;

fn cues(figure: &NarrativeFigure) -> Cues {
    figure.cues.iter().map(|c| (*c, Finder::new(c))).collect()
}

/// The cues of every figure definition, in `NARRATIVE_FIGURES`' order, with searchers made once
/// per process (making a searcher cost more than searching a line with it).
static FIGURE_CUES: LazyLock<Vec<Cues>> =
    LazyLock::new(|| NARRATIVE_FIGURES.iter().map(cues).collect());

/// The figures of one figure definition stated in one line (with its searchers made once, when
/// it is one of `NARRATIVE_FIGURES`).
pub(crate) fn find(line: &str, figure: &NarrativeFigure, year: u16) -> Vec<Stated> {
    if !has_digit(line) {
        return Vec::new();
    }
    let made = NARRATIVE_FIGURES
        .iter()
        .position(|f| std::ptr::eq(f, figure))
        .and_then(|i| FIGURE_CUES.get(i));
    match made {
        Some(cues) => find_cues(line, figure, cues, year),
        None => find_cues(line, figure, &cues(figure), year),
    }
}

/// Whether a line has a digit: every figure is a number, so a line without one states none.
fn has_digit(line: &str) -> bool {
    line.bytes().any(|b| b.is_ascii_digit())
}

/// `find` with the figure's cues and their searchers (`FIGURE_CUES`).
fn find_cues(line: &str, figure: &NarrativeFigure, cues: &Cues, year: u16) -> Vec<Stated> {
    let mut out = Vec::new();
    for (cue, finder) in cues {
        for at in finder.find_iter(line.as_bytes()) {
            let clause_start = line[..at]
                .rfind(['，', ',', '。', '；', ';', '！', '？', '（', '('])
                .map(|i| i + line[i..].chars().next().map_or(1, char::len_utf8))
                .unwrap_or(0);
            if other_year(&line[clause_start..at], year) {
                continue;
            }
            if let Some((number_at, end, value, unit)) =
                number_after(line, at + cue.len(), figure.unit)
            {
                out.push(Stated {
                    cue_at: at,
                    number_at,
                    end,
                    value,
                    unit,
                });
            }
        }
    }
    out
}

/// The value of a reading this year, when every cell of it is in the form and filled in. A
/// total left blank (`/`) reads as the sum of its row, blanks counted as 0, when the row has a
/// printed figure: the report's 「总计」 column is often left blank.
fn reading_value(year: &Year, cells: &[&str]) -> Option<Decimal> {
    let form = &year.form;
    cells.iter().try_fold(Decimal::ZERO, |sum, id| {
        let index = form.cell_index(id)?;
        let value = match year.cells[index] {
            Cell::Value(v) => v,
            Cell::NotReported => {
                let equation = &form.identities[*form.optional_totals.get(&index)?];
                let mut row = Decimal::ZERO;
                let mut printed = false;
                for term in &equation.rhs {
                    match form.cell_index(&term.cell).map(|i| year.cells[i]) {
                        Some(Cell::Value(v)) => {
                            row = row.checked_add(v)?;
                            printed = true;
                        }
                        Some(Cell::NotReported) => {}
                        _ => return None,
                    }
                }
                printed.then_some(row)?
            }
            Cell::Missing => return None,
        };
        sum.checked_add(value)
    })
}

/// Compares the figures stated in report.md with the cells (warning D011).
pub(crate) fn check(year: &Year, out: &mut Vec<Diagnostic>) {
    let narrative = &year.narrative;
    let source = &*narrative.source;
    // Only the parts that are this year's account (not 五, which tells of problems and often of
    // other years).
    let mut ranges = vec![narrative.preamble.clone()];
    ranges.extend(
        narrative
            .sections
            .iter()
            .filter(|s| crate::definition::part(s.part).states_this_years_figures)
            .map(|s| s.body.clone()),
    );
    let mut seen = HashSet::new();
    let mut in_comment = false;
    for range in ranges {
        let mut offset = range.start;
        for line in source[range].split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let opened = line.contains("<!--");
            let closed = line.contains("-->");
            if in_comment || opened {
                in_comment = !closed && (in_comment || opened);
                continue;
            }
            if !has_digit(line) {
                continue;
            }
            for (figure, cues) in NARRATIVE_FIGURES.iter().zip(FIGURE_CUES.iter()) {
                for stated in find_cues(line, figure, cues, year.year) {
                    if !seen.insert(start + stated.number_at) {
                        continue;
                    }
                    if let Some(d) = compare(year, line, start, figure, &stated) {
                        out.push(d);
                    }
                }
            }
        }
    }
}

fn compare(
    year: &Year,
    line: &str,
    line_start: usize,
    figure: &NarrativeFigure,
    stated: &Stated,
) -> Option<Diagnostic> {
    let form = &year.form;
    let available: Vec<(&[&str], Decimal)> = figure
        .readings
        .iter()
        .filter_map(|cells| Some((*cells, reading_value(year, cells)?)))
        .collect();
    let (cells, table_value) = *available.first()?;
    // A money figure in the text's unit, converted to the cells' unit.
    let value = match (figure.unit, stated.unit) {
        (FigureUnit::Money(cell_unit), Some(written)) if written != cell_unit => {
            stated.value * Decimal::from(written.yuan()) / Decimal::from(cell_unit.yuan())
        }
        _ => stated.value,
    };
    if available.iter().any(|(_, v)| *v == value) {
        return None;
    }
    let labels: Vec<String> = cells
        .iter()
        .filter_map(|id| form.cell_index(id).map(|i| form.cell_label(i)))
        .collect();
    let phrase = line[stated.cue_at..stated.end].trim();
    let column = line[..stated.number_at].chars().count() + 1;
    let line_no = year.narrative.line_of(line_start);
    let unit = match figure.unit {
        FigureUnit::Money(u) => u.label(),
        FigureUnit::Count => "",
    };
    Some(
        Diagnostic::new(Code::D011, &year.report_file)
            .at(Pos {
                line: line_no,
                column,
            })
            .with_source(&year.narrative.source)
            .cell(cells[0].to_string())
            .label(labels.join(" + "))
            .message(format!(
                "正文写「{phrase}」，表格中{}为 {table_value}{unit}",
                labels.join(" + ")
            ))
            .found(format!(
                "{}{}",
                stated.value.normalize(),
                phrase_unit(phrase)
            ))
            .expected(format!("与表格一致：{table_value}{unit}")),
    )
}

/// The unit word at the end of a phrase (「17件」 → 「件」).
fn phrase_unit(phrase: &str) -> &str {
    let trimmed = phrase.trim_end_matches(|c: char| !c.is_ascii_digit());
    &phrase[trimmed.len()..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(cue: &str) -> &'static NarrativeFigure {
        NARRATIVE_FIGURES
            .iter()
            .find(|f| f.cues.contains(&cue))
            .unwrap()
    }

    fn values(line: &str, cue: &str) -> Vec<String> {
        find(line, figure(cue), 2024)
            .into_iter()
            .map(|s| s.value.to_string())
            .collect()
    }

    #[test]
    fn figures_in_real_wording() {
        assert_eq!(
            values(
                "全年共收到政府信息公开申请17件，均已按时答复。",
                "收到政府信息公开申请"
            ),
            ["17"]
        );
        assert_eq!(
            values(
                "区政府办公室代表区政府受理政府信息公开申请17件。",
                "受理政府信息公开申请"
            ),
            ["17"]
        );
        assert_eq!(
            values("发生行政复议案件2件，行政诉讼1件。", "行政复议"),
            ["2"]
        );
        assert_eq!(
            values("发生行政复议案件2件，行政诉讼1件。", "行政诉讼"),
            ["1"]
        );
        assert_eq!(values("全年收取信息处理费0元。", "收取信息处理费"), ["0"]);
        assert_eq!(
            values("主动公开规范性文件3件。", "主动公开规范性文件"),
            ["3"]
        );
    }

    #[test]
    fn no_figure_without_its_unit_or_close_cue() {
        // Items of information, rates, dates and phone numbers are not table figures.
        assert!(values("公开行政处罚信息2428条。", "行政处罚").is_empty());
        assert!(values("行政处罚决定公示率100%。", "行政处罚决定").is_empty());
        assert!(values("办结率100%，平均5个工作日办结。", "办结").is_empty());
        assert!(
            values(
                "受理政府信息公开申请咨询电话0517-87221234。",
                "受理政府信息公开申请"
            )
            .is_empty()
        );
        assert!(values("召开行政复议工作会议7次。", "行政复议").is_empty());
    }

    #[test]
    fn other_years_are_not_this_years_figures() {
        assert!(values("上年度收到政府信息公开申请80件。", "收到政府信息公开申请").is_empty());
        assert!(values("2023年收到政府信息公开申请80件。", "收到政府信息公开申请").is_empty());
        assert_eq!(
            values(
                "2024年收到政府信息公开申请95件，同比增长12件。",
                "收到政府信息公开申请"
            ),
            ["95"]
        );
    }
}
