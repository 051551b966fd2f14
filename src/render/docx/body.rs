//! word/document.xml written straight into one string: the body of a report is a few hundred
//! paragraphs and table cells of a handful of shapes, which docx-rs would build as a tree of
//! large structs, move and clone, then walk with its XML writer (half of a build's CPU time on
//! a portal). The elements are the ones docx-rs writes, in its order, without what says nothing
//! (empty run properties, paragraph ids, `xml:space="preserve"` on text with no outer or doubled
//! spaces): a report's document is ≈ 40 % smaller, so cheaper to write and to deflate (issue 15);
//! the styles, footer and the other parts still come from docx-rs (`package.rs`).

use std::fmt::Write as _;

/// The start of the document, up to the body.
const HEAD: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:document xmlns:o="urn:schemas-microsoft-com:office:office" "#,
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
    r#"xmlns:v="urn:schemas-microsoft-com:vml" "#,
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:w10="urn:schemas-microsoft-com:office:word" "#,
    r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
    r#"xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" "#,
    r#"xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" "#,
    r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
    r#"xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" "#,
    r#"xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" "#,
    r#"xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" "#,
    r#"mc:Ignorable="w14 wp14"><w:body>"#
);

/// The borders, cell margins and layout of every table.
const TABLE_PROPERTIES: &str = concat!(
    r#"<w:jc w:val="left"/><w:tblBorders>"#,
    r#"<w:top w:val="single" w:sz="2" w:space="0" w:color="000000"/>"#,
    r#"<w:left w:val="single" w:sz="2" w:space="0" w:color="000000"/>"#,
    r#"<w:bottom w:val="single" w:sz="2" w:space="0" w:color="000000"/>"#,
    r#"<w:right w:val="single" w:sz="2" w:space="0" w:color="000000"/>"#,
    r#"<w:insideH w:val="single" w:sz="2" w:space="0" w:color="000000"/>"#,
    r#"<w:insideV w:val="single" w:sz="2" w:space="0" w:color="000000"/>"#,
    r#"</w:tblBorders><w:tblCellMar><w:top w:w="30" w:type="dxa"/>"#,
    r#"<w:left w:w="50" w:type="dxa"/><w:bottom w:w="30" w:type="dxa"/>"#,
    r#"<w:right w:w="50" w:type="dxa"/></w:tblCellMar><w:tblLayout w:type="fixed"/></w:tblPr>"#
);

/// Line spacing of a paragraph, as written in its properties.
#[derive(Clone, Copy)]
pub(super) enum Spacing {
    None,
    /// Exact line pitch (twentieths of a point).
    Exact(i32),
    /// Space before and after (twentieths of a point); 0 before is not written.
    Around(u32, u32),
}

/// Indentation of a paragraph (twentieths of a point).
#[derive(Clone, Copy)]
pub(super) enum Indent {
    None,
    FirstLine(i32),
    /// Left indent and hanging first line (list items).
    Hanging(i32, i32),
}

/// The properties of a paragraph.
#[derive(Clone, Copy)]
pub(super) struct Para {
    pub(super) style: Option<&'static str>,
    pub(super) center: bool,
    pub(super) indent: Indent,
    pub(super) spacing: Spacing,
    pub(super) keep_next: bool,
}

impl Para {
    pub(super) const PLAIN: Para = Para {
        style: None,
        center: false,
        indent: Indent::None,
        spacing: Spacing::None,
        keep_next: false,
    };
}

/// The properties of a run: its East Asian font and size in half points when not the
/// document's defaults, bold, italic.
#[derive(Clone, Copy, Default)]
pub(super) struct Font {
    pub(super) face: Option<(&'static str, usize)>,
    pub(super) bold: bool,
    pub(super) italic: bool,
}

/// A cell's vertical merge with the cells above.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Merge {
    None,
    Restart,
    Continue,
}

/// word/document.xml being written.
pub(super) struct Body {
    xml: String,
    latin: &'static str,
}

impl Body {
    /// A document whose runs name `latin` as their Latin font.
    pub(super) fn new(latin: &'static str, capacity: usize) -> Body {
        let mut xml = String::with_capacity(capacity);
        xml.push_str(HEAD);
        Body { xml, latin }
    }

