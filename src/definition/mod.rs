//! The national templates of the annual report, defined once, as data.
//!
//! Everything about the official format lives here: the six parts and their headings, every
//! table of parts 二, 三, 四 (and the fee figures of 六) with its rows, columns and exact official
//! labels, the kind of every cell, the identities inside a year and the rules across consecutive
//! years. The loader, the checks, the scaffold and the renderer all derive what they need from
//! these definitions. Adding a template version means adding one file like `f2021.rs` and its
//! `TemplateId`.
//!
//! Cell ids are stable and shared between templates wherever the two templates mean the same
//! thing (for example `requests.received.natural_person`); a cell id present in both templates
//! is comparable across them, every other cell is 口径不同.

mod f2019;
mod f2021;
mod form;
mod indicators;
mod narrative;
mod parts;
mod rules;
mod table_shape;
mod tables;

use crate::codes::Code;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use f2019::template_2019;
use f2021::template_2021;
pub use form::*;
pub(crate) use indicators::*;
pub(crate) use narrative::*;
pub(crate) use parts::*;
pub(crate) use rules::{RULE_CODES, split_expected, template_keys, years_of_templates};
pub(crate) use table_shape::*;
use tables::*;

/// The report years nianbao accepts, the one rule for the loader (year folders) and `new`: the
/// 2019 format is the first national template; the upper bound keeps every year four digits and
/// arithmetic on years far from overflow.
pub(crate) const REPORT_YEARS: std::ops::RangeInclusive<u16> = 2019..=2099;

/// The years a publication date may have: annual reports exist since the Regulations on Open
/// Government Information took effect (2008), and a report is published the year after it ends.
pub(crate) const PUBLISHED_YEARS: std::ops::RangeInclusive<u16> = 2008..=2100;

/// A version of the national template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplateId {
    /// 2019 format (试行), 国办公开办函〔2019〕60号: report years 2019 and 2020.
    F2019,
    /// 2021 format, 国办公开办函〔2021〕30号: report years 2021 onward.
    F2021,
}

impl TemplateId {
    pub const ALL: [TemplateId; 2] = [TemplateId::F2019, TemplateId::F2021];

    /// The key written in data.yaml (`template: 2021`).
    pub fn key(self) -> &'static str {
        match self {
            TemplateId::F2019 => "2019",
            TemplateId::F2021 => "2021",
        }
    }

    pub fn from_key(key: &str) -> Option<TemplateId> {
        TemplateId::ALL.into_iter().find(|t| t.key() == key)
    }

    /// The template that applies to a report year (none outside `REPORT_YEARS`): the newest
    /// whose definition's `first_year` the year has reached.
    pub fn for_year(year: u16) -> Option<TemplateId> {
        if !REPORT_YEARS.contains(&year) {
            return None;
        }
        TemplateId::ALL
            .into_iter()
            .rev()
            .find(|t| t.get().first_year <= year)
    }

    pub fn get(self) -> &'static Template {
        static TEMPLATES: OnceLock<[Template; 2]> = OnceLock::new();
        let all = TEMPLATES.get_or_init(|| [template_2019(), template_2021()]);
        &all[self as usize]
    }
}

