//! One-line texts (names, titles, footer lines): the limits and the characters refused.

use super::*;

/// The largest content file nianbao reads. A year's data.yaml is a few KB.
pub(crate) const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// The longest one-line text (a name, a title, a footer line) nianbao accepts, in characters:
/// the longest official agency names are under 50; a 400 KB name once made 599 MB of pages.
pub(crate) const MAX_TEXT_CHARS: usize = 200;

/// The longest reason of an acknowledgement, in characters (a few sentences).
pub(crate) const MAX_REASON_CHARS: usize = 2000;

/// What is wrong with a one-line text, if anything. The one rule for names and titles, shared
/// by the loader and `init`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TextProblem {
    /// A control character or a Unicode noncharacter (which XML and terminals cannot take), at
    /// a 1-based character position.
    Control {
        ch: char,
        position: usize,
    },
    TooLong {
        chars: usize,
        max: usize,
    },
}

impl TextProblem {
    pub(crate) fn code(&self) -> Code {
        match self {
            TextProblem::Control { .. } => Code::L019,
            TextProblem::TooLong { .. } => Code::L020,
        }
    }

    /// The problem in words, after the name of the field.
    pub(crate) fn describe(&self) -> String {
        match self {
            TextProblem::Control { ch, position } => format!(
                "第 {position} 个字是看不见的控制字符 {}",
                character_name(*ch)
            ),
            TextProblem::TooLong { chars, max } => {
                format!("有 {chars} 个字，最多 {max} 个字，且只能写一行")
            }
        }
    }
}

/// A control character's name for a clerk: 「垂直制表符（U+000B）」.
pub(crate) fn character_name(c: char) -> String {
    let name = match c {
        '\0' => "空字符 NUL",
        '\t' => "制表符 Tab",
        '\n' | '\r' => "换行符",
        '\u{b}' => "垂直制表符",
        '\u{c}' => "换页符",
        '\u{1b}' => "转义符 ESC",
        _ => "",
    };
    let code = format!("U+{:04X}", u32::from(c));
    if name.is_empty() {
        code
    } else {
        format!("{name}（{code}）")
    }
}

/// Checks a one-line text against the rule: no forbidden characters, at most `max` characters.
pub(crate) fn text_problem(text: &str, max: usize) -> Option<TextProblem> {
    let mut chars = 0;
    for (i, c) in text.chars().enumerate() {
        if is_forbidden_char(c) {
            return Some(TextProblem::Control {
                ch: c,
                position: i + 1,
            });
        }
        chars += 1;
    }
    (chars > max).then_some(TextProblem::TooLong { chars, max })
}
