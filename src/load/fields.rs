//! Reading the fields of a YAML map, with a diagnostic at the position of every problem.

use super::*;

/// Reads the fields of one mapping, reporting unknown keys with a suggestion.
pub(super) struct Fields<'a> {
    file: &'a Path,
    lines: SourceLines<'a>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    pub(super) fn new(
        file: &'a Path,
        source: &'a str,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Fields {
            file,
            lines: SourceLines::new(source),
            diagnostics,
        }
    }

    pub(super) fn diag(&self, code: Code, pos: Pos) -> Diagnostic {
        Diagnostic::new(code, self.file)
            .at(pos)
            .with_lines(&self.lines)
    }

    pub(super) fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Reports every key of `map` not in `allowed`.
    pub(super) fn unknown_keys(
        &mut self,
        map: &[(Key, Node)],
        allowed: &[&str],
        path: &str,
        what: &str,
    ) {
        for (key, _) in map {
            if allowed.contains(&key.name.as_str()) {
                continue;
            }
            let full = join(path, &key.name);
            let mut d = self
                .diag(Code::L005, key.pos)
                .message(format!("未知的键 {}（{what}）", key.name))
                .path(full);
            if let Some(near) = did_you_mean(&key.name, allowed.iter().copied()) {
                d = d.hint(format!("是不是要写 {near}？"));
            } else {
                d = d.hint(format!("这里可以写的键：{}。", allowed.join("、")));
            }
            self.push(d);
        }
    }

    /// A scalar string value; reports a missing required key.
    pub(super) fn string(
        &mut self,
        map: &Node,
        key: &str,
        path: &str,
        label: &str,
        required: bool,
    ) -> Option<String> {
        match get(map, key) {
            Some(node) if node.is_null() => {
                if required {
                    let d = self
                        .diag(Code::L006, node.pos)
                        .message(format!("{label}（{key}）没有填写"))
                        .path(join(path, key));
                    self.push(d);
                }
                None
            }
            Some(node) => match node.as_scalar() {
                Some(text) => {
                    let text = text.trim();
                    let max = if key == "reason" {
                        MAX_REASON_CHARS
                    } else {
                        MAX_TEXT_CHARS
                    };
                    if let Some(problem) = text_problem(text, max) {
                        let d = self
                            .diag(problem.code(), node.pos)
                            .message(format!("{label}（{key}）{}", problem.describe()))
                            .path(join(path, key));
                        self.push(d);
                        return None;
                    }
                    Some(text.to_string())
                }
                None => {
                    let d = self
                        .diag(Code::L014, node.pos)
                        .message(format!(
                            "{label}（{key}）应是一段文字，实际是{}",
                            node.kind_name()
                        ))
                        .path(join(path, key));
                    self.push(d);
                    None
                }
            },
            None => {
                if required {
                    let d = self
                        .diag(Code::L006, map.pos)
                        .message(format!("缺少{label}（{key}）"))
                        .path(join(path, key))
                        .hint(format!("在这一层加一行：{key}: …"));
                    self.push(d);
                }
                None
            }
        }
    }

    /// A true/false value.
    pub(super) fn boolean(&mut self, map: &Node, key: &str, path: &str) -> Option<bool> {
        let node = get(map, key)?;
        match node.as_scalar() {
            Some("true" | "yes" | "是") => Some(true),
            Some("false" | "no" | "否") => Some(false),
            _ => {
                let d = self
                    .diag(Code::L016, node.pos)
                    .message(format!("{key} 只能写 true 或 false"))
                    .path(join(path, key));
                self.push(d);
                None
            }
        }
    }
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The value of `key` in a mapping node.
pub(super) fn get<'n>(map: &'n Node, key: &str) -> Option<&'n Node> {
    map.as_map()?
        .iter()
        .find(|(k, _)| k.name == key)
        .map(|(_, v)| v)
}
