//! A template's form as one year fills it in: its tables (their shape is in table_shape.rs), the
//! cells they number, and the rules inside a year and across years expanded over those cells.

use super::*;

/// An identity inside one table, stated once and expanded over rows or columns.
#[derive(Clone, Debug)]
pub(super) enum TableRule {
    /// For every column: the sum of `lhs` rows equals the sum of `rhs` rows (part 三, 一 + 二 =
    /// （七）+ 四). Reported at the first `rhs` row.
    ColumnBalance {
        code: Code,
        table: &'static str,
        lhs: Vec<&'static str>,
        rhs: Vec<&'static str>,
    },
    /// For every row: `total` equals the sum of all other columns.
    RowTotal {
        code: Code,
        table: &'static str,
        total: &'static str,
    },
    /// For every column: the `total` row equals the sum of every row whose key starts with one
    /// of the `groups` (so it holds whether a group is split into items or printed as one row).
    ColumnTotal {
        code: Code,
        table: &'static str,
        total: &'static str,
        groups: Vec<&'static str>,
    },
}

/// A rule between a year and the year before, stated once and expanded.
#[derive(Clone, Debug)]
pub(super) enum YearRule {
    /// For every column: this year's row `to` equals last year's row `from` (上年结转).
    CarryRow {
        code: Code,
        table: &'static str,
        from: &'static str,
        to: &'static str,
    },
    /// For every row of the tables: this year's `column` = last year's `column` + last year's
    /// `plus` (2019 format: 上一年项目数量 + 本年增/减).
    RollForward {
        code: Code,
        tables: Vec<&'static str>,
        column: &'static str,
        plus: &'static str,
    },
    /// For every row: this year's `stock` = last year's `stock` + this year's `inflow` − this
    /// year's `outflow` (2021 format: 现行有效件数).
    Stock {
        code: Code,
        table: &'static str,
        stock: &'static str,
        inflow: &'static str,
        outflow: &'static str,
    },
}

/// Which year a term of an equation reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearRef {
    Current,
    Previous,
}

/// One side's term: a cell of this year or of last year, added or subtracted.
#[derive(Clone, Debug)]
pub struct Term {
    pub year: YearRef,
    pub cell: String,
    pub negative: bool,
}

/// An identity expanded to single cells: sum(lhs) = sum(rhs).
#[derive(Clone, Debug)]
pub struct Equation {
    pub code: Code,
    /// The current-year cell where a failure is reported.
    pub anchor: String,
    pub lhs: Vec<Term>,
    pub rhs: Vec<Term>,
}

/// Where a cell sits in a form (ordered as the form's cells are: table, row, column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellPlace {
    pub table: usize,
    pub row: usize,
    pub column: usize,
}

/// A template as one year fills it in: the template's tables, with any mergeable groups that
/// the year prints as one row laid out that way, and the identities expanded over its cells.
#[derive(Debug)]
pub struct Form {
    pub template: TemplateId,
    pub tables: Vec<Table>,
    /// Every cell id in table, row, column order; a year's values are stored in this order.
    pub cells: Vec<String>,
    pub places: Vec<CellPlace>,
    index: rustc_hash::FxHashMap<String, usize>,
    /// Identities inside the year.
    pub identities: Vec<Equation>,
    /// Rules against the previous year (checked when the previous year has the cells).
    pub year_rules: Vec<Equation>,
    /// Cells that are totals which data.yaml may omit, with the index of the equation that
    /// computes them.
    pub optional_totals: HashMap<usize, usize>,
}

impl Form {
    pub fn cell_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn table(&self, key: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.key == key)
    }

    /// The index of the cell at `row` and `column` of the `table`th table, if the form has it.
    pub fn cell_at(&self, table: usize, row: usize, column: usize) -> Option<usize> {
        self.places
            .binary_search(&CellPlace { table, row, column })
            .ok()
    }

    pub fn place(&self, cell: usize) -> (&Table, &Row, &Column) {
        let p = self.places[cell];
        let table = &self.tables[p.table];
        (table, &table.rows[p.row], &table.columns[p.column])
    }

    /// The official label of a cell: 「row label」×「column label」.
    pub fn cell_label(&self, cell: usize) -> String {
        let (table, row, column) = self.place(cell);
        if table.is_figure_list() {
            format!("「{}」", table.row_label(row))
        } else {
            format!("「{}」×「{}」", table.row_label(row), column.label)
        }
    }

    /// The YAML path of a cell, e.g. `requests.withheld.state_secret[1]`.
    pub fn yaml_path(&self, cell: usize) -> String {
        let (table, row, _) = self.place(cell);
        let p = self.places[cell];
        if table.columns.len() == 1 {
            format!("{}.{}", table.key, row.key)
        } else {
            format!("{}.{}[{}]", table.key, row.key, p.column)
        }
    }

    pub fn kind(&self, cell: usize) -> CellKind {
        let (_, row, column) = self.place(cell);
        row.kind.unwrap_or(column.kind)
    }

    /// The unit of a money cell (元 or 万元), from the definition; None for counts.
    pub fn unit(&self, cell: usize) -> Option<Unit> {
        self.kind(cell).unit()
    }

    /// The deviations (merged groups) of this form: (table key, group key, check code).
    pub fn deviations(&self) -> Vec<(&'static str, &'static str, Code)> {
        let mut out = Vec::new();
        for table in &self.tables {
            for (group, _, _, code) in table.mergeable_groups() {
                if table.merged.contains(&group) {
                    out.push((table.key, group, code));
                }
            }
        }
        out
    }
}

