//! The PDF of each year's report (`build --pdf`): the Word file printed by LibreOffice, so the PDF
//! has the Word file's layout, with its fonts embedded. One LibreOffice process converts every
//! year that needs it; a year whose Word file is byte-for-byte the one in the previous output
//! keeps that output's PDF, so a rebuild of a large portal converts only the years that changed.
//! Without LibreOffice the build goes on without PDFs and says so.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{BuildError, Output};

/// The environment variable naming the LibreOffice program when it is not in the usual places.
pub(crate) const SOFFICE_VARIABLE: &str = "NIANBAO_SOFFICE";

/// Why no PDF was made, for build's output and README.
pub(crate) const NO_PDF_NOTICE: &str = "没有生成 PDF：找不到 LibreOffice（soffice）。安装 LibreOffice 后再运行 nianbao build --pdf；装在别处的，用环境变量 NIANBAO_SOFFICE 指明 soffice 程序的位置。Word 文件和网页照常生成。";

/// LibreOffice's program: `NIANBAO_SOFFICE` when set (and only it), else `soffice` or
/// `libreoffice` on PATH, else the usual install folders of Linux, macOS and Windows.
pub(crate) fn find_soffice() -> Option<PathBuf> {
    if let Some(named) = std::env::var_os(SOFFICE_VARIABLE) {
        let named = PathBuf::from(named);
        return named.is_file().then_some(named);
    }
    let exe = |name: &str| format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .flat_map(|dir| [dir.join(exe("soffice")), dir.join(exe("libreoffice"))]);
    let usual = [
        "/usr/lib/libreoffice/program/soffice",
        "/opt/libreoffice/program/soffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        "C:\\Program Files\\LibreOffice\\program\\soffice.exe",
        "C:\\Program Files (x86)\\LibreOffice\\program\\soffice.exe",
    ]
    .into_iter()
    .map(PathBuf::from);
    on_path.chain(usual).find(|p| p.is_file())
}

/// The PDF of the previous output for this Word file, when the Word file has not changed.
pub(crate) fn reusable(previous: &Path, docx_path: &str, docx: &[u8]) -> Option<Vec<u8>> {
    let old = std::fs::read(previous.join(docx_path)).ok()?;
    if old != docx {
        return None;
    }
    std::fs::read(previous.join(pdf_of(docx_path))).ok()
}

/// `slug/2024/report.docx` → `slug/2024/report.pdf`.
pub(crate) fn pdf_of(docx_path: &str) -> String {
    docx_path
        .strip_suffix(".docx")
        .map_or_else(|| format!("{docx_path}.pdf"), |p| format!("{p}.pdf"))
}

/// A temporary folder removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Converts the Word files (output path, bytes) to PDF with one LibreOffice process and puts
/// each PDF next to its Word file. Bounded: LibreOffice is stopped after a minute plus ten
/// seconds a file.
pub(crate) fn convert(
    soffice: &Path,
    files: &[(String, Vec<u8>)],
    out: &Output,
) -> Result<(), BuildError> {
    if files.is_empty() {
        return Ok(());
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!("nianbao-pdf-{}-{nanos}", std::process::id()));
    let io = |e: std::io::Error| BuildError::Io(dir.clone(), e);
    // create_dir, not create_dir_all: a folder of that name that already exists is not ours, and
    // Scratch removes what it holds when dropped.
    std::fs::create_dir(&dir).map_err(io)?;
    let scratch = Scratch(dir.clone());
    let mut inputs = Vec::new();
    for (n, (_, bytes)) in files.iter().enumerate() {
        let input = scratch.0.join(format!("{n}.docx"));
        std::fs::write(&input, bytes).map_err(io)?;
        inputs.push(input);
    }
    // A profile of its own: an office suite open on the desktop does not block the conversion.
    let profile = scratch.0.join("profile");
    let mut profile_url = String::from("file://");
    if !profile.starts_with("/") {
        profile_url.push('/');
    }
    profile_url.push_str(&profile.to_string_lossy().replace('\\', "/"));
    let mut child = Command::new(soffice)
        .arg(format!("-env:UserInstallation={profile_url}"))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&scratch.0)
        .args(&inputs)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            BuildError::Theme(format!(
                "无法运行 LibreOffice（{}）：{e}",
                soffice.display()
            ))
        })?;
    let limit = Duration::from_secs(60 + 10 * files.len() as u64);
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(BuildError::Theme(format!(
                    "LibreOffice 在 {} 秒内没有完成 {} 个 PDF 的转换，已停止它；没有生成网站。可以不加 --pdf 再运行 build",
                    limit.as_secs(),
                    files.len()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(io(e)),
        }
    }
    for (n, (docx_path, _)) in files.iter().enumerate() {
        let pdf = scratch.0.join(format!("{n}.pdf"));
        let bytes = std::fs::read(&pdf).map_err(|_| {
            BuildError::Theme(format!(
                "LibreOffice 没有把 {docx_path} 转成 PDF；没有生成网站。可以不加 --pdf 再运行 build"
            ))
        })?;
        out.put(&pdf_of(docx_path), bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::pdf_of;

    #[test]
    fn the_pdf_sits_next_to_its_word_file() {
        assert_eq!(pdf_of("shili/2024/report.docx"), "shili/2024/report.pdf");
    }
}
