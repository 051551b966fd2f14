//! Inline SVG bar charts made at build time for the agency page: one key indicator over the report
//! years (for example 本年新收申请数量 for 2019..2024, or a rate such as 公开率).
//!
//! The output is a self-contained `<svg>` element: no JavaScript, no external resources, no web
//! fonts. Every value is printed as text above its bar and every year label below it, so nothing is
//! told by colour or height alone; `<title>` and `<desc>` give the chart an accessible name and a
//! text alternative that lists every number.
//!
//! The chart has no width or height attributes; size it with CSS, for example
//! `.chart { width: 100%; max-width: 40rem; height: auto; }`. The title is not drawn inside the
//! image (the page shows it, e.g. in a `<figcaption>`); it is the accessible name of the image.
//!
//! The output is deterministic: the same input gives byte-identical output on every platform (only
//! IEEE basic arithmetic is used, no transcendental functions).

use std::fmt::Write;

mod text;

use text::{clean_text, escape, format_value, nice_ceiling, num, round_up_to_ten, text_width};

/// One bar/point: the year label (e.g. "2023") and its value; None when there is no comparable figure
/// (the chart then shows the label with the text 「无数据」 instead of a bar).
///
/// A value that is not finite (NaN or infinite) is treated like `None`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    /// The label below the bar, usually a four-digit report year such as "2023".
    pub label: String,
    /// The figure, or `None` when there is no comparable figure for this year.
    pub value: Option<f64>,
    /// The figure as the page prints it (`crate::render::format`), with the ※ mark of an acknowledged
    /// problem when it has one; `None` lets the chart print the value in `format`.
    pub text: Option<String>,
}

/// How values are printed on the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueFormat {
    /// A whole number, rounded half away from zero and printed without separators ("1136").
    Count,
    /// A ratio 0.0..=1.0 printed as a percentage with one digit after the point ("62.1%").
    Percent,
}

/// The text shown (and read out) in place of a missing value.
const NO_DATA: &str = "无数据";

/// Bar fill: a sober government blue, 8.3:1 against white.
const BAR_FILL: &str = "#1f4e8c";
/// Text and baseline colour, 17.4:1 against white.
const TEXT_FILL: &str = "#1a1a1a";
/// Background, drawn so the chart stays legible on a dark or tinted page.
const BACKGROUND: &str = "#ffffff";
const FONT_FAMILY: &str =
    "'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

/// Font size of the value and year labels, in viewBox units.
const FONT_SIZE: f64 = 17.0;
/// Smallest viewBox width; the chart grows wider only when labels would not fit.
const MIN_WIDTH: f64 = 480.0;
/// Left and right margin.
const SIDE_MARGIN: f64 = 12.0;
/// Top of the plot area: room for the value label of the tallest bar.
const PLOT_TOP: f64 = 30.0;
/// Height of the plot area (the bar of the scale maximum).
const PLOT_HEIGHT: f64 = 160.0;
/// Gap between a bar's top and the baseline of its value label.
const VALUE_GAP: f64 = 6.0;
/// Gap between the chart baseline and the top of the year labels.
const LABEL_GAP: f64 = 6.0;
/// Space below the year labels (room for descenders).
const BOTTOM_MARGIN: f64 = 12.0;
/// Lowest bar drawn for a positive value.
const MIN_BAR_HEIGHT: f64 = 1.5;
/// Widest bar.
const MAX_BAR_WIDTH: f64 = 56.0;
/// Share of its slot a bar takes at most.
const BAR_SHARE: f64 = 0.6;
/// Least horizontal room between the labels of neighbouring bars.
const LABEL_PADDING: f64 = 10.0;