    /// Opens a paragraph and writes its properties.
    fn open_paragraph(&mut self, p: &Para) {
        self.xml.push_str("<w:p><w:pPr>");
        let bare = self.xml.len();
        if let Some(style) = p.style {
            self.xml.push_str(r#"<w:pStyle w:val=""#);
            self.xml.push_str(style);
            self.xml.push_str(r#""/>"#);
        }
        if p.center {
            self.xml.push_str(r#"<w:jc w:val="center"/>"#);
        }
        match p.indent {
            Indent::None => {}
            Indent::FirstLine(v) => {
                let _ = write!(
                    self.xml,
                    r#"<w:ind w:left="0" w:right="0" w:firstLine="{v}"/>"#
                );
            }
            Indent::Hanging(left, v) => {
                let _ = write!(
                    self.xml,
                    r#"<w:ind w:left="{left}" w:right="0" w:hanging="{v}"/>"#
                );
            }
        }
        match p.spacing {
            Spacing::None => {}
            Spacing::Exact(line) => {
                let _ = write!(
                    self.xml,
                    r#"<w:spacing w:line="{line}" w:lineRule="exact"/>"#
                );
            }
            Spacing::Around(0, after) => {
                let _ = write!(self.xml, r#"<w:spacing w:after="{after}"/>"#);
            }
            Spacing::Around(before, after) => {
                let _ = write!(
                    self.xml,
                    r#"<w:spacing w:before="{before}" w:after="{after}"/>"#
                );
            }
        }
        if p.keep_next {
            self.xml.push_str("<w:keepNext/>");
        }
        if self.xml.len() == bare {
            // No properties: no `<w:pPr>` either.
            self.xml.truncate(bare - "<w:pPr>".len());
        } else {
            self.xml.push_str("</w:pPr>");
        }
    }

    /// A run of text.
    fn run(&mut self, text: &str, font: Font) {
        self.xml.push_str("<w:r>");
        if font.face.is_some() || font.bold || font.italic {
            self.xml.push_str("<w:rPr>");
            if let Some((_, size)) = font.face {
                let _ = write!(
                    self.xml,
                    r#"<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>"#
                );
            }
            if font.bold {
                self.xml.push_str("<w:b/><w:bCs/>");
            }
            if font.italic {
                self.xml.push_str("<w:i/><w:iCs/>");
            }
            if let Some((face, _)) = font.face {
                let latin = self.latin;
                let _ = write!(
                    self.xml,
                    r#"<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{face}"/>"#
                );
            }
            self.xml.push_str("</w:rPr>");
        }
        // Word drops spaces at the ends of a text and folds doubled ones unless told not to.
        let spaced = text.starts_with(char::is_whitespace)
            || text.ends_with(char::is_whitespace)
            || text.contains("  ");
        self.xml.push_str(if spaced {
            r#"<w:t xml:space="preserve">"#
        } else {
            "<w:t>"
        });
        escape_into(&mut self.xml, text);
        self.xml.push_str("</w:t></w:r>");
    }

    /// A paragraph of runs.
    pub(super) fn paragraph<'a>(
        &mut self,
        p: &Para,
        runs: impl IntoIterator<Item = (&'a str, Font)>,
    ) {
        self.open_paragraph(p);
        for (text, font) in runs {
            self.run(text, font);
        }
        self.xml.push_str("</w:p>");
    }

    /// Opens a table of these column widths (twentieths of a point) filling `width`.
    pub(super) fn open_table(&mut self, width: usize, columns: &[usize]) {
        let _ = write!(
            self.xml,
            r#"<w:tbl><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/>{TABLE_PROPERTIES}<w:tblGrid>"#
        );
        for w in columns {
            let _ = write!(self.xml, r#"<w:gridCol w:w="{w}" w:type="dxa"/>"#);
        }
        self.xml.push_str("</w:tblGrid>");
    }

    pub(super) fn close_table(&mut self) {
        self.xml.push_str("</w:tbl>");
    }

    /// Opens a row; `cant_split` keeps it on one page.
    pub(super) fn open_row(&mut self, cant_split: bool) {
        self.xml.push_str(if cant_split {
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        } else {
            "<w:tr><w:trPr/>"
        });
    }

    pub(super) fn close_row(&mut self) {
        self.xml.push_str("</w:tr>");
    }

    /// A cell of `width` over `span` grid columns. A cell continuing a merge holds an empty
    /// paragraph; any other one its text, centred vertically, in paragraph style `style`.
    pub(super) fn cell(
        &mut self,
        width: usize,
        span: usize,
        merge: Merge,
        text: &str,
        style: &'static str,
        keep_next: bool,
    ) {
        self.xml.push_str(r#"<w:tc><w:tcPr><w:tcW w:w=""#);
        // Every cell of every table has one: written by itoa, not the formatting machinery.
        self.xml.push_str(itoa::Buffer::new().format(width));
        self.xml.push_str(r#"" w:type="dxa"/>"#);
        if span > 1 {
            let _ = write!(self.xml, r#"<w:gridSpan w:val="{span}"/>"#);
        }
        match merge {
            Merge::None => {}
            Merge::Restart => self.xml.push_str(r#"<w:vMerge w:val="restart"/>"#),
            Merge::Continue => self.xml.push_str(r#"<w:vMerge w:val="continue"/>"#),
        }
        if merge == Merge::Continue {
            self.xml.push_str("</w:tcPr>");
            let p = Para {
                keep_next,
                ..Para::PLAIN
            };
            self.paragraph(&p, []);
        } else {
            self.xml.push_str(r#"<w:vAlign w:val="center"/></w:tcPr>"#);
            let p = Para {
                style: Some(style),
                keep_next,
                ..Para::PLAIN
            };
            if text.is_empty() {
                self.paragraph(&p, []);
            } else {
                self.paragraph(&p, [(text, Font::default())]);
            }
        }
        self.xml.push_str("</w:tc>");
    }

    /// The document with its section (page size, margins, footer) closed.
    pub(super) fn finish(mut self, section: &str) -> String {
        self.xml.push_str(section);
        self.xml.push_str("</w:body></w:document>");
        self.xml
    }
}

/// Text escaped as docx-rs escapes a run's text: line feeds dropped, carriage returns dropped,
/// the five XML characters as entities.
fn escape_into(out: &mut String, text: &str) {
    if !text.contains(['&', '<', '>', '"', '\'', '\n', '\r']) {
        out.push_str(text);
        return;
    }
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\r' => {}
            _ => out.push(ch),
        }
    }
}
