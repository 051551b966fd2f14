//! The command line speaks Chinese: help, usage mistakes and their exit code.

mod common;

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(common::BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn help_is_in_chinese() {
    for args in [&["--help"][..], &["serve", "--help"], &["new", "--help"]] {
        let (code, stdout, _) = run(args);
        assert_eq!(code, 0);
        assert!(stdout.contains("用法："), "{stdout}");
        for english in ["Usage", "Options", "Commands", "Print help", "[default"] {
            assert!(!stdout.contains(english), "{args:?}: {english} in {stdout}");
        }
    }
}

#[test]
fn usage_mistakes_are_told_in_chinese_with_exit_code_2() {
    let (code, _, stderr) = run(&["bulid"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("没有命令 bulid") && stderr.contains("build"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["check", "--format", "xml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("可选：human、json"), "{stderr}");
    let (code, _, stderr) = run(&["new", "jiahe"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("缺少参数 <年度>"), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
}
