//! The source tree reads as the pipeline, and no module reaches forward: every `crate::…` path in
//! a file under src/ names its own module or one of an earlier layer.
//!
//! Layers, first to last: the check codes; the template definitions; the model; diagnostics; the output sink (which
//! knows nothing of what is written into it); loading content/; the checks; the two ways of
//! writing content/ (scaffold, and import, which fills the scaffold from a published report and
//! also reads and writes the Excel workbook that rendering exports); rendering; then serve, the
//! crate root and the binary (main.rs and its commands in cli/).

use std::path::Path;

/// Top-level modules in pipeline order. A module may use only itself and those before it.
const LAYERS: &[&str] = &[
    "parallel",
    "codes",
    "definition",
    "model",
    "diagnostic",
    "output",
    "load",
    "check",
    "scaffold",
    "import",
    "render",
    "serve",
];

/// The top-level module a file under src/ belongs to (`load/yaml.rs` → `load`), or None for the
/// crate root, and for main.rs and its commands under cli/ (the binary, whose `crate::` is not the
/// library's), which may use everything.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_owned();
    (name != "lib" && name != "main" && name != "cli").then_some(name)
}

/// The top-level modules a source text names through `crate::`, outside comments.
fn used_modules(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` groups.
            if name.is_empty() && rest.starts_with('{') {
                let group = rest[1..].split('}').next().unwrap_or("");
                out.extend(
                    group
                        .split(',')
                        .map(|p| p.trim().split("::").next().unwrap_or("").to_owned())
                        .filter(|p| !p.is_empty()),
                );
            }
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|m| *m == module)
}

#[test]
fn no_module_uses_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        files += 1;
        let rel = entry.path().strip_prefix(&src).unwrap();
        let Some(module) = module_of(rel) else {
            continue;
        };
        let Some(own) = rank(&module) else {
            problems.push(format!(
                "{}: module {module} has no place in LAYERS",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for used in used_modules(&text) {
            // Names defined in the crate root (`crate::Checked`, `crate::build`) belong to the
            // driver: only the driver's commands may use them.
            let Some(theirs) = rank(&used) else {
                if used.chars().next().is_some_and(|c| c.is_lowercase())
                    && own < rank("serve").unwrap()
                {
                    problems.push(format!(
                        "{}: uses crate::{used}, a function of the crate root",
                        rel.display()
                    ));
                }
                continue;
            };
            if theirs > own {
                problems.push(format!(
                    "{}: {module} uses crate::{used}, a later stage",
                    rel.display()
                ));
            }
        }
    }
    assert!(files > 20, "only {files} source files found under src/");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scan_sees_forward_uses() {
    assert_eq!(
        used_modules(
            "use crate::render::format;\n// crate::serve\nlet x = crate::{check, model::Pos};"
        ),
        ["render", "check", "model"]
    );
}

#[test]
fn src_lists_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for module in LAYERS {
        let file = src.join(format!("{module}.rs"));
        let folder = src.join(module).join("mod.rs");
        assert!(
            file.is_file() != folder.is_file(),
            "src/{module}.rs or src/{module}/mod.rs (exactly one) expected"
        );
    }
}