/// A bar chart as an inline `<svg>` element string.
/// `id` is unique on the page (used for the ids of `<title>` and `<desc>`), `title` is the Chinese chart title,
/// `description` a Chinese one-sentence text alternative that the function extends with the values
/// (e.g. "2019年 4；2020年 2；…") so a screen reader gets every number.
///
/// `id` should be a valid HTML id without whitespace (it is escaped, not rewritten); the `<title>`
/// and `<desc>` get the ids `{id}-title` and `{id}-desc`. A label made only of ASCII digits is read
/// as a year and gets 「年」 in the description ("2019" → "2019年"); other labels are used as they are.
///
/// The y scale starts at 0 and ends at a round number a little above the largest value. Negative
/// values are drawn as an empty bar on the baseline but printed as they are. An empty `points`
/// slice gives an empty chart (a baseline only); the intended use is 1 to 10 points, and with more
/// points or long labels the viewBox grows wider so that labels never overlap.
pub(crate) fn bar_chart(
    id: &str,
    title: &str,
    description: &str,
    points: &[Point],
    format: ValueFormat,
) -> String {
    let bars: Vec<Bar> = points
        .iter()
        .map(|p| {
            let value = p.value.filter(|v| v.is_finite());
            Bar {
                label: clean_text(&p.label),
                value,
                text: match (&p.text, value) {
                    (Some(text), _) => clean_text(text),
                    (None, Some(v)) => format_value(v, format),
                    (None, None) => NO_DATA.to_string(),
                },
            }
        })
        .collect();

    // Horizontal layout: equal slots, each wide enough for its widest label.
    let n = bars.len().max(1) as f64;
    let widest = bars
        .iter()
        .map(|b| text_width(&b.label).max(text_width(&b.text)))
        .fold(0.0_f64, f64::max);
    let min_slot = widest + LABEL_PADDING;
    let width = round_up_to_ten(MIN_WIDTH.max(2.0 * SIDE_MARGIN + n * min_slot));
    let slot = (width - 2.0 * SIDE_MARGIN) / n;
    let bar_width = (slot * BAR_SHARE).min(MAX_BAR_WIDTH);

    // Vertical layout.
    let baseline = PLOT_TOP + PLOT_HEIGHT;
    let label_y = baseline + LABEL_GAP + FONT_SIZE;
    let height = label_y + BOTTOM_MARGIN;

    let max_value = bars.iter().filter_map(|b| b.value).fold(0.0_f64, f64::max);
    let scale_max = nice_ceiling(max_value * 1.05);

    let mut svg = String::with_capacity(1024 + 320 * bars.len());
    let id = escape(&clean_text(id));
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {w} {h}\" \
         preserveAspectRatio=\"xMinYMin meet\" class=\"chart\">",
        w = num(width),
        h = num(height),
    );
    let _ = write!(
        svg,
        "<title id=\"{id}-title\">{}</title>",
        escape(&clean_text(title))
    );
    let _ = write!(
        svg,
        "<desc id=\"{id}-desc\">{}</desc>",
        escape(&full_description(description, &bars))
    );
    let _ = write!(
        svg,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{BACKGROUND}\"/>",
        num(width),
        num(height)
    );

    // Bars.
    let _ = write!(svg, "<g fill=\"{BAR_FILL}\">");
    for (i, bar) in bars.iter().enumerate() {
        let Some(value) = bar.value else { continue };
        let h = bar_height(value, scale_max);
        if h <= 0.0 {
            continue;
        }
        let centre = SIDE_MARGIN + slot * (i as f64 + 0.5);
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            num(centre - bar_width / 2.0),
            num(baseline - h),
            num(bar_width),
            num(h)
        );
    }
    svg.push_str("</g>");

    // Baseline.
    let _ = write!(
        svg,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{TEXT_FILL}\" stroke-width=\"1\"/>",
        num(SIDE_MARGIN),
        num(width - SIDE_MARGIN),
        b = num(baseline),
    );

    // Value labels above the bars, year labels below the baseline.
    let _ = write!(
        svg,
        "<g font-family=\"{FONT_FAMILY}\" font-size=\"{}\" fill=\"{TEXT_FILL}\" text-anchor=\"middle\">",
        num(FONT_SIZE)
    );
    for (i, bar) in bars.iter().enumerate() {
        let centre = num(SIDE_MARGIN + slot * (i as f64 + 0.5));
        let top = baseline - bar.value.map_or(0.0, |v| bar_height(v, scale_max));
        let _ = write!(
            svg,
            "<text x=\"{centre}\" y=\"{}\">{}</text>",
            num(top - VALUE_GAP),
            escape(&bar.text)
        );
        let _ = write!(
            svg,
            "<text x=\"{centre}\" y=\"{}\">{}</text>",
            num(label_y),
            escape(&bar.label)
        );
    }
    svg.push_str("</g></svg>");
    svg
}

