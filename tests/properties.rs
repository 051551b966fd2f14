//! Properties over generated sites: a consistent year passes every check; any single cell of parts
//! 三 and 四 changed is caught by a check that names the cell's row or column; the CSV and JSON
//! downloads give back exactly the figures; a site renders to the same bytes every time.
//!
//! The sites are real folders (site.yaml, agency.yaml, data.yaml, report.md) read by the library
//! the way `nianbao check` and `nianbao build` read them. Case counts keep this binary well under
//! a minute.

mod common;

use std::path::Path;

use proptest::prelude::*;
use rust_decimal::Decimal;

use nianbao::{CellKind, Files, Form, TemplateId};

/// The fixture whose site.yaml, agency.yaml, data.yaml headers and report.md the sites reuse.
fn fixture() -> std::path::PathBuf {
    common::repo().join("tests/fixtures/valid/content")
}

/// Report years with a report.md in the fixture: the 2019 format (2019, 2020) and the 2021 one.
const YEARS: [u16; 4] = [2019, 2020, 2021, 2022];

fn form_of(year: u16) -> &'static Form {
    let template = TemplateId::for_year(year).expect("a template for the year");
    &template.get().form
}

/// The figures of one year, in the order of its form's cells.
#[derive(Clone, Debug)]
struct Figures {
    year: u16,
    values: Vec<Decimal>,
}

/// Random numbers enough for any form: the generator reads them in order.
fn randoms() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0u32..60, 400)
}

/// A year whose parts 三 and 四 are consistent: in part 三 every applicant column's results sum
/// to (七)总计, new plus carried in equals total plus carried over, and the total column sums the
/// others; in part 四 every row's total sums its results. Money has up to two decimals.
fn consistent(year: u16, randoms: &[u32]) -> Figures {
    let form = form_of(year);
    let mut next = randoms.iter().cycle().copied();
    let mut values = vec![Decimal::ZERO; form.cells.len()];
    let index = |table: &str, row: &str, column: &str| {
        form.cell_index(&format!("{table}.{row}.{column}"))
            .unwrap_or_else(|| panic!("no cell {table}.{row}.{column}"))
    };
    for (i, value) in values.iter_mut().enumerate() {
        let (table, _, column) = form.place(i);
        if table.part == 3 || table.part == 4 || column.optional_total {
            continue;
        }
        let n = next.next().unwrap_or(0);
        *value = match form.kind(i) {
            CellKind::Count => Decimal::from(n),
            CellKind::SignedCount => Decimal::from(i64::from(n) - 30),
            CellKind::Money(_) => Decimal::new(i64::from(n) * 137 + 5, 2),
        };
    }
    for table in form.tables.iter().filter(|t| t.part == 3 || t.part == 4) {
        let Some(total_column) = table.columns.iter().find(|c| c.optional_total) else {
            panic!("{} has no total column", table.key);
        };
        for column in table.columns.iter().filter(|c| !c.optional_total) {
            if table.part == 4 {
                for row in &table.rows {
                    values[index(table.key, &row.key, column.key)] =
                        Decimal::from(next.next().unwrap_or(0));
                }
                continue;
            }
            let fixed = ["received", "carried_in", "total", "carried_over"];
            let mut total = Decimal::ZERO;
            for row in table
                .rows
                .iter()
                .filter(|r| !fixed.contains(&r.key.as_str()))
            {
                // Mostly small, often zero: like real reports.
                let n = Decimal::from(next.next().unwrap_or(0) / 4);
                values[index(table.key, &row.key, column.key)] = n;
                total += n;
            }
            let carried_over = Decimal::from(next.next().unwrap_or(0) / 6);
            let room = total + carried_over;
            let carried_in = Decimal::from(next.next().unwrap_or(0)) % (room + Decimal::ONE);
            values[index(table.key, "total", column.key)] = total;
            values[index(table.key, "carried_over", column.key)] = carried_over;
            values[index(table.key, "carried_in", column.key)] = carried_in;
            values[index(table.key, "received", column.key)] = room - carried_in;
        }
        for row in &table.rows {
            let sum = table
                .columns
                .iter()
                .filter(|c| !c.optional_total)
                .map(|c| values[index(table.key, &row.key, c.key)])
                .sum();
            values[index(table.key, &row.key, total_column.key)] = sum;
        }
    }
    // The generator's own test: every identity of the form holds.
    for eq in &form.identities {
        let side = |terms: &[nianbao::Term]| -> Decimal {
            terms
                .iter()
                .map(|t| {
                    let v = values[form.cell_index(&t.cell).unwrap_or(0)];
                    if t.negative { -v } else { v }
                })
                .sum()
        };
        assert_eq!(side(&eq.lhs), side(&eq.rhs), "{} at {}", eq.code, eq.anchor);
    }
    Figures { year, values }
}

