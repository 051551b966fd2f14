//! The built site as files in memory, and the one function that writes them to disk.
//!
//! `build` writes the files into a fresh folder beside the output folder and swaps it in only
//! when every file is written, so a failed build leaves the previous output untouched; `serve`
//! keeps the same files in memory.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Output files by their path relative to the site root (`jiahe/2020/index.html`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Files {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn total_bytes(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }

    /// Writes every file under `output`, replacing what was there, in one swap.
    pub fn write_to(&self, output: &Path) -> io::Result<()> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "output".to_string());
        let staging = parent.join(format!(".{name}.nianbao-new-{}", std::process::id()));
        let retired = parent.join(format!(".{name}.nianbao-old-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        let result = self
            .write_all(&staging)
            .and_then(|()| swap(&staging, output, &retired));
        if result.is_err() && staging.exists() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result
    }

    fn write_all(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (path, bytes) in &self.files {
            let target: PathBuf = dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, bytes)?;
        }
        Ok(())
    }
}

/// Puts `staging` where `output` is, removing the old output only after the swap.
fn swap(staging: &Path, output: &Path, retired: &Path) -> io::Result<()> {
    if output.exists() {
        if retired.exists() {
            std::fs::remove_dir_all(retired)?;
        }
        std::fs::rename(output, retired)?;
        if let Err(err) = std::fs::rename(staging, output) {
            // Put the old output back.
            let _ = std::fs::rename(retired, output);
            return Err(err);
        }
        std::fs::remove_dir_all(retired)?;
    } else {
        std::fs::rename(staging, output)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_replaces_the_whole_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let mut a = Files::default();
        a.add("old/index.html", "旧");
        a.add("index.html", "1");
        a.write_to(&out).unwrap();
        let mut b = Files::default();
        b.add("index.html", "2");
        b.write_to(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "2"
        );
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
