//! The Word package (the zip of a .docx) written fast: of its parts only word/document.xml
//! differs from one report to the next (styles, settings, fonts, footer, relationships, content
//! types and document properties are the same for every report). So those parts are deflated
//! once per process and copied into every package as they are, already compressed; only the
//! document (written by `body.rs`) is deflated for each report, at the fastest level, by the
//! thread's compressor (`render/archive.rs`). Same parts, same order as docx-rs packs them; the
//! same report always gives the same bytes.

use std::sync::OnceLock;

use docx_rs::XMLDocx;

use crate::render::archive::{Archive, Deflated};

/// The part that differs between reports.
const DOCUMENT: &str = "word/document.xml";

/// The shared parts of a package, deflated once.
struct Shared {
    /// The parts in package order, the document's place marked by `None`.
    parts: Vec<Option<Deflated>>,
    /// Their uncompressed size.
    size: usize,
}

/// The shared parts, made the first time a package is written.
fn shared_parts() -> Result<&'static Shared, String> {
    static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            // docx-rs numbers paragraphs (the footer's) with a per-thread counter that only it
            // can reset: made on a fresh thread, the parts are the same in every process.
            std::thread::scope(|scope| {
                scope
                    .spawn(|| make_shared(super::frame().build()))
                    .join()
                    .unwrap_or_else(|payload| Err(super::super::panic_message(&*payload)))
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The folders of the package, as docx-rs lists them.
const FOLDERS: [&str; 4] = ["word/", "word/_rels/", "_rels/", "docProps/"];

/// The parts in the order docx-rs packs them, taken out of `xml`.
fn parts(xml: XMLDocx) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![
        ("[Content_Types].xml".to_string(), xml.content_type),
        ("_rels/.rels".to_string(), xml.rels),
        ("docProps/app.xml".to_string(), xml.doc_props.app),
        ("docProps/core.xml".to_string(), xml.doc_props.core),
        ("docProps/custom.xml".to_string(), xml.doc_props.custom),
        (
            "word/_rels/document.xml.rels".to_string(),
            xml.document_rels,
        ),
        (DOCUMENT.to_string(), xml.document),
        ("word/styles.xml".to_string(), xml.styles),
        ("word/settings.xml".to_string(), xml.settings),
        ("word/fontTable.xml".to_string(), xml.font_table),
        ("word/comments.xml".to_string(), xml.comments),
        ("word/numbering.xml".to_string(), xml.numberings),
        (
            "word/commentsExtended.xml".to_string(),
            xml.comments_extended,
        ),
        ("word/footnotes.xml".to_string(), xml.footnotes),
    ];
    let mut header_rels = xml.header_rels.into_iter();
    for (i, h) in xml.headers.into_iter().enumerate() {
        out.push((format!("word/header{}.xml", i + 1), h));
        if let Some(rels) = header_rels.next() {
            out.push((format!("word/_rels/header{}.xml.rels", i + 1), rels));
        }
    }
    let mut footer_rels = xml.footer_rels.into_iter();
    for (i, f) in xml.footers.into_iter().enumerate() {
        out.push((format!("word/footer{}.xml", i + 1), f));
        if let Some(rels) = footer_rels.next() {
            out.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels));
        }
    }
    out
}

/// Deflates every part of `xml` but the document.
fn make_shared(xml: XMLDocx) -> Result<Shared, String> {
    let mut size = 0;
    let mut shared = Vec::new();
    for (name, bytes) in parts(xml) {
        if name == DOCUMENT {
            shared.push(None);
        } else {
            size += bytes.len();
            shared.push(Some(Deflated::new(&name, &bytes)?));
        }
    }
    Ok(Shared {
        parts: shared,
        size,
    })
}

/// The .docx package of a report's word/document.xml: the folders, then the parts in
/// docx-rs's order, the shared ones copied as they are, the document deflated.
pub(super) fn package(document: &[u8]) -> Result<Vec<u8>, String> {
    let shared = shared_parts()?;
    let mut out = Archive::new(document.len() / 8 + shared.size / 3 + 2048);
    for folder in FOLDERS {
        out.directory(folder)?;
    }
    for part in &shared.parts {
        match part {
            Some(part) => out.copy(part)?,
            None => out.deflate(DOCUMENT, document)?,
        }
    }
    out.finish()
}