/// A point ready to draw: cleaned label, finite value, printed value.
struct Bar {
    label: String,
    value: Option<f64>,
    text: String,
}

/// The caller's description followed by every label and value, e.g.
/// "申请数量逐年变化。2019年 4；2020年 无数据。".
fn full_description(description: &str, bars: &[Bar]) -> String {
    let mut out = clean_text(description.trim());
    if bars.is_empty() {
        return out;
    }
    if !out.is_empty() && !out.ends_with(['。', '！', '？', '；', '：', '.', '!', '?', ';', ':'])
    {
        out.push('。');
    }
    for (i, bar) in bars.iter().enumerate() {
        if i > 0 {
            out.push('；');
        }
        out.push_str(&bar.label);
        if !bar.label.is_empty() && bar.label.bytes().all(|b| b.is_ascii_digit()) {
            out.push('年');
        }
        out.push(' ');
        out.push_str(&bar.text);
    }
    out.push('。');
    out
}

/// Height of a bar in viewBox units; negative values and zero give 0, and any positive value at
/// least `MIN_BAR_HEIGHT`, so that a small figure next to a large one is still seen as a bar.
fn bar_height(value: f64, scale_max: f64) -> f64 {
    if value > 0.0 {
        (value / scale_max * PLOT_HEIGHT).clamp(MIN_BAR_HEIGHT, PLOT_HEIGHT)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::text::fixed;
    use super::*;

    fn p(label: &str, value: Option<f64>) -> Point {
        Point {
            label: label.to_string(),
            value,
            text: None,
        }
    }

    fn years(values: &[Option<f64>]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| p(&(2019 + i).to_string(), *v))
            .collect()
    }

    /// The chart is well-formed XML (parsed by roxmltree).
    fn assert_well_formed(xml: &str) {
        if let Err(e) = roxmltree::Document::parse(xml) {
            panic!("not well-formed XML ({e}):\n{xml}");
        }
    }

    #[test]
    fn structure_and_accessibility() {
        let svg = bar_chart(
            "apply",
            "本年新收申请数量",
            "2019年至2024年本年新收申请数量。",
            &years(&[Some(4.0), Some(2.0), Some(1136.0)]),
            ValueFormat::Count,
        );
        assert_well_formed(&svg);
        assert!(svg.starts_with(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
             aria-labelledby=\"apply-title apply-desc\" viewBox=\"0 0 480 "
        ));
        assert!(svg.contains("preserveAspectRatio=\"xMinYMin meet\""));
        assert!(svg.contains("class=\"chart\""));
        let head = &svg[..svg.find('>').unwrap()];
        assert!(!head.contains(" width=") && !head.contains(" height="));
        // <title> and <desc> are the first children.
        let after_root = &svg[svg.find('>').unwrap() + 1..];
        assert!(after_root.starts_with(
            "<title id=\"apply-title\">本年新收申请数量</title><desc id=\"apply-desc\">"
        ));
        assert!(svg.contains(
            "<desc id=\"apply-desc\">2019年至2024年本年新收申请数量。2019年 4；2020年 2；2021年 1136。</desc>"
        ));
        assert!(svg.contains("font-family=\"'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif\""));
        assert!(svg.contains("fill=\"#1f4e8c\""));
        assert!(svg.contains("fill=\"#1a1a1a\""));
        assert!(svg.contains("<line "), "baseline");
    }

    #[test]
    fn every_value_and_label_appears_as_text() {
        let values = [3.0, 17.0, 1136.0, 0.0, 250.0, 99.0, 12.0, 7.0, 1.0, 40.0];
        let points = years(&values.map(Some));
        let svg = bar_chart("c", "t", "d", &points, ValueFormat::Count);
        assert_well_formed(&svg);
        for (i, v) in values.iter().enumerate() {
            assert!(svg.contains(&format!(">{v}</text>")), "value {v} missing");
            assert!(svg.contains(&format!(">{}</text>", 2019 + i)));
        }
        // One bar per non-zero value.
        assert_eq!(svg.matches("<rect").count(), 1 + 9);
    }

    #[test]
    fn escapes_all_special_characters() {
        let nasty = "A&B <c> \"d\" 'e'";
        let svg = bar_chart(
            "x\"y",
            nasty,
            nasty,
            &[p(nasty, Some(1.0))],
            ValueFormat::Count,
        );
        assert_well_formed(&svg);
        let escaped = "A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos;";
        assert!(svg.contains(&format!("<title id=\"x&quot;y-title\">{escaped}</title>")));
        assert!(svg.contains(&format!(">{escaped}</text>")));
        assert!(svg.contains(&format!("{escaped}。{escaped} 1。</desc>")));
        assert!(!svg.contains("A&B"));
        // Control characters that XML forbids are dropped.
        let svg = bar_chart(
            "x",
            "a\u{1}b",
            "",
            &[p("2020", Some(1.0))],
            ValueFormat::Count,
        );
        assert!(svg.contains(">ab</title>"));
        assert_eq!(escape("&<>\"'"), "&amp;&lt;&gt;&quot;&apos;");
    }

    #[test]
    fn output_is_deterministic() {
        let points = years(&[Some(0.123), None, Some(0.98765), Some(0.5)]);
        let a = bar_chart("r", "公开率", "公开率。", &points, ValueFormat::Percent);
        let b = bar_chart(
            "r",
            "公开率",
            "公开率。",
            &points.clone(),
            ValueFormat::Percent,
        );
        assert_eq!(a, b);
        assert!(!a.contains("NaN") && !a.contains("inf"));
    }

    #[test]
    fn none_values_show_no_data() {
        let points = years(&[Some(4.0), None, Some(2.0)]);
        let svg = bar_chart("n", "t", "d", &points, ValueFormat::Count);
        assert_well_formed(&svg);
        assert!(svg.contains(">无数据</text>"));
        assert!(svg.contains(">2020</text>"));
        assert!(svg.contains("2019年 4；2020年 无数据；2021年 2。"));
        // Background and two bars; no bar for the missing year.
        assert_eq!(svg.matches("<rect").count(), 3);
        // Non-finite values are missing values too.
        let svg = bar_chart(
            "n",
            "t",
            "",
            &years(&[Some(f64::NAN), Some(f64::INFINITY)]),
            ValueFormat::Count,
        );
        assert_eq!(svg.matches(">无数据</text>").count(), 2);
        assert!(svg.contains("<desc id=\"n-desc\">2019年 无数据；2020年 无数据。</desc>"));
        // Only None.
        let svg = bar_chart("n", "t", "d", &years(&[None]), ValueFormat::Percent);
        assert_well_formed(&svg);
        assert!(svg.contains(">无数据</text>"));
    }

    #[test]
    fn all_zero_series_does_not_divide_by_zero() {
        for format in [ValueFormat::Count, ValueFormat::Percent] {
            let svg = bar_chart("z", "t", "d", &years(&[Some(0.0); 6]), format);
            assert_well_formed(&svg);
            assert!(!svg.contains("NaN") && !svg.contains("inf"));
            assert_eq!(svg.matches("<rect").count(), 1, "only the background");
            let zero = format_value(0.0, format);
            assert_eq!(svg.matches(&format!(">{zero}</text>")).count(), 6);
        }
        // Empty input still gives a well-formed chart.
        let svg = bar_chart("e", "t", "d", &[], ValueFormat::Count);
        assert_well_formed(&svg);
        assert!(svg.contains("<desc id=\"e-desc\">d</desc>"));
    }

    #[test]
    fn percent_formatting() {
        let f = |v| format_value(v, ValueFormat::Percent);
        assert_eq!(f(0.621), "62.1%");
        assert_eq!(f(0.62149), "62.1%");
        assert_eq!(f(0.0625), "6.3%"); // 四舍五入, not banker's rounding
        assert_eq!(f(1.0), "100.0%");
        assert_eq!(f(0.0), "0.0%");
        assert_eq!(f(0.1 + 0.2), "30.0%");
        assert_eq!(f(0.9999), "100.0%");
        assert_eq!(f(-0.0001), "0.0%"); // no negative zero
        let svg = bar_chart(
            "p",
            "公开率",
            "",
            &years(&[Some(0.621), Some(0.58)]),
            ValueFormat::Percent,
        );
        assert!(svg.contains(">62.1%</text>") && svg.contains(">58.0%</text>"));
        assert!(svg.contains("2019年 62.1%；2020年 58.0%。"));
    }

    #[test]
    fn count_and_decimal_formatting() {
        let c = |v| format_value(v, ValueFormat::Count);
        assert_eq!(c(1136.0), "1136");
        assert_eq!(c(1135.9999999), "1136");
        assert_eq!(c(2.5), "3");
        assert_eq!(c(-3.0), "-3");
        assert_eq!(c(-0.2), "0");
        assert_eq!(c(1e20), "100000000000000000000");
        let d = |v, n| fixed(v, n);
        assert_eq!(d(1.0, 2), "1.00");
        assert_eq!(d(0.1 + 0.2, 2), "0.30");
        assert_eq!(d(2.675, 2), "2.68");
        assert_eq!(d(12.5, 0), "13");
        assert_eq!(d(0.05, 3), "0.050");
        assert_eq!(d(-1.25, 1), "-1.3");
        assert_eq!(d(-0.0001, 2), "0.00");
        assert_eq!(d(1.5, 12), "1.500000000000");
    }

    #[test]
    fn negative_values_are_clamped_but_printed() {
        let svg = bar_chart(
            "neg",
            "t",
            "d",
            &years(&[Some(-3.0), Some(5.0)]),
            ValueFormat::Count,
        );
        assert_well_formed(&svg);
        assert!(svg.contains(">-3</text>"));
        assert!(svg.contains("2019年 -3；2020年 5。"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn scale_starts_at_zero_with_headroom() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(-5.0), 1.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
        assert_eq!(nice_ceiling(4.2), 5.0);
        assert_eq!(nice_ceiling(1136.0 * 1.05), 1200.0);
        assert_eq!(nice_ceiling(0.65), 0.8);
        assert_eq!(nice_ceiling(100.0), 100.0);
        assert!((nice_ceiling(0.0003) - 0.0003).abs() < 1e-12);
        // The largest bar stays below the top of the plot; the smallest sits on the baseline.
        let svg = bar_chart(
            "s",
            "t",
            "d",
            &years(&[Some(100.0), Some(50.0)]),
            ValueFormat::Count,
        );
        let baseline = PLOT_TOP + PLOT_HEIGHT;
        let expected = format!(
            "height=\"{}\"",
            num(100.0 / nice_ceiling(105.0) * PLOT_HEIGHT)
        );
        assert!(svg.contains(&expected), "{svg}");
        assert!(svg.contains(&format!("y1=\"{}\"", num(baseline))));
    }

    #[test]
    fn labels_never_overlap() {
        for n in 1..=12 {
            for format in [ValueFormat::Count, ValueFormat::Percent] {
                let points: Vec<Point> = (0..n)
                    .map(|i| p(&format!("{}年", 2015 + i), Some(1234567.0 + i as f64)))
                    .collect();
                let svg = bar_chart("w", "t", "d", &points, format);
                assert_well_formed(&svg);
                let width: f64 = svg
                    .split("viewBox=\"0 0 ")
                    .nth(1)
                    .and_then(|s| s.split(' ').next())
                    .and_then(|s| s.parse().ok())
                    .unwrap();
                assert!(width >= MIN_WIDTH);
                let slot = (width - 2.0 * SIDE_MARGIN) / n as f64;
                for point in &points {
                    let text = format_value(point.value.unwrap(), format);
                    assert!(text_width(&text) < slot, "{text} in {slot}");
                    assert!(text_width(&point.label) < slot);
                }
            }
        }
        // Seven years (a template's life so far) of four-digit counts fit the standard width;
        // wider labels widen the chart.
        let svg = bar_chart(
            "w",
            "t",
            "d",
            &years(&[Some(1136.0); 7]),
            ValueFormat::Count,
        );
        assert!(svg.contains("viewBox=\"0 0 480 "));
        let svg = bar_chart("w", "t", "d", &years(&[None; 10]), ValueFormat::Percent);
        assert!(!svg.contains("viewBox=\"0 0 480 "));
    }

    #[test]
    fn coordinates_are_compact() {
        assert_eq!(num(480.0), "480");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-2.5), "-2.5");
    }
}
