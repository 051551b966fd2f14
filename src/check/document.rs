//! report.md: the parts and their headings, guidance text left in, text repeated from last year.

use super::*;

pub(super) fn check_document(agency: &Agency, year: &Year, out: &mut Vec<Diagnostic>) {
    // The template declared against the year.
    if let Some(expected) = TemplateId::for_year(year.year)
        && expected != year.template
    {
        let mut d = Diagnostic::new(Code::D005, &year.data_file)
            .path("template")
            .found(format!("{}年格式", year.template.key()))
            .expected(format!(
                "{}年格式（{} 年度适用）",
                expected.key(),
                year.year
            ));
        if let Some(pos) = year.template_pos {
            d = d.at(pos).with_source(&year.data_source);
        }
        out.push(d);
    }
    // The publication date against the statutory deadline.
    if let Some(published) = year.published {
        let deadline = agency.kind.deadline(year.year);
        let place = |d: Diagnostic| match year.published_pos {
            Some(pos) => d.at(pos).with_source(&year.data_source).path("published"),
            None => d.path("published"),
        };
        if published > deadline {
            out.push(place(
                Diagnostic::new(Code::D006, &year.data_file)
                    .message(format!(
                        "发布日期 {} 晚于法定期限 {}（{}）",
                        published.chinese(),
                        deadline.chinese(),
                        agency.kind.label()
                    ))
                    .found(published.to_string())
                    .expected(format!("不晚于 {deadline}")),
            ));
        } else if published.year <= year.year {
            out.push(place(
                Diagnostic::new(Code::D008, &year.data_file)
                    .found(published.to_string())
                    .expected(format!("{} 年或以后", year.year + 1)),
            ));
        }
    }
    check_narrative(year, out);
}

pub(super) fn check_narrative(year: &Year, out: &mut Vec<Diagnostic>) {
    let file = &year.report_file;
    let narrative = &year.narrative;
    let lines = SourceLines::new(&narrative.source);
    let at = |code: Code, line: usize| {
        Diagnostic::new(code, file)
            .at(crate::model::Pos { line, column: 1 })
            .with_lines(&lines)
    };
    let mut last = 0;
    for section in &narrative.sections {
        let official = PARTS[usize::from(section.part) - 1].heading;
        let anchor = format!("part{}", section.part);
        if !section.is_official() {
            out.push(
                at(Code::D001, section.line)
                    .cell(anchor.clone())
                    .found(section.heading.clone())
                    .expected(official),
            );
        }
        if section.part <= last {
            out.push(
                at(Code::D002, section.line)
                    .cell(anchor.clone())
                    .message(format!(
                        "「{official}」出现在第{}部分之后或重复出现",
                        crate::definition::part(last)
                            .numeral()
                            .trim_end_matches('、')
                    ))
                    .expected("一、二、三、四、五、六 的顺序，各一次"),
            );
        }
        last = last.max(section.part);
        if !section.has_text {
            out.push(
                at(Code::D004, section.line)
                    .cell(anchor)
                    .message(format!("「{official}」下没有内容")),
            );
        }
    }
    for unmarked in &narrative.unmarked_headings {
        let official = PARTS[usize::from(unmarked.part) - 1].heading;
        out.push(
            at(Code::D012, unmarked.line)
                .cell(format!("part{}", unmarked.part))
                .message(format!(
                    "第 {} 行「{}」像是部分标题，但没有写成标题",
                    unmarked.line, unmarked.text
                ))
                .found(unmarked.text.clone())
                .expected(format!("## {official}")),
        );
    }
    for section in &narrative.sections {
        if let Some(level) = narrative.part_level
            && section.level != level
        {
            let marks = |l: u8| "#".repeat(usize::from(l));
            out.push(
                at(Code::D013, section.line)
                    .cell(format!("part{}", section.part))
                    .message(format!(
                        "「{}」写成了 {}，其他部分标题写的是 {}",
                        section.heading,
                        marks(section.level),
                        marks(level)
                    ))
                    .found(format!("{} {}", marks(section.level), section.heading))
                    .expected(format!("{} {}", marks(level), section.heading)),
            );
        }
    }
    // An HTML comment left open hides everything after it, the part headings too: name it, and
    // do not report the headings it hides as missing.
    let unclosed = unclosed_comment(&narrative.source);
    if let Some(line) = unclosed {
        out.push(
            at(Code::D014, line)
                .message(format!(
                    "第 {line} 行的注释 <!-- 没有用 --> 结束，后面的正文都不会显示"
                ))
                .found("<!--")
                .expected("<!-- … -->"),
        );
    }
    for part in PARTS.iter().filter(|p| p.kind == PartKind::Prose) {
        let unmarked = narrative
            .unmarked_headings
            .iter()
            .any(|u| u.part == part.number);
        if narrative.section(part.number).is_none() && !unmarked && unclosed.is_none() {
            out.push(
                Diagnostic::new(Code::D003, file)
                    .cell(part.anchor())
                    .message(format!("正文缺少「{}」", part.heading))
                    .expected(format!("## {}", part.heading)),
            );
        }
    }
    for &line in &narrative.guidance_lines {
        out.push(at(Code::D007, line));
    }
}

/// Warns when most of a prose part repeats last year's text.
pub(super) fn check_repeated_text(year: &Year, previous: &Year, out: &mut Vec<Diagnostic>) {
    for part in PARTS.iter().filter(|p| p.kind == PartKind::Prose) {
        use crate::check::repetition::{compare_sentences, part_sentences};
        let (Some(now), Some(before), Some(now_sentences)) = (
            year.narrative.section(part.number),
            part_sentences(&previous.narrative, part.number),
            part_sentences(&year.narrative, part.number),
        ) else {
            continue;
        };
        let comparison = compare_sentences(before, now_sentences);
        if comparison.share > REPEATED_TEXT_LIMIT {
            out.push(
                Diagnostic::new(Code::D010, &year.report_file)
                    .at(crate::model::Pos {
                        line: now.line,
                        column: 1,
                    })
                    .with_source(&year.narrative.source)
                    .cell(part.anchor())
                    .message(format!(
                        "「{}」有 {}/{} 句与 {} 年度相同（{:.0}%）",
                        part.heading,
                        comparison.repeated,
                        comparison.sentences.len(),
                        previous.year,
                        comparison.share * 100.0
                    ))
                    .expected(format!("重复不超过 {:.0}%", REPEATED_TEXT_LIMIT * 100.0))
                    .found(format!("{:.0}%", comparison.share * 100.0)),
            );
        }
    }
}

/// The line of an HTML comment that is opened and never closed, if any (one pass over the text).
fn unclosed_comment(source: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(start) = source[from..].find("<!--").map(|i| from + i) {
        match source[start + 4..].find("-->") {
            Some(end) => from = start + 4 + end + 3,
            None => return Some(source[..start].matches('\n').count() + 1),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::unclosed_comment;

    #[test]
    fn comments_left_open_are_found_at_their_line() {
        assert_eq!(unclosed_comment("a\n<!-- b -->\n## 一、总体情况\n"), None);
        assert_eq!(
            unclosed_comment("<!-- a -->\n\n<!-- b\n## 一、总体情况\n"),
            Some(3)
        );
        assert_eq!(unclosed_comment("<!-- a --> <!--"), Some(1));
        assert_eq!(unclosed_comment("没有注释"), None);
    }
}
