//! The zip archives of the downloads (report.docx, data.xlsx), written cheaply (issue 13).
//!
//! A Word or Excel package is a zip of XML parts. Most of them are the same bytes for every
//! report of a form: those are deflated once per process (`Deflated`) and written into each
//! archive as they are. The parts that differ (the Word document, the sheets, the shared strings,
//! the document properties) are deflated for each archive by one compressor per thread, reset
//! between parts, instead of a new compressor for every archive (a deflate state is ≈ 400 KB to
//! allocate and clear, more than deflating a sheet costs). rawzip writes the container: unlike
//! the zip crate's writer, it takes the compressed bytes from any compressor.

use std::cell::RefCell;
use std::io::Write;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use rawzip::time::UtcDateTime;
use rawzip::{CompressionMethod, DataDescriptorOutput, ZipArchiveWriter};

/// The fastest level: ≈ 68 KB of a report's Word XML gives 6.3 KB in a third of level 2's time.
const LEVEL: u32 = 1;

/// A part deflated ahead of the archives it goes into.
pub(crate) struct Deflated {
    name: String,
    crc: u32,
    size: u64,
    bytes: Vec<u8>,
}

impl Deflated {
    /// `data` deflated at the default level (made once, so made small), to be stored as the
    /// part `name`.
    pub(crate) fn new(name: &str, data: &[u8]) -> Result<Deflated, String> {
        let mut bytes = Vec::with_capacity(data.len() / 3 + 64);
        deflate_with(
            &mut Compress::new(Compression::default(), false),
            data,
            &mut bytes,
        )?;
        Ok(Deflated {
            name: name.to_string(),
            crc: crc(data),
            size: data.len() as u64,
            bytes,
        })
    }
}

fn crc(data: &[u8]) -> u32 {
    let mut crc = Crc::new();
    crc.update(data);
    crc.sum()
}

thread_local! {
    /// This thread's compressor and its output buffer, kept from one part to the next.
    static COMPRESSOR: RefCell<Option<(Compress, Vec<u8>)>> = const { RefCell::new(None) };
}

/// `data` as a raw deflate stream at the end of `out`.
fn deflate_with(compress: &mut Compress, data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    compress.reset();
    loop {
        // XML deflates to a fraction of its size; a stream that does not fit gets more room.
        out.reserve(data.len() / 4 + 256);
        let read = usize::try_from(compress.total_in()).unwrap_or(data.len());
        let status = compress
            .compress_vec(
                data.get(read..).unwrap_or_default(),
                out,
                FlushCompress::Finish,
            )
            .map_err(|e| format!("压缩失败：{e}"))?;
        if status == Status::StreamEnd {
            return Ok(());
        }
    }
}

/// The time every part is dated: 1980-01-01 00:00, the first a zip can hold, so that the same
/// report always gives the same bytes.
fn epoch() -> UtcDateTime {
    UtcDateTime::from_unix(315_532_800)
}

fn fail(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A zip archive being written into memory.
pub(crate) struct Archive {
    zip: ZipArchiveWriter<Vec<u8>>,
    time: UtcDateTime,
}

impl Archive {
    /// An empty archive with room for `capacity` bytes.
    pub(crate) fn new(capacity: usize) -> Archive {
        Archive {
            zip: ZipArchiveWriter::new(Vec::with_capacity(capacity)),
            time: epoch(),
        }
    }

    /// A folder entry (`name` ends with `/`).
    pub(crate) fn directory(&mut self, name: &str) -> Result<(), String> {
        self.zip
            .new_dir(name)
            .last_modified(self.time)
            .create()
            .map_err(fail)?;
        Ok(())
    }

    /// A part deflated ahead, copied as it is.
    pub(crate) fn copy(&mut self, part: &Deflated) -> Result<(), String> {
        self.write(&part.name, &part.bytes, part.crc, part.size)
    }

    /// The part `name` holding `data`, deflated by this thread's compressor.
    pub(crate) fn deflate(&mut self, name: &str, data: &[u8]) -> Result<(), String> {
        COMPRESSOR.with_borrow_mut(|slot| {
            let (compress, buffer) = slot
                .get_or_insert_with(|| (Compress::new(Compression::new(LEVEL), false), Vec::new()));
            buffer.clear();
            deflate_with(compress, data, buffer)?;
            self.write(name, buffer, crc(data), data.len() as u64)
        })
    }

    fn write(&mut self, name: &str, deflated: &[u8], crc: u32, size: u64) -> Result<(), String> {
        let (mut entry, _) = self
            .zip
            .new_file(name)
            .compression_method(CompressionMethod::DEFLATE)
            .last_modified(self.time)
            .start()
            .map_err(fail)?;
        entry.write_all(deflated).map_err(fail)?;
        entry
            .finish(DataDescriptorOutput::new(crc, size))
            .map_err(fail)?;
        Ok(())
    }

    /// The archive's bytes.
    pub(crate) fn finish(self) -> Result<Vec<u8>, String> {
        self.zip.finish().map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use super::*;

    #[test]
    fn parts_copied_and_deflated_read_back() {
        let shared = Deflated::new("[Content_Types].xml", b"<Types/>").unwrap();
        let text = "<w:document>报告</w:document>".repeat(500);
        let mut archive = Archive::new(1024);
        archive.directory("word/").unwrap();
        archive.copy(&shared).unwrap();
        archive
            .deflate("word/document.xml", text.as_bytes())
            .unwrap();
        // A second part through the same compressor starts a fresh stream.
        archive.deflate("word/other.xml", b"abc").unwrap();
        let bytes = archive.finish().unwrap();
        assert!(bytes.len() < text.len() / 4);
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let mut read = |name: &str| {
            let mut out = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut out).unwrap();
            out
        };
        assert_eq!(read("[Content_Types].xml"), "<Types/>");
        assert_eq!(read("word/document.xml"), text);
        assert_eq!(read("word/other.xml"), "abc");
        assert!(zip.by_name("word/").unwrap().is_dir());
        // The same parts give the same bytes.
        let mut again = Archive::new(0);
        again.directory("word/").unwrap();
        again.copy(&shared).unwrap();
        again.deflate("word/document.xml", text.as_bytes()).unwrap();
        again.deflate("word/other.xml", b"abc").unwrap();
        assert_eq!(again.finish().unwrap(), bytes);
    }
}
