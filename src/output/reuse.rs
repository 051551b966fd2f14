//! Incremental output: a rebuild keeps the files whose bytes did not change.
//!
//! The manifest (`.nianbao-output`) records, after each path, a 128-bit XXH3 hash of the bytes
//! the build wrote there. A new build hashes each file it makes; when the output folder being
//! replaced holds that path with the same hash, the same length, and a modification time no later
//! than the manifest's own (the manifest is written after every file, so a file changed by hand
//! since the last build is newer), the old file is hard-linked into the staging folder instead of
//! written: same inode, same bytes, same modification time. rsync or a CMS upload then sees only
//! the files that changed. The staging folder is still swapped in whole, so a failed build
//! changes nothing.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The hash recorded for the bytes of a file.
pub(super) fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A manifest line: the path, a tab and the hash of its bytes.
pub(super) fn manifest_line(path: &str, hash: Option<u128>) -> String {
    match hash {
        Some(hash) => format!("{path}\t{hash:032x}\n"),
        None => format!("{path}\n"),
    }
}

/// The path and hash of a manifest line. A line without a hash (written by an earlier version of
/// nianbao) is a path only.
pub(super) fn parse_line(line: &str) -> (&str, Option<u128>) {
    if let Some((path, hex)) = line.rsplit_once('\t')
        && hex.len() == 32
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && let Ok(hash) = u128::from_str_radix(hex, 16)
    {
        return (path, Some(hash));
    }
    (line, None)
}

/// The output folder a build replaces, as far as its files can be kept.
pub(super) struct Previous {
    dir: PathBuf,
    /// When its manifest was written: after every file of that build.
    built: SystemTime,
    hashes: HashMap<String, u128>,
}

impl Previous {
    /// The previous output at `dir`, if it is a folder nianbao wrote with a manifest of hashes.
    pub(super) fn read(dir: &Path) -> Option<Previous> {
        let marker = dir.join(super::MARKER);
        let built = std::fs::symlink_metadata(&marker)
            .ok()
            .filter(|m| m.is_file())?
            .modified()
            .ok()?;
        let text = std::fs::read_to_string(&marker).ok()?;
        let mut lines = text.lines();
        if lines.next() != Some(super::MARKER_HEADER) {
            return None;
        }
        let hashes: HashMap<String, u128> = lines
            .filter_map(|line| {
                let (path, hash) = parse_line(line);
                Some((path.to_string(), hash?))
            })
            .collect();
        (!hashes.is_empty()).then(|| Previous {
            dir: dir.to_path_buf(),
            built,
            hashes,
        })
    }

    /// The bytes the previous build wrote at `path`, when the file still holds exactly them
    /// (checked against the manifest's hash, not only its time).
    pub(super) fn bytes_of(&self, path: &str) -> Option<Vec<u8>> {
        let hash = self.hashes.get(path)?;
        let old = self.dir.join(path);
        // Not followed: a link put in place of a file is not nianbao's file.
        if !std::fs::symlink_metadata(&old).ok()?.is_file() {
            return None;
        }
        let bytes = std::fs::read(&old).ok()?;
        (self::hash(&bytes) == *hash).then_some(bytes)
    }

    /// The paths the previous build wrote under `folder` (`pagefind/`), sorted.
    pub(super) fn paths_under(&self, folder: &str) -> Vec<String> {
        let mut paths: Vec<String> = self
            .hashes
            .keys()
            .filter(|p| p.starts_with(folder))
            .cloned()
            .collect();
        paths.sort();
        paths
    }

    /// Puts the previous build's file for `path` at `target` when it holds exactly these bytes
    /// (by hash and length) and was not changed since that build. Whether it did.
    pub(super) fn keep(&self, path: &str, hash: u128, len: usize, target: &Path) -> bool {
        if self.hashes.get(path) != Some(&hash) {
            return false;
        }
        let old = self.dir.join(path);
        // Not followed: a link put in place of a file is not nianbao's file.
        let Ok(meta) = std::fs::symlink_metadata(&old) else {
            return false;
        };
        let unchanged = meta.is_file()
            && u64::try_from(len).is_ok_and(|len| meta.len() == len)
            && meta.modified().is_ok_and(|m| m <= self.built);
        if !unchanged {
            return false;
        }
        std::fs::hard_link(&old, target).is_ok()
            || meta
                .modified()
                .is_ok_and(|modified| copy_with_time(&old, target, modified).is_ok())
    }
}

/// A copy that keeps the modification time, where the file system has no hard links.
fn copy_with_time(old: &Path, target: &Path, modified: SystemTime) -> io::Result<()> {
    std::fs::copy(old, target)?;
    std::fs::File::options()
        .write(true)
        .open(target)?
        .set_modified(modified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines() {
        let line = manifest_line("a b/index.html", Some(0xab));
        assert_eq!(line, format!("a b/index.html\t{:032x}\n", 0xab));
        assert_eq!(parse_line(line.trim_end()), ("a b/index.html", Some(0xab)));
        // An earlier manifest: paths only.
        assert_eq!(parse_line("jiahe/index.html"), ("jiahe/index.html", None));
        assert_eq!(parse_line("a\tb"), ("a\tb", None));
    }
}