/// How a value is written in data.yaml.
fn written(value: Decimal, kind: CellKind) -> String {
    match kind {
        CellKind::SignedCount if value > Decimal::ZERO => format!("+{value}"),
        _ => value.to_string(),
    }
}

/// An ordered YAML mapping: keys in the order the form has them.
#[derive(Default)]
struct Mapping(Vec<(String, Entry)>);

enum Entry {
    Map(Mapping),
    Value(String),
}

impl Mapping {
    fn insert(&mut self, path: &[&str], value: String) {
        let (first, rest) = path.split_first().expect("a non-empty path");
        if rest.is_empty() {
            self.0.push((first.to_string(), Entry::Value(value)));
            return;
        }
        if !matches!(self.0.last(), Some((k, Entry::Map(_))) if k == first) {
            self.0
                .push((first.to_string(), Entry::Map(Mapping::default())));
        }
        if let Some((_, Entry::Map(inner))) = self.0.last_mut() {
            inner.insert(rest, value);
        }
    }

    fn write(&self, indent: usize, out: &mut String) {
        for (key, entry) in &self.0 {
            out.push_str(&" ".repeat(indent));
            match entry {
                Entry::Map(inner) => {
                    out.push_str(&format!("{key}:\n"));
                    inner.write(indent + 2, out);
                }
                Entry::Value(value) => out.push_str(&format!("{key}: {value}\n")),
            }
        }
    }
}

/// data.yaml of a year: the fixture's header (template, published), then every table.
fn data_yaml(figures: &Figures) -> String {
    let form = form_of(figures.year);
    let fixture_data =
        std::fs::read_to_string(fixture().join(format!("shili/{}/data.yaml", figures.year)))
            .expect("fixture data.yaml");
    let mut out: String = fixture_data
        .lines()
        .take_while(|l| !l.starts_with("# 二、"))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut root = Mapping::default();
    for (t, table) in form.tables.iter().enumerate() {
        for (r, row) in table.rows.iter().enumerate() {
            let cells: Vec<String> = (0..table.columns.len())
                .map(|c| {
                    let i = form
                        .places
                        .iter()
                        .position(|p| p.table == t && p.row == r && p.column == c)
                        .expect("every cell has a place");
                    written(figures.values[i], form.kind(i))
                })
                .collect();
            let value = if cells.len() == 1 {
                cells[0].clone()
            } else {
                format!("[{}]", cells.join(", "))
            };
            let path: Vec<&str> = table.key.split('.').chain(row.key.split('.')).collect();
            root.insert(&path, value);
        }
    }
    root.write(0, &mut out);
    out
}

/// Writes a site: the fixture's site.yaml, then one agency per entry, each with its years.
fn write_site(root: &Path, agencies: &[Vec<Figures>]) {
    let content = root.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::copy(fixture().join("site.yaml"), content.join("site.yaml")).unwrap();
    let agency_yaml = std::fs::read_to_string(fixture().join("shili/agency.yaml")).unwrap();
    for (a, years) in agencies.iter().enumerate() {
        let dir = content.join(format!("shili{a}"));
        std::fs::create_dir_all(&dir).unwrap();
        let name = format!("示例街道办事处{}", a + 1);
        std::fs::write(
            dir.join("agency.yaml"),
            agency_yaml.replace("示例街道办事处", &name),
        )
        .unwrap();
        for figures in years {
            let year_dir = dir.join(figures.year.to_string());
            std::fs::create_dir_all(&year_dir).unwrap();
            std::fs::write(year_dir.join("data.yaml"), data_yaml(figures)).unwrap();
            std::fs::copy(
                fixture().join(format!("shili/{}/report.md", figures.year)),
                year_dir.join("report.md"),
            )
            .unwrap();
        }
    }
}

/// A consistent year of any of the fixture's report years.
fn a_year() -> impl Strategy<Value = Figures> {
    (prop::sample::select(YEARS.to_vec()), randoms()).prop_map(|(y, r)| consistent(y, &r))
}

/// A site of one to three agencies, one year each (years of one agency would have to agree
/// with each other across years).
fn a_site() -> impl Strategy<Value = Vec<Vec<Figures>>> {
    prop::collection::vec(a_year().prop_map(|y| vec![y]), 1..=3)
}

/// The cells of parts 三 and 四 of a form.
fn table_cells(form: &Form) -> Vec<usize> {
    (0..form.cells.len())
        .filter(|&i| matches!(form.place(i).0.part, 3 | 4))
        .collect()
}

