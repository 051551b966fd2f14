//! The Word package (the zip of a .docx) written fast: of its parts only word/document.xml
//! differs from one report to the next (styles, settings, fonts, footer, relationships, content
//! types and document properties are the same for every report). So those parts are deflated
//! once per process and copied into every package as they are, already compressed; only the
//! document is deflated for each report, at a fast level. Same parts, same order; the same
//! report always gives the same bytes.

use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex, OnceLock};

use docx_rs::XMLDocx;
use zip::result::ZipResult;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The part that differs between reports.
const DOCUMENT: &str = "word/document.xml";

/// How many different sets of shared parts are kept (a build has one; the bound keeps a process
/// that somehow made ever-different ones from growing).
const KEPT: usize = 8;

/// The shared parts of a package, deflated once.
struct Shared {
    /// The parts as docx-rs made them, by name, in package order (the document excluded).
    parts: Vec<(String, Vec<u8>)>,
    /// A zip holding exactly those parts, deflated, in the same order.
    archive: ZipArchive<Cursor<Arc<[u8]>>>,
    /// The size of that zip.
    archive_size: usize,
}

fn shared_parts() -> &'static Mutex<Vec<Arc<Shared>>> {
    static CACHE: OnceLock<Mutex<Vec<Arc<Shared>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Vec::new()))
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

/// The shared parts deflated, from the cache or made now.
fn shared(parts: &[(String, Vec<u8>)]) -> ZipResult<Arc<Shared>> {
    let same = |s: &Shared| {
        s.parts.len() + 1 == parts.len()
            && parts
                .iter()
                .filter(|(name, _)| name != DOCUMENT)
                .zip(&s.parts)
                .all(|(a, b)| a == b)
    };
    let mut cache = shared_parts()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = cache.iter().find(|s| same(s)) {
        return Ok(found.clone());
    }
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut kept = Vec::with_capacity(parts.len());
    for (name, bytes) in parts.iter().filter(|(name, _)| name != DOCUMENT) {
        zip.start_file(name.as_str(), options())?;
        zip.write_all(bytes)?;
        kept.push((name.clone(), bytes.clone()));
    }
    let bytes: Arc<[u8]> = zip.finish()?.into_inner().into();
    let made = Arc::new(Shared {
        parts: kept,
        archive_size: bytes.len(),
        archive: ZipArchive::new(Cursor::new(bytes))?,
    });
    if cache.len() < KEPT {
        cache.push(made.clone());
    }
    Ok(made)
}

/// The .docx package of the parts docx-rs made: folders, then the parts in docx-rs's order,
/// every part deflated (the shared ones copied from the cache).
pub(super) fn package(xml: XMLDocx) -> ZipResult<Vec<u8>> {
    let parts = parts(xml);
    let shared = shared(&parts)?;
    let mut archive = shared.archive.clone();
    let document_size = parts
        .iter()
        .find(|(name, _)| name == DOCUMENT)
        .map_or(0, |(_, bytes)| bytes.len());
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(
        document_size / 16 + shared.archive_size + 1024,
    )));
    for folder in FOLDERS {
        out.add_directory(folder, options())?;
    }
    let mut next_shared = 0;
    for (name, bytes) in &parts {
        if name == DOCUMENT {
            // Fast deflate: half the time of the default level for 1.4 KB more per report
            // (≈ 92 KB of XML gives 7.9 KB instead of 6.5 KB; level 1 would give 9 KB for
            // hardly less time).
            out.start_file(name.as_str(), options().compression_level(Some(2)))?;
            out.write_all(bytes)?;
        } else {
            out.raw_copy_file(archive.by_index_raw(next_shared)?)?;
            next_shared += 1;
        }
    }
    Ok(out.finish()?.into_inner())
}