pub(super) fn make_form(
    template: TemplateId,
    tables: Vec<Table>,
    table_rules: &[TableRule],
    year_rules: &[YearRule],
) -> Form {
    let mut cells = Vec::new();
    let mut places = Vec::new();
    for (t, table) in tables.iter().enumerate() {
        for (r, row) in table.rows.iter().enumerate() {
            for (c, column) in table.columns.iter().enumerate() {
                cells.push(cell_id(table.key, &row.key, column.key));
                places.push(CellPlace {
                    table: t,
                    row: r,
                    column: c,
                });
            }
        }
    }
    let index: rustc_hash::FxHashMap<String, usize> = cells
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, c)| (c, i))
        .collect();
    let id = cell_id;
    let cur = |cell: String| Term {
        year: YearRef::Current,
        cell,
        negative: false,
    };
    let prev = |cell: String| Term {
        year: YearRef::Previous,
        cell,
        negative: false,
    };

    let mut identities = Vec::new();
    let mut optional_totals = HashMap::new();
    for rule in table_rules {
        match rule {
            TableRule::ColumnBalance {
                code,
                table,
                lhs,
                rhs,
            } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for column in &t.columns {
                    identities.push(Equation {
                        code: *code,
                        anchor: id(table, rhs[0], column.key),
                        lhs: lhs.iter().map(|r| cur(id(table, r, column.key))).collect(),
                        rhs: rhs.iter().map(|r| cur(id(table, r, column.key))).collect(),
                    });
                }
            }
            TableRule::RowTotal { code, table, total } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for row in &t.rows {
                    let anchor = id(table, &row.key, total);
                    if t.columns
                        .iter()
                        .any(|c| c.key == *total && c.optional_total)
                    {
                        optional_totals.insert(index[&anchor], identities.len());
                    }
                    identities.push(Equation {
                        code: *code,
                        anchor: anchor.clone(),
                        lhs: vec![cur(anchor)],
                        rhs: t
                            .columns
                            .iter()
                            .filter(|c| c.key != *total)
                            .map(|c| cur(id(table, &row.key, c.key)))
                            .collect(),
                    });
                }
            }
            TableRule::ColumnTotal {
                code,
                table,
                total,
                groups,
            } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for column in &t.columns {
                    let anchor = id(table, total, column.key);
                    identities.push(Equation {
                        code: *code,
                        anchor: anchor.clone(),
                        lhs: vec![cur(anchor)],
                        rhs: t
                            .rows
                            .iter()
                            .filter(|r| {
                                let first = r.key.split('.').next().unwrap_or("");
                                groups.contains(&first)
                            })
                            .map(|r| cur(id(table, &r.key, column.key)))
                            .collect(),
                    });
                }
            }
        }
    }

    let mut rules = Vec::new();
    for rule in year_rules {
        match rule {
            YearRule::CarryRow {
                code,
                table,
                from,
                to,
            } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for column in &t.columns {
                    let anchor = id(table, to, column.key);
                    rules.push(Equation {
                        code: *code,
                        anchor: anchor.clone(),
                        lhs: vec![cur(anchor)],
                        rhs: vec![prev(id(table, from, column.key))],
                    });
                }
            }
            YearRule::RollForward {
                code,
                tables: keys,
                column,
                plus,
            } => {
                for key in keys {
                    let Some(t) = tables.iter().find(|x| x.key == *key) else {
                        continue;
                    };
                    for row in &t.rows {
                        let anchor = id(key, &row.key, column);
                        rules.push(Equation {
                            code: *code,
                            anchor: anchor.clone(),
                            lhs: vec![cur(anchor)],
                            rhs: vec![
                                prev(id(key, &row.key, column)),
                                prev(id(key, &row.key, plus)),
                            ],
                        });
                    }
                }
            }
            YearRule::Stock {
                code,
                table,
                stock,
                inflow,
                outflow,
            } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for row in &t.rows {
                    let anchor = id(table, &row.key, stock);
                    rules.push(Equation {
                        code: *code,
                        anchor: anchor.clone(),
                        lhs: vec![cur(anchor)],
                        rhs: vec![
                            prev(id(table, &row.key, stock)),
                            cur(id(table, &row.key, inflow)),
                            Term {
                                negative: true,
                                ..cur(id(table, &row.key, outflow))
                            },
                        ],
                    });
                }
            }
        }
    }

    Form {
        template,
        tables,
        cells,
        places,
        index,
        identities,
        year_rules: rules,
        optional_totals,
    }
}
