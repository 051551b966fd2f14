//! The year's workbook (data.xlsx) for the downloads of a build, made cheaply (issue 15).
//!
//! The workbook of a form (its sheets, merged headers, labels, styles) is the same for every year
//! and agency but for the figures, the agency's name and the year. So it is written once per form
//! by the workbook writer that `nianbao xlsx` uses (`import::xlsx::workbook`, rust_xlsxwriter),
//! with a mark for the name and year and a unique sentinel number in every figure cell; that
//! skeleton is cut into pieces at the sentinels. Each year then only writes its figures into the
//! sheets' XML, puts its name and year into the shared strings and document properties, and copies
//! every other part of the skeleton as it is (deflated once, `archive.rs`). A workbook costs a few
//! hundred microseconds instead of 1.5–4 ms, and is the same workbook (cell for cell) as before.

use std::io::{Cursor, Read};
use std::sync::Arc;

use super::archive::{Archive, Deflated};
use super::per_form::PerForm;

use rust_decimal::prelude::ToPrimitive;
use zip::ZipArchive;

use crate::definition::Form;
use crate::import::xlsx::{Value, workbook, year_values};
use crate::model::Year;

/// The sentinel of the figure cell `i` of the form in the skeleton.
const SENTINEL: u64 = 900_000_000;
/// The agency's name in the skeleton (private-use characters, never in a real name).
const AGENCY_MARK: &str = "\u{E000}\u{E001}";
/// The year in the skeleton; its workbook is dated the first day of the next year.
const YEAR_MARK: u16 = 9998;

/// A piece of a sheet's XML: text as it is, or the figure cell of a form cell.
enum Piece {
    Text(String),
    /// (index of the form cell, the cell's reference such as `D7`, its style index).
    Cell(usize, String, String),
}

/// How each part of the skeleton's zip is made for a year.
enum Part {
    /// The same for every year: deflated once, copied as it is.
    Copy(Deflated),
    /// A worksheet: its pieces.
    Sheet(Vec<Piece>),
    /// Text with the marks of the name and year (shared strings, document properties).
    Marked(String),
}

struct Skeleton {
    parts: Vec<(String, Part)>,
    /// The size of the skeleton's zip: about the size of a year's.
    size: usize,
}

fn fail(e: impl std::fmt::Display) -> String {
    format!("无法生成 Excel 工作簿：{e}")
}

/// Cuts a worksheet's XML at the figure cells: `<c r="D7" s="4"><v>900000012</v></c>`.
fn pieces(xml: &str, cells: usize) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(v) = rest.find("<v>") {
        let after = &rest[v + 3..];
        let digits: &str = after.split("</v>").next().unwrap_or("");
        let sentinel = digits
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_sub(SENTINEL))
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < cells);
        let (Some(index), Some(start)) = (sentinel, rest[..v].rfind("<c ")) else {
            // Not a figure cell: keep it as text.
            let end = v + 3;
            push_text(&mut out, &rest[..end]);
            rest = &rest[end..];
            continue;
        };
        let open = &rest[start..v];
        let attribute = |name: &str| -> String {
            open.split(&format!(" {name}=\""))
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("")
                .to_string()
        };
        let close = v + 3 + digits.len() + "</v></c>".len();
        push_text(&mut out, &rest[..start]);
        out.push(Piece::Cell(index, attribute("r"), attribute("s")));
        rest = rest.get(close..).unwrap_or("");
    }
    push_text(&mut out, rest);
    out
}

fn push_text(out: &mut Vec<Piece>, text: &str) {
    if let Some(Piece::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else if !text.is_empty() {
        out.push(Piece::Text(text.to_string()));
    }
}

/// The workbook of `form` with sentinels for its figures, cut at them: made once per form.
fn skeleton(form: &Arc<Form>) -> Result<Arc<Skeleton>, String> {
    static SKELETONS: PerForm<(), Skeleton> = PerForm::new();
    SKELETONS.get_or_try(form, (), || make_skeleton(form))
}

fn make_skeleton(form: &Form) -> Result<Skeleton, String> {
    let sentinels: Vec<Option<Value>> = (0..form.cells.len())
        .map(|i| Some(Value::Number((SENTINEL + i as u64).into())))
        .collect();
    let zip = workbook(form, AGENCY_MARK, YEAR_MARK, &sentinels, false).map_err(fail)?;
    let mut archive = ZipArchive::new(Cursor::new(zip.as_slice())).map_err(fail)?;
    let mut parts = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(fail)?;
        let name = file.name().map_err(fail)?.to_string();
        let mut text = String::new();
        // Every part of an .xlsx is XML text.
        file.read_to_string(&mut text).map_err(fail)?;
        let part = if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            Part::Sheet(pieces(&text, form.cells.len()))
        } else if text.contains(AGENCY_MARK) || text.contains(&year_text(YEAR_MARK + 1)) {
            Part::Marked(text)
        } else {
            Part::Copy(Deflated::new(&name, text.as_bytes())?)
        };
        parts.push((name, part));
    }
    Ok(Skeleton {
        parts,
        size: zip.len(),
    })
}

