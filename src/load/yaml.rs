//! The one module that parses YAML.
//!
//! Every value keeps the position it came from, so a diagnostic can name the line and column of
//! a single cell. serde_yaml (named in the design) is deprecated upstream and does not expose the
//! position of a value, so this module builds a small positioned tree from the events of
//! yaml-rust2's parser. Nothing outside this module knows which YAML library is used.

use crate::model::Pos;
use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML node with its position.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub(crate) enum Value {
    /// A scalar exactly as written (quoted scalars are marked so "0" is not a number).
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Entries in source order. Duplicated keys are reported by `parse`, never kept twice.
    Map(Vec<(Key, Node)>),
}

#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub name: String,
    pub pos: Pos,
}

/// A YAML problem with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub pos: Pos,
    pub kind: YamlErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum YamlErrorKind {
    /// The text is not YAML; the parser's own message is kept for the hint.
    Syntax(String),
    /// The same key appears twice in one mapping; `first` is the line of the first one.
    DuplicateKey { key: String, first: Pos },
    /// A key that is not a plain scalar (a list or mapping used as a key).
    ComplexKey,
    /// Anchors and aliases (`&a`, `*a`) are not supported in report files.
    Alias,
    /// More than one document in the file.
    MultipleDocuments,
}

impl Node {
    pub(crate) fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub(crate) fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The scalar's text, if this is a scalar.
    pub(crate) fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for an empty value (`key:` with nothing after it, `~`, `null`).
    pub(crate) fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false }
            if text.is_empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }

    /// A short Chinese description of what kind of value this is, for messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "空值",
            Value::Scalar { .. } => "单个值",
            Value::Seq(_) => "列表",
            Value::Map(_) => "键值映射",
        }
    }
}

/// Parses one YAML document into a positioned tree. An empty document gives `Ok(None)`.
pub(crate) fn parse(source: &str) -> Result<Option<Node>, YamlError> {
    let mut builder = Builder {
        source,
        stack: Vec::new(),
        root: None,
        error: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(source);
    if let Err(err) = parser.load(&mut builder, true) {
        return Err(YamlError {
            pos: position(source, err.marker()),
            kind: YamlErrorKind::Syntax(err.info().to_string()),
        });
    }
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root)
}

/// Converts a parser marker to a 1-based line and a 1-based column counted in characters
/// (yaml-rust2 counts lines from 1 and columns from 0, in characters).
fn position(_source: &str, marker: &Marker) -> Pos {
    Pos {
        line: marker.line().max(1),
        column: marker.col() + 1,
    }
}

enum Frame {
    Seq(Pos, Vec<Node>),
    /// A mapping being built: its entries, the key waiting for its value, and where each key
    /// was first seen, once the mapping has more than `FEW_KEYS` keys (a hash lookup, so a
    /// mapping with many keys is read in linear time; a few keys are compared one by one).
    Map(
        Pos,
        Vec<(Key, Node)>,
        Option<Key>,
        Option<HashMap<String, Pos>>,
    ),
}

/// Up to this many keys, a mapping's keys are compared one by one for a repeated key.
const FEW_KEYS: usize = 16;

/// Where `name` was first seen among a mapping's keys so far (`entries` and, once there are
/// many, `seen`), after which `name` counts as seen at `pos`.
fn first_seen(
    entries: &[(Key, Node)],
    seen: &mut Option<HashMap<String, Pos>>,
    name: &str,
    pos: Pos,
) -> Option<Pos> {
    if seen.is_none() && entries.len() >= FEW_KEYS {
        let mut first = HashMap::with_capacity(entries.len() * 2);
        for (key, _) in entries {
            first.entry(key.name.clone()).or_insert(key.pos);
        }
        *seen = Some(first);
    }
    match seen {
        Some(seen) => match seen.get(name) {
            Some(first) => Some(*first),
            None => {
                seen.insert(name.to_string(), pos);
                None
            }
        },
        None => entries
            .iter()
            .find(|(key, _)| key.name == name)
            .map(|(key, _)| key.pos),
    }
}

struct Builder<'a> {
    source: &'a str,
    stack: Vec<Frame>,
    root: Option<Node>,
    error: Option<YamlError>,
    documents: usize,
}

