//! `cargo bench --bench acknowledged`: `check` of a portal whose every report acknowledges
//! problems (default 4,000 copies of the example's 洪泽区 with its two years and nine
//! acknowledgements; `-- --agencies N`). Matching acknowledgements to diagnostics must grow
//! linearly with the number of reports.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let agencies: usize = args
        .iter()
        .position(|a| a == "--agencies")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(4000);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::copy(repo.join("content/site.yaml"), content.join("site.yaml")).unwrap();
    for i in 1..=agencies {
        copy(
            &repo.join("content/hongze"),
            &content.join(format!("hongze-{i:04}")),
        );
    }
    for size in [agencies / 4, agencies / 2, agencies] {
        // The first `size` agencies: hide the rest by renaming them with a leading dot.
        for i in 1..=agencies {
            let shown = content.join(format!("hongze-{i:04}"));
            let hidden = content.join(format!(".hongze-{i:04}"));
            if i <= size && hidden.exists() {
                std::fs::rename(&hidden, &shown).unwrap();
            } else if i > size && shown.exists() {
                std::fs::rename(&shown, &hidden).unwrap();
            }
        }
        let start = Instant::now();
        let out = Command::new(BIN)
            .arg("--root")
            .arg(tmp.path())
            .args(["check", "--format", "json"])
            .output()
            .unwrap();
        let elapsed = start.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        println!(
            "check of {size} agencies × 2 years ({} acknowledged problems): {:.2} s",
            json["summary"]["acknowledged"],
            elapsed.as_secs_f64()
        );
    }
}
