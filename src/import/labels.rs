//! Finding the template's official labels in what a report printed: extra or missing spaces,
//! full-width or half-width punctuation, quotes, a label split over lines, common misprints.

/// Characters that OCR or typists commonly put in place of the official one.
const MISPRINTS: &[(char, char)] = &[('己', '已'), ('巳', '已')];

/// The comparable core of a text: half-width letters and digits and CJK characters only, common
/// misprints corrected. Spaces, punctuation, quotes and table rules are dropped.
pub(super) fn squash(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let c = match c as u32 {
                0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                }
                _ => c,
            };
            let c = MISPRINTS
                .iter()
                .find(|(wrong, _)| *wrong == c)
                .map_or(c, |(_, right)| *right);
            (c.is_ascii_alphanumeric() || is_cjk(c)).then_some(c)
        })
        .collect()
}

pub(super) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF)
}

/// Whether a text holds a CJK character (a label, not a number or OCR litter).
pub(super) fn has_cjk(text: &str) -> bool {
    text.chars().any(is_cjk)
}

/// The core of an official label: its numbering (「一、」「（三）」「1.」) and its explanation in
/// brackets (「（区分处理的，只计这一情形……）」) left out, squashed.
pub(super) fn core(label: &str) -> String {
    let mut rest = label.trim();
    loop {
        let before = rest;
        for (open, close) in [("（", "）"), ("(", ")")] {
            if let Some(inner) = rest.strip_prefix(open)
                && let Some(end) = inner.find(close)
                && inner[..end].chars().all(is_numeral)
            {
                rest = &inner[end + close.len()..];
            }
        }
        let numbered = rest
            .char_indices()
            .take_while(|(_, c)| is_numeral(*c) || c.is_ascii_digit())
            .last()
            .map(|(i, c)| i + c.len_utf8());
        if let Some(end) = numbered
            && let Some(after) = rest[end..]
                .strip_prefix('、')
                .or_else(|| rest[end..].strip_prefix('.'))
                .or_else(|| rest[end..].strip_prefix('．'))
        {
            rest = after;
        }
        if rest == before {
            break;
        }
    }
    let rest = match rest.find(['（', '(']) {
        Some(i) if i > 0 => &rest[..i],
        _ => rest,
    };
    squash(rest)
}

fn is_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// How a run of label text matched a label's core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Match {
    /// The whole label is there (maybe with a misprint).
    Whole,
    /// The run ends with the label's first half or more: the rest is printed further on.
    Start(usize),
}

/// Whether `run` (squashed text printed before a row's numbers) names the label `core`.
pub(super) fn matches(run: &str, core: &str) -> Option<Match> {
    if core.is_empty() {
        return None;
    }
    let label: Vec<char> = core.chars().collect();
    // A short label (「规章」「总计」「其他」) is printed right before its numbers; inside a
    // longer text it is another label's word.
    if label.len() < 4 {
        return run.ends_with(core).then_some(Match::Whole);
    }
    if run.contains(core) {
        return Some(Match::Whole);
    }
    let run: Vec<char> = run.chars().collect();
    // A misprint: the end of the run is the label with a character or two wrong or missing.
    let allowed = (label.len() / 6).max(1);
    for len in label.len().saturating_sub(allowed)..=label.len() + allowed {
        if len == 0 || len > run.len() {
            continue;
        }
        let tail: String = run[run.len() - len..].iter().collect();
        if strsim::levenshtein(&tail, core) <= allowed {
            return Some(Match::Whole);
        }
    }
    // A label broken over lines with numbers between: the run ends with its first half.
    for len in (label.len().div_ceil(2).max(4)..label.len()).rev() {
        if run.len() >= len && run[run.len() - len..] == label[..len] {
            return Some(Match::Start(len));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cores_leave_out_numbering_and_explanations() {
        assert_eq!(core("（三）不予公开"), "不予公开");
        assert_eq!(core("1.属于国家秘密"), "属于国家秘密");
        assert_eq!(
            core("一、本年新收政府信息公开申请数量"),
            "本年新收政府信息公开申请数量"
        );
        assert_eq!(
            core("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
            "部分公开"
        );
        assert_eq!(core("3.危及“三安全一稳定”"), "危及三安全一稳定");
    }

    #[test]
    fn runs_match_with_spaces_misprints_and_breaks() {
        assert_eq!(
            matches(
                &squash("2.没有现成信息 需另行制作"),
                &core("2.没有现成信息需要另行制作")
            ),
            Some(Match::Whole)
        );
        assert_eq!(
            matches(&squash("4.保护第三方合"), &core("4.保护第三方合法权益")),
            Some(Match::Start(6))
        );
        assert_eq!(matches(&squash("行政处罚"), &core("行政许可")), None);
        assert_eq!(matches(&squash("总计"), &core("规章")), None);
    }
}