fn blocking(checked: &nianbao::Checked) -> Vec<String> {
    checked
        .diagnostics
        .iter()
        .filter(|d| d.is_blocking())
        .map(|d| d.render())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_consistent_year_passes_every_check(site in a_site()) {
        let dir = tempfile::tempdir().unwrap();
        write_site(dir.path(), &site);
        let checked = nianbao::load_and_check(dir.path()).unwrap();
        prop_assert!(!checked.has_errors(), "{:#?}", blocking(&checked));
    }

    #[test]
    fn any_single_changed_cell_is_named(
        year in a_year(),
        pick in any::<prop::sample::Index>(),
        delta in 1u32..20,
    ) {
        let form = form_of(year.year);
        let cells = table_cells(form);
        let cell = cells[pick.index(cells.len())];
        let mut changed = year.clone();
        changed.values[cell] += Decimal::from(delta);
        let dir = tempfile::tempdir().unwrap();
        write_site(dir.path(), &[vec![changed]]);
        let checked = nianbao::load_and_check(dir.path()).unwrap();
        let (table, row, column) = form.place(cell);
        let row_prefix = format!("{}.{}.", table.key, row.key);
        let column_suffix = format!(".{}", column.key);
        let named = checked.diagnostics.iter().filter(|d| d.is_blocking()).any(|d| {
            d.cell.as_deref().is_some_and(|c| {
                c.starts_with(&row_prefix)
                    || (c.starts_with(&format!("{}.", table.key)) && c.ends_with(&column_suffix))
            })
        });
        prop_assert!(
            named,
            "{} changed by {delta}: {:#?}",
            form.cells[cell],
            blocking(&checked)
        );
    }

    #[test]
    fn the_downloads_give_back_exactly_the_figures(year in a_year()) {
        let dir = tempfile::tempdir().unwrap();
        write_site(dir.path(), &[vec![year.clone()]]);
        let checked = nianbao::load_and_check(dir.path()).unwrap();
        prop_assert!(!checked.has_errors(), "{:#?}", blocking(&checked));
        let files = nianbao::render_to_memory(dir.path(), &checked, &nianbao::Options::default())
            .unwrap();
        let form = form_of(year.year);
        let expected: Vec<(String, String)> = form
            .cells
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), written(year.values[i], form.kind(i))))
            .collect();

        let json = files.get(&format!("shili0/{}/data.json", year.year)).expect("data.json");
        let json: serde_json::Value = serde_json::from_slice(json).unwrap();
        let mut from_json: Vec<(String, String)> = Vec::new();
        for table in json["tables"].as_array().unwrap() {
            let columns = table["columns"].as_array().unwrap();
            for row in table["rows"].as_array().unwrap() {
                for (column, value) in columns.iter().zip(row["values"].as_array().unwrap()) {
                    from_json.push((
                        format!(
                            "{}.{}.{}",
                            table["key"].as_str().unwrap(),
                            row["key"].as_str().unwrap(),
                            column["key"].as_str().unwrap()
                        ),
                        value.as_str().unwrap().to_string(),
                    ));
                }
            }
        }
        prop_assert_eq!(&from_json, &expected);

        // The CSV: one line per row (行编号 is the cell id without its column), its values in the
        // columns of its table, in column order.
        let csv = files.get(&format!("shili0/{}/data.csv", year.year)).expect("data.csv");
        let csv = csv.strip_prefix("\u{feff}".as_bytes()).expect("a byte-order mark");
        let mut reader = csv::Reader::from_reader(csv);
        let width = reader.headers().unwrap().len();
        let from_csv: Vec<(String, Vec<String>)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                let values = (2..width - 1)
                    .map(|i| r[i].to_string())
                    .filter(|v| !v.is_empty())
                    .collect();
                (r[0].to_string(), values)
            })
            .collect();
        let mut by_row: Vec<(String, Vec<String>)> = Vec::new();
        for (id, value) in &expected {
            let row = id.rsplit_once('.').unwrap().0.to_string();
            match by_row.last_mut() {
                Some((r, values)) if *r == row => values.push(value.clone()),
                _ => by_row.push((row, vec![value.clone()])),
            }
        }
        prop_assert_eq!(&from_csv, &by_row);
        let from_csv: Vec<(String, String)> = from_json.clone();
        // And the text is the number: parsed back, the same decimal.
        for ((_, text), value) in from_csv.iter().zip(&year.values) {
            prop_assert_eq!(text.trim_start_matches('+').parse::<Decimal>().unwrap(), *value);
        }
    }

    #[test]
    fn a_site_renders_to_the_same_bytes_twice(site in a_site()) {
        let dir = tempfile::tempdir().unwrap();
        write_site(dir.path(), &site);
        let render = || -> Files {
            let checked = nianbao::load_and_check(dir.path()).unwrap();
            nianbao::render_to_memory(dir.path(), &checked, &nianbao::Options::default()).unwrap()
        };
        let first = render();
        prop_assert!(first.len() > 10, "a whole site: {} files", first.len());
        let second = render();
        prop_assert_eq!(first.files.keys().collect::<Vec<_>>(), second.files.keys().collect::<Vec<_>>());
        for (path, bytes) in &first.files {
            prop_assert!(second.get(path) == Some(bytes.as_slice()), "{} differs", path);
        }
    }
}
