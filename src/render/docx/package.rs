//! The Word package (the zip of a .docx) written fast: of its parts only word/document.xml
//! differs from one report to the next (styles, settings, fonts, footer, relationships, content
//! types and document properties are the same for every report). So those parts are deflated
//! once per process and copied into every package as they are, already compressed; only the
//! document (written by `body.rs`) is deflated for each report, at the fastest level. Same parts, same
//! order as docx-rs packs them; the same report always gives the same bytes.

use std::io::{Cursor, Write};
use std::sync::{Arc, OnceLock};

use docx_rs::XMLDocx;
use zip::result::ZipResult;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The part that differs between reports.
const DOCUMENT: &str = "word/document.xml";

/// The shared parts of a package, deflated once.
struct Shared {
    /// The parts' names in package order, the document's place marked by `None`.
    order: Vec<Option<String>>,
    /// A zip holding the other parts, deflated, in the same order.
    archive: ZipArchive<Cursor<Arc<[u8]>>>,
    /// The size of that zip.
    archive_size: usize,
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
                    .spawn(|| make_shared(super::frame().build()).map_err(|e| e.to_string()))
                    .join()
                    .unwrap_or_else(|payload| Err(super::super::panic_message(&*payload)))
            })
        })
        .as_ref()
        .map_err(|e| format!("无法生成 Word 文件（{e}）"))
}

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

/// The folders of the package, as docx-rs lists them.
const FOLDERS: [&str; 4] = ["word/", "word/_rels", "_rels/", "docProps/"];

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

/// Deflates every part of `xml` but the document into one zip.
fn make_shared(xml: XMLDocx) -> ZipResult<Shared> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut order = Vec::new();
    for (name, bytes) in parts(xml) {
        if name == DOCUMENT {
            order.push(None);
            continue;
        }
        zip.start_file(name.as_str(), options())?;
        zip.write_all(&bytes)?;
        order.push(Some(name));
    }
    let bytes: Arc<[u8]> = zip.finish()?.into_inner().into();
    Ok(Shared {
        order,
        archive_size: bytes.len(),
        archive: ZipArchive::new(Cursor::new(bytes))?,
    })
}

/// The .docx package of a report's word/document.xml: the folders, then the parts in
/// docx-rs's order, the shared ones copied as they are, the document deflated.
pub(super) fn package(document: &[u8]) -> Result<Vec<u8>, String> {
    let shared = shared_parts()?;
    write(shared, document).map_err(|e| format!("无法生成 Word 文件（{e}）"))
}

fn write(shared: &Shared, document: &[u8]) -> ZipResult<Vec<u8>> {
    let mut archive = shared.archive.clone();
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(
        document.len() / 8 + shared.archive_size + 1024,
    )));
    for folder in FOLDERS {
        out.add_directory(folder, options())?;
    }
    let mut next_shared = 0;
    for name in &shared.order {
        if name.is_some() {
            out.raw_copy_file(archive.by_index_raw(next_shared)?)?;
            next_shared += 1;
        } else {
            // The fastest level: ≈ 68 KB of XML gives 6.3 KB in a third of level 2's time
            // (5.4 KB); smaller than the 7 KB level 2 gave before the XML was trimmed.
            out.start_file(DOCUMENT, options().compression_level(Some(1)))?;
            out.write_all(document)?;
        }
    }
    Ok(out.finish()?.into_inner())
}
