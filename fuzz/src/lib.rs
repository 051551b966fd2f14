//! Shared by the fuzz targets: a small fictional site in a temporary folder that a target
//! overwrites one file of, then loads, checks and renders the way `nianbao build` does.

use std::path::{Path, PathBuf};

/// The fixture every target starts from: tests/fixtures/valid (示例街道办事处).
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/valid")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create fuzz site");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture");
        }
    }
}

/// A copy of the fixture, one per fuzzing process, removed and recreated on start.
pub struct FuzzSite {
    pub root: PathBuf,
}

impl FuzzSite {
    /// The fixture with only two of its years, 2020 (the 2019 format) and 2021 (the 2021
    /// format): a comparison across templates, and half the work per input.
    pub fn new(name: &str) -> FuzzSite {
        let root = std::env::temp_dir().join(format!("nianbao-fuzz-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(&fixture(), &root);
        for year in ["2019", "2022"] {
            let _ = std::fs::remove_dir_all(root.join("content/shili").join(year));
        }
        FuzzSite { root }
    }

    /// Restores one file of the fixture (after a target replaced it).
    pub fn restore(&self, rel: &str) {
        std::fs::copy(fixture().join(rel), self.root.join(rel)).expect("restore fixture file");
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        std::fs::write(self.root.join(rel), bytes).expect("write fuzz input");
    }

    /// Loads and checks the site, then renders it into memory when it has no errors: every step a
    /// real `nianbao build` takes. A panic anywhere is the finding.
    pub fn build(&self) {
        let Ok(checked) = nianbao::load_and_check(&self.root) else {
            return;
        };
        // Every diagnostic is printed in a terminal or as JSON (`check --format json`, serve).
        let _ = nianbao::render_all(&checked.diagnostics, &checked.summary);
        let _ = nianbao::render_json(&checked.diagnostics, &checked.summary);
        if !checked.has_errors() {
            let _ = nianbao::render_to_memory(
                &self.root,
                &checked,
                &nianbao::Options::default(),
            );
        }
    }
}