/// The kind of value a cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// A non-negative whole number.
    Count,
    /// A whole number that may be negative (「本年增/减」).
    SignedCount,
    /// An exact decimal amount of money in the given unit.
    Money(Unit),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Yuan,
    TenThousandYuan,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::TenThousandYuan => "万元",
        }
    }

    /// How many yuan one of this unit is.
    pub fn yuan(self) -> u32 {
        match self {
            Unit::Yuan => 1,
            Unit::TenThousandYuan => 10_000,
        }
    }

    /// The note the official tables print after a money label: 「（单位：万元）」.
    pub fn note(self) -> String {
        format!("（单位：{}）", self.label())
    }

    /// Units a clerk may type after a figure, longest first, with their size in yuan.
    pub const TYPED: [(&'static str, u32); 3] = [("万元", 10_000), ("元", 1), ("万", 10_000)];
}

/// The id of a cell, `table.row.column` (`requests.withheld.state_secret.natural_person`): the
/// one place it is built; acknowledgements, diagnostics, anchors and exports all use it.
pub(crate) fn cell_id(table: &str, row: &str, column: &str) -> String {
    format!("{table}.{row}.{column}")
}

/// A cell id split into its row id and column key (`requests.received` and `natural_person`):
/// the inverse of `cell_id`.
pub(crate) fn split_cell_id(id: &str) -> Option<(&str, &str)> {
    id.rsplit_once('.')
}

/// Whether `cell` is a cell of an item under the group row `group` in `column`
/// (`requests.other_handling.item1.total` under `requests.other_handling`, column `total`).
pub(crate) fn is_item_cell(cell: &str, group: &str, column: &str) -> bool {
    split_cell_id(cell).is_some_and(|(row, col)| {
        col == column
            && row
                .strip_prefix(group)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The id of a row, `table.row`, the prefix of its cells' ids.
pub(crate) fn row_id(table: &str, row: &str) -> String {
    format!("{table}.{row}")
}

/// A label with its unit note appended when the cell is money and the label does not already
/// say its unit (「采购总金额」 → 「采购总金额（单位：万元）」).
pub(crate) fn label_with_unit(label: &str, kind: CellKind) -> String {
    match kind.unit() {
        Some(unit) if !label.contains("单位") => format!("{label}{}", unit.note()),
        _ => label.to_string(),
    }
}

impl CellKind {
    /// The unit of a money cell; None for counts.
    pub fn unit(self) -> Option<Unit> {
        match self {
            CellKind::Money(unit) => Some(unit),
            CellKind::Count | CellKind::SignedCount => None,
        }
    }

    /// A Chinese description for messages and scaffold comments.
    pub fn describe(self) -> String {
        match self {
            CellKind::Count => "非负整数".to_string(),
            CellKind::SignedCount => "整数（可为负数，如 -3 或 +19）".to_string(),
            CellKind::Money(unit) => format!("金额，单位{}，十进制数（如 12.5）", unit.label()),
        }
    }
}

/// A national template version.
#[derive(Debug)]
pub struct Template {
    pub id: TemplateId,
    /// 「2021年版」.
    pub name: &'static str,
    /// The notice that issued it.
    pub notice: &'static str,
    pub first_year: u16,
    /// Whether part 六 must report the information-processing fee figures.
    pub has_fees: bool,
    /// The form as the template prints it.
    pub form: Arc<Form>,
    /// Forms with mergeable groups printed as one row, keyed by their "table.group" ids sorted
    /// and joined (`variant_key`).
    variants: HashMap<String, Arc<Form>>,
}

impl Template {
    /// The form with the given groups (as "table.group", in any order) printed as one row; None
    /// when one of them is not a mergeable group of this template.
    pub fn form_with(&self, merged: &[String]) -> Option<Arc<Form>> {
        if merged.is_empty() {
            return Some(self.form.clone());
        }
        self.variants.get(&variant_key(merged)).cloned()
    }
}

/// The key of a form with these groups merged: their ids sorted, joined by spaces.
fn variant_key(merged: &[String]) -> String {
    let mut ids: Vec<&str> = merged.iter().map(String::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.join(" ")
}

#[allow(clippy::too_many_arguments)]
fn make_template(
    id: TemplateId,
    name: &'static str,
    notice: &'static str,
    first_year: u16,
    has_fees: bool,
    tables: Vec<Table>,
    table_rules: Vec<TableRule>,
    year_rules: Vec<YearRule>,
) -> Template {
    let form = Arc::new(make_form(id, tables.clone(), &table_rules, &year_rules));
    // A form for every combination of mergeable groups a report may print as one row (there are
    // 2^n - 1 for n groups; the templates have one).
    let groups: Vec<(usize, &'static str)> = tables
        .iter()
        .enumerate()
        .flat_map(|(t, table)| table.mergeable_groups().into_iter().map(move |g| (t, g.0)))
        .collect();
    let mut variants = HashMap::new();
    for mask in 1..(1usize << groups.len()) {
        let mut variant_tables = tables.clone();
        let mut merged = Vec::new();
        for (i, (t, group)) in groups.iter().enumerate() {
            if mask & (1 << i) != 0 {
                variant_tables[*t] = variant_tables[*t].with_merged(group);
                merged.push(row_id(tables[*t].key, group));
            }
        }
        variants.insert(
            variant_key(&merged),
            Arc::new(make_form(id, variant_tables, &table_rules, &year_rules)),
        );
    }
    Template {
        id,
        name,
        notice,
        first_year,
        has_fees,
        form,
        variants,
    }
}

/// A money or count cell this many times larger or smaller than last year's is a likely unit
/// slip (Y004): 元 typed into a 万元 cell.
pub(crate) const UNIT_SLIP_FACTOR: u32 = 1000;

/// Above this share of sentences repeated from last year's text, a prose part is flagged (D010).
pub(crate) const REPEATED_TEXT_LIMIT: f64 = 0.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_found_at_its_place_in_every_template_and_variant() {
        for id in TemplateId::ALL {
            let template = id.get();
            let forms = std::iter::once(&template.form).chain(template.variants.values());
            for form in forms {
                for (i, p) in form.places.iter().enumerate() {
                    assert_eq!(form.cell_at(p.table, p.row, p.column), Some(i));
                }
                let last = form.tables.len() - 1;
                assert_eq!(form.cell_at(last, form.tables[last].rows.len(), 0), None);
            }
        }
    }

    #[test]
    fn every_indicator_cell_exists_in_every_template_and_variant() {
        for id in TemplateId::ALL {
            let template = id.get();
            let forms = std::iter::once(&template.form).chain(template.variants.values());
            for form in forms {
                for indicator in INDICATORS {
                    for cell in indicator.numerator.iter().chain(indicator.denominator) {
                        assert!(
                            form.cell_index(cell).is_some(),
                            "indicator {} names {cell}, not a cell of template {}",
                            indicator.key,
                            template.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_combination_of_mergeable_groups_has_its_form() {
        for id in TemplateId::ALL {
            let template = id.get();
            let groups: Vec<String> = template
                .form
                .tables
                .iter()
                .flat_map(|t| t.mergeable_groups().into_iter().map(|g| row_id(t.key, g.0)))
                .collect();
            assert_eq!(template.variants.len(), (1 << groups.len()) - 1);
            for group in &groups {
                assert!(template.form_with(std::slice::from_ref(group)).is_some());
            }
            let reversed: Vec<String> = groups.iter().rev().cloned().collect();
            assert!(template.form_with(&reversed).is_some());
            assert!(
                template
                    .form_with(&["requests.nothing".to_string()])
                    .is_none()
            );
        }
    }

    #[test]
    fn two_mergeable_groups_merge_one_at_a_time_and_together() {
        // A definition with two groups a report may print as one row, as a future template
        // might have: each alone and both together are forms of their own.
        let group = |key, code| RowSpec::Group {
            key,
            label: "组",
            children: vec![("a", "甲"), ("b", "乙")],
            mergeable: Some(code),
        };
        let table = build_table(
            "t",
            3,
            "",
            "",
            vec![col("n", "数量")],
            vec![group("x", Code::F001), group("y", Code::F001)],
            Layout::Rows,
            Vec::new(),
        );
        let template = make_template(
            TemplateId::F2021,
            "测试",
            "",
            2021,
            false,
            vec![table],
            vec![],
            vec![],
        );
        assert_eq!(template.variants.len(), 3);
        let cells = |merged: &[&str]| {
            let merged: Vec<String> = merged.iter().map(|m| m.to_string()).collect();
            template.form_with(&merged).map(|f| f.cells.len())
        };
        assert_eq!(cells(&[]), Some(4));
        assert_eq!(cells(&["t.x"]), Some(3));
        assert_eq!(cells(&["t.y", "t.x"]), Some(2));
        assert_eq!(cells(&["t.z"]), None);
    }

    #[test]
    fn cell_ids_are_built_and_read_in_one_place() {
        let id = cell_id("requests", "received", "natural_person");
        assert_eq!(id, "requests.received.natural_person");
        assert_eq!(
            split_cell_id(&id),
            Some(("requests.received", "natural_person"))
        );
        let item = "requests.outcome.other.item1.total";
        assert!(is_item_cell(item, "requests.outcome.other", "total"));
        assert!(!is_item_cell(item, "requests.outcome.oth", "total"));
        assert!(!is_item_cell(
            item,
            "requests.outcome.other",
            "natural_person"
        ));
    }

    #[test]
    fn each_template_starts_at_its_first_year() {
        for id in TemplateId::ALL {
            let first = id.get().first_year;
            assert_eq!(TemplateId::for_year(first), Some(id));
        }
    }

    #[test]
    fn templates_by_year() {
        assert_eq!(TemplateId::for_year(2019), Some(TemplateId::F2019));
        assert_eq!(TemplateId::for_year(2020), Some(TemplateId::F2019));
        assert_eq!(TemplateId::for_year(2021), Some(TemplateId::F2021));
        assert_eq!(TemplateId::for_year(2030), Some(TemplateId::F2021));
        assert_eq!(TemplateId::for_year(2018), None);
        assert_eq!(TemplateId::for_year(2099), Some(TemplateId::F2021));
        assert_eq!(TemplateId::for_year(2100), None);
        assert_eq!(TemplateId::for_year(65535), None);
    }

    #[test]
    fn requests_rows_match_the_official_counts() {
        let f19 = &TemplateId::F2019.get().form;
        let f21 = &TemplateId::F2021.get().form;
        assert_eq!(f19.table("requests").unwrap().rows.len(), 23);
        assert_eq!(f21.table("requests").unwrap().rows.len(), 25);
        assert_eq!(f21.table("requests").unwrap().columns.len(), 7);
        assert_eq!(f21.table("review").unwrap().rows.len(), 3);
        assert_eq!(f21.table("requests").unwrap().header_levels(), 3);
        assert_eq!(f21.table("requests").unwrap().row_levels(), 3);
    }

    #[test]
    fn labels_are_official() {
        let f = &TemplateId::F2021.get().form;
        let cell = f
            .cell_index("requests.unavailable.not_held.business")
            .unwrap();
        assert_eq!(
            f.cell_label(cell),
            "「三、本年度办理结果（四）无法提供 1.本机关不掌握相关政府信息」×「商业企业」"
        );
        assert_eq!(f.yaml_path(cell), "requests.unavailable.not_held[1]");
        let fee = f.cell_index("fees.collected.value").unwrap();
        assert_eq!(f.yaml_path(fee), "fees.collected");
        let item1 = f.cell_index("proactive.item1.rules.issued").unwrap();
        assert_eq!(
            f.cell_label(item1),
            "「第二十条第（一）项 规章」×「本年制发件数」"
        );
    }

    #[test]
    fn merged_variant_lays_the_group_out_as_one_row() {
        let t = TemplateId::F2021.get();
        let merged = t
            .form_with(&["requests.other_handling".to_string()])
            .unwrap();
        assert_eq!(merged.table("requests").unwrap().rows.len(), 23);
        assert!(merged.cell_index("requests.other_handling.total").is_some());
        assert_eq!(
            merged.deviations(),
            vec![("requests", "other_handling", Code::F001)]
        );
        // The column total still sums the merged row.
        let t003 = merged
            .identities
            .iter()
            .find(|e| e.code == Code::T003 && e.anchor == "requests.total.total")
            .unwrap();
        assert!(
            t003.rhs
                .iter()
                .any(|t| t.cell == "requests.other_handling.total")
        );
        assert_eq!(t003.rhs.len(), 19);
    }

    #[test]
    fn identities_expand_over_cells() {
        let f = &TemplateId::F2019.get().form;
        let count = |code| f.identities.iter().filter(|e| e.code == code).count();
        assert_eq!(count(Code::T001), 7);
        assert_eq!(count(Code::T002), 23);
        assert_eq!(count(Code::T003), 7);
        assert_eq!(count(Code::T004), 3);
        let roll = f.year_rules.iter().filter(|e| e.code == Code::Y002).count();
        assert_eq!(roll, 5);
    }

    #[test]
    fn shared_cell_ids_are_comparable() {
        let a = &TemplateId::F2019.get().form;
        let b = &TemplateId::F2021.get().form;
        for id in [
            "requests.received.total",
            "review.reconsideration.upheld",
            "proactive.item6.penalties.decisions",
        ] {
            assert!(
                a.cell_index(id).is_some() && b.cell_index(id).is_some(),
                "{id}"
            );
        }
        assert!(b.cell_index("proactive.item1.rules.new_made").is_none());
    }

    #[test]
    fn money_cells_name_their_unit() {
        let f19 = &TemplateId::F2019.get().form;
        let amount = f19
            .cell_index("proactive.item9.procurement.amount")
            .unwrap();
        assert_eq!(f19.unit(amount), Some(Unit::TenThousandYuan));
        let (_, _, column) = f19.place(amount);
        assert_eq!(
            label_with_unit(column.label, column.kind),
            "采购总金额（单位：万元）"
        );
        let f21 = &TemplateId::F2021.get().form;
        let fee = f21.cell_index("proactive.item8.fees.amount").unwrap();
        let (_, _, column) = f21.place(fee);
        assert_eq!(
            label_with_unit(column.label, column.kind),
            "本年收费金额（单位：万元）"
        );
        let collected = f21.cell_index("fees.collected.value").unwrap();
        assert_eq!(f21.unit(collected), Some(Unit::Yuan));
        let count = f21.cell_index("requests.received.total").unwrap();
        assert_eq!(f21.unit(count), None);
    }

    #[test]
    fn every_part_numeral() {
        assert_eq!(PARTS[0].numeral(), "一、");
        assert_eq!(PARTS[5].numeral(), "六、");
    }
}