/// The creation date of the workbook of the year before `next`, as the document properties
/// write it.
fn year_text(next: u16) -> String {
    format!("{next}-01-01T00:00:00Z")
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A cell's number as the sheet holds it: as `f64`'s `Display` writes the value (`3`, `0.5`).
/// An integer below 2^53 (most cells) is written from its mantissa by `itoa`, which gives the
/// same digits without the float formatting.
fn push_number(xml: &mut String, v: rust_decimal::Decimal) {
    const EXACT: u128 = 1 << 53;
    let magnitude = v.mantissa().unsigned_abs();
    if v.scale() == 0 && magnitude < EXACT {
        crate::render::format::push_decimal(xml, v);
    } else {
        use std::fmt::Write as _;
        let _ = write!(xml, "{}", v.to_f64().unwrap_or_default());
    }
}

/// The data.xlsx of a year of `agency_name`.
pub(crate) fn export(agency_name: &str, year: &Year) -> Result<Vec<u8>, String> {
    let skeleton = skeleton(&year.form)?;
    let values = year_values(year);
    let mut out = Archive::new(skeleton.size + 4096);
    let name_and_year = format!("{} {}年", escape_xml(agency_name), year.year);
    let marked_name = format!("{AGENCY_MARK} {YEAR_MARK}年");
    for (name, part) in &skeleton.parts {
        match part {
            Part::Copy(deflated) => out.copy(deflated)?,
            Part::Marked(text) => {
                let text = text
                    .replace(&marked_name, &name_and_year)
                    .replace(AGENCY_MARK, &escape_xml(agency_name))
                    .replace(&year_text(YEAR_MARK + 1), &year_text(year.year + 1));
                out.deflate(name, text.as_bytes())?;
            }
            Part::Sheet(pieces) => {
                let mut xml = String::with_capacity(32 * 1024);
                for piece in pieces {
                    match piece {
                        Piece::Text(t) => xml.push_str(t),
                        Piece::Cell(index, r, s) => {
                            xml.push_str("<c r=\"");
                            xml.push_str(r);
                            xml.push_str("\" s=\"");
                            xml.push_str(s);
                            match values.get(*index).copied().flatten() {
                                Some(Value::Number(v)) => {
                                    xml.push_str("\"><v>");
                                    push_number(&mut xml, v);
                                    xml.push_str("</v></c>");
                                }
                                // Printed blank in the report: 「/」, as text.
                                Some(Value::Blank) => {
                                    xml.push_str("\" t=\"inlineStr\"><is><t>/</t></is></c>");
                                }
                                None => xml.push_str("\"/>"),
                            }
                        }
                    }
                }
                out.deflate(name, xml.as_bytes())?;
            }
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_f64_writes_them() {
        for text in [
            "0",
            "-0",
            "3",
            "-12",
            "1136",
            "1090.90",
            "0.5",
            "12.0",
            "9007199254740993",
        ] {
            let v: rust_decimal::Decimal = text.parse().unwrap();
            let mut out = String::new();
            push_number(&mut out, v);
            assert_eq!(out, v.to_f64().unwrap().to_string(), "{text}");
        }
    }

    #[test]
    fn figure_cells_are_cut_out_of_a_sheet() {
        let xml = "<row r=\"7\"><c r=\"C7\" t=\"s\"><v>3</v></c><c r=\"D7\" s=\"4\"><v>900000012</v></c></row>";
        let p = pieces(xml, 20);
        assert_eq!(p.len(), 3);
        assert!(matches!(&p[0], Piece::Text(t) if t.ends_with("<v>3</v></c>")));
        assert!(matches!(&p[1], Piece::Cell(12, r, s) if r == "D7" && s == "4"));
        assert!(matches!(&p[2], Piece::Text(t) if t == "</row>"));
    }
}