impl Builder<'_> {
    fn fail(&mut self, pos: Pos, kind: YamlErrorKind) {
        if self.error.is_none() {
            self.error = Some(YamlError { pos, kind });
        }
    }

    /// Adds a finished node to the innermost open collection (or makes it the root).
    fn push(&mut self, node: Node) {
        let mut complex_key = None;
        let mut duplicate = None;
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, pending, seen)) => match pending.take() {
                None => match node.value {
                    Value::Scalar { text, .. } => {
                        if let Some(first) = first_seen(entries, seen, &text, node.pos) {
                            duplicate = Some((text.clone(), first, node.pos));
                        }
                        *pending = Some(Key {
                            name: text,
                            pos: node.pos,
                        });
                    }
                    _ => complex_key = Some(node.pos),
                },
                Some(key) => entries.push((key, node)),
            },
        }
        if let Some(pos) = complex_key {
            self.fail(pos, YamlErrorKind::ComplexKey);
        }
        if let Some((key, first, pos)) = duplicate {
            self.fail(pos, YamlErrorKind::DuplicateKey { key, first });
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, event: Event, marker: Marker) {
        let pos = position(self.source, &marker);
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(pos, YamlErrorKind::MultipleDocuments);
                }
            }
            Event::Alias(_) => self.fail(pos, YamlErrorKind::Alias),
            Event::Scalar(text, style, anchor, _) => {
                if anchor != 0 {
                    self.fail(pos, YamlErrorKind::Alias);
                }
                let quoted = !matches!(style, TScalarStyle::Plain);
                self.push(Node {
                    pos,
                    value: Value::Scalar { text, quoted },
                });
            }
            Event::SequenceStart(anchor, _) => {
                if anchor != 0 {
                    self.fail(pos, YamlErrorKind::Alias);
                }
                self.stack.push(Frame::Seq(pos, Vec::new()));
            }
            Event::MappingStart(anchor, _) => {
                if anchor != 0 {
                    self.fail(pos, YamlErrorKind::Alias);
                }
                self.stack.push(Frame::Map(pos, Vec::new(), None, None));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq(pos, items)) => Node {
                        pos,
                        value: Value::Seq(items),
                    },
                    Some(Frame::Map(pos, entries, ..)) => Node {
                        pos,
                        value: Value::Map(entries),
                    },
                    None => return,
                };
                self.push(node);
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_flow_items_are_their_own() {
        let src = "a:\n  b: [1, 22, 3]\n";
        let root = parse(src).unwrap().unwrap();
        let (key, b) = &root.as_map().unwrap()[0];
        assert_eq!(key.name, "a");
        let (_, seq) = &b.as_map().unwrap()[0];
        let items = seq.as_seq().unwrap();
        assert_eq!(
            items[1].pos,
            Pos {
                line: 2,
                column: 10
            }
        );
        assert_eq!(items[1].as_scalar(), Some("22"));
    }

    #[test]
    fn chinese_text_columns_count_characters() {
        let src = "标题: 嘉禾\nx: [1, 2]\n";
        let root = parse(src).unwrap().unwrap();
        let (_, seq) = &root.as_map().unwrap()[1];
        assert_eq!(seq.as_seq().unwrap()[1].pos, Pos { line: 2, column: 8 });
    }

    #[test]
    fn duplicate_key_names_both_lines() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(
            err.kind,
            YamlErrorKind::DuplicateKey {
                key: "a".into(),
                first: Pos { line: 1, column: 1 }
            }
        );
        assert_eq!(err.pos.line, 3);
    }

    #[test]
    fn a_repeated_key_is_found_in_a_mapping_of_many_keys() {
        for keys in [3, FEW_KEYS, FEW_KEYS + 1, 3 * FEW_KEYS] {
            let mut src: String = (0..keys).map(|k| format!("k{k}: {k}\n")).collect();
            src.push_str("k1: again\n");
            let err = parse(&src).unwrap_err();
            assert_eq!(
                err.kind,
                YamlErrorKind::DuplicateKey {
                    key: "k1".into(),
                    first: Pos { line: 2, column: 1 }
                },
                "{keys} keys"
            );
            assert_eq!(err.pos.line, keys + 1);
            src.truncate(src.len() - "k1: again\n".len());
            let root = parse(&src).unwrap().unwrap();
            assert_eq!(root.as_map().unwrap().len(), keys);
        }
    }

    #[test]
    fn syntax_error_has_a_line() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(matches!(err.kind, YamlErrorKind::Syntax(_)));
        assert!(err.pos.line >= 2);
    }

    #[test]
    fn empty_document_is_none() {
        assert!(parse("").unwrap().is_none());
        assert!(parse("# only a comment\n").unwrap().is_none());
    }

    #[test]
    fn quoted_scalars_are_marked() {
        let root = parse("a: \"5\"\nb: 5\n").unwrap().unwrap();
        let m = root.as_map().unwrap();
        assert!(matches!(m[0].1.value, Value::Scalar { quoted: true, .. }));
        assert!(matches!(m[1].1.value, Value::Scalar { quoted: false, .. }));
    }
}
