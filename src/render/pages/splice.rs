//! Big pieces of a page's HTML (a table's rows, a part's prose, a metric row's years) kept out of
//! Tera: the template's context holds a short stand-in, an HTML comment with the piece's number,
//! and the piece is written into the page once, where the template printed its stand-in.
//!
//! Tera copies every value it is given (into the context's JSON, into a macro's buffer, out of
//! the macro's result) and checks the UTF-8 of a macro's output again: for the tables of a year
//! page that was most of what the page cost in Tera (issue 15). A theme still places, wraps and
//! repeats each piece as before (`{{ t.html | safe }}`); an empty piece is an empty value, so
//! `{% if p.html %}` reads the same. A stand-in is found by its exact text, which Tera's escaping
//! of every other value (`<` becomes `&lt;`) keeps out of anything a report or data.yaml says.

use super::BuildError;

/// How a stand-in begins; its piece's number and `-->` follow.
const OPEN: &[u8] = b"<!--nianbao-piece:";
const CLOSE: &[u8] = b"-->";

/// The pieces of one page.
#[derive(Default)]
pub(super) struct Pieces(Vec<String>);

impl Pieces {
    /// The stand-in for `html` to give the template (empty for an empty piece).
    pub(super) fn add(&mut self, html: String) -> String {
        if html.is_empty() {
            return String::new();
        }
        let n = self.0.len();
        self.0.push(html);
        format!("<!--nianbao-piece:{n}-->")
    }

    /// A rendered page with each stand-in replaced by its piece. Text that only looks like a
    /// stand-in (no such piece) is left as it is.
    pub(super) fn splice(&self, rendered: &[u8]) -> Vec<u8> {
        let total: usize = self.0.iter().map(String::len).sum();
        let mut out = Vec::with_capacity(rendered.len() + total);
        let mut rest = rendered;
        while let Some(at) = memchr::memmem::find(rest, OPEN) {
            let after = &rest[at + OPEN.len()..];
            let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
            let piece = std::str::from_utf8(&after[..digits])
                .ok()
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| self.0.get(n))
                .filter(|_| after[digits..].starts_with(CLOSE));
            match piece {
                Some(piece) => {
                    out.extend_from_slice(&rest[..at]);
                    out.extend_from_slice(piece.as_bytes());
                    rest = &after[digits + CLOSE.len()..];
                }
                None => {
                    out.extend_from_slice(&rest[..at + OPEN.len()]);
                    rest = after;
                }
            }
        }
        out.extend_from_slice(rest);
        out
    }
}

impl super::Renderer<'_> {
    /// `render_page` for a page whose context holds stand-ins of `pieces`.
    pub(super) fn render_with_pieces(
        &self,
        template: &str,
        ctx: &tera::Context,
        pieces: &Pieces,
    ) -> Result<Vec<u8>, BuildError> {
        self.with_rendered(template, ctx, |page| pieces.splice(page))
    }
}

#[cfg(test)]
mod tests {
    use super::Pieces;

    #[test]
    fn stand_ins_become_their_pieces_and_nothing_else_changes() {
        let mut pieces = Pieces::default();
        let table = pieces.add("<tr><td>1</td></tr>".to_string());
        assert_eq!(pieces.add(String::new()), "");
        let prose = pieces.add("<p>正文</p>".to_string());
        let page = format!(
            "<table>{table}</table>{prose}{prose}<!--nianbao-piece:7--><!--nianbao-piece:x<!-- other -->"
        );
        assert_eq!(
            String::from_utf8(pieces.splice(page.as_bytes())).unwrap(),
            "<table><tr><td>1</td></tr></table><p>正文</p><p>正文</p>\
             <!--nianbao-piece:7--><!--nianbao-piece:x<!-- other -->"
        );
    }
}
