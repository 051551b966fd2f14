//! README.md stays true: its code table lists every check code, and it names the two commands.

use nianbao::{Severity, all_codes};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn every_check_code_is_in_the_readme_table() {
    let readme = readme();
    for info in all_codes() {
        let severity = match info.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        let ack = if info.acknowledgeable { "是" } else { "否" };
        let row = format!("| `{}` | {severity} | {ack} | {} |", info.code, info.title);
        assert!(readme.contains(&row), "README lacks: {row}");
    }
}

#[test]
fn readme_opens_with_the_two_commands() {
    let readme = readme();
    let head: String = readme.lines().take(15).collect::<Vec<_>>().join("\n");
    assert!(head.contains("cargo run --release --"), "{head}");
    assert!(head.contains("cargo test"), "{head}");
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(ci.contains("cargo test"));
}
