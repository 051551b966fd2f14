//! Derived indicators of the year pages, the comparisons and the agency charts, on cell ids
//! both templates share.

/// How a derived indicator is computed from cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IndicatorKind {
    /// The sum of the cells.
    Sum,
    /// The sum of `numerator` over the sum of `denominator`, as a percentage.
    Ratio,
    /// The change of the sum of the cells against the previous year, as a percentage.
    YearOnYear,
}

/// A derived indicator, defined on cell ids that both templates share.
#[derive(Debug)]
pub(crate) struct Indicator {
    pub key: &'static str,
    pub label: &'static str,
    /// The definition, as shown beside the figure.
    pub definition: &'static str,
    pub kind: IndicatorKind,
    pub numerator: &'static [&'static str],
    pub denominator: &'static [&'static str],
    /// Whether the agency page charts it over the years.
    pub chart: bool,
}

/// The derived indicators of the year pages, the comparisons and the agency charts.
pub(crate) const INDICATORS: &[Indicator] = &[
    Indicator {
        key: "received",
        label: "本年新收申请数量",
        definition: "三、一、本年新收政府信息公开申请数量（总计）",
        kind: IndicatorKind::Sum,
        numerator: &["requests.received.total"],
        denominator: &[],
        chart: true,
    },
    Indicator {
        key: "received_yoy",
        label: "申请量同比",
        definition: "（本年新收申请数量 − 上年新收申请数量）÷ 上年新收申请数量",
        kind: IndicatorKind::YearOnYear,
        numerator: &["requests.received.total"],
        denominator: &[],
        chart: false,
    },
    Indicator {
        key: "disclosure_rate",
        label: "公开率",
        definition: "（予以公开 + 部分公开）÷ 办结总数（三、（七）总计）",
        kind: IndicatorKind::Ratio,
        numerator: &["requests.granted.total", "requests.partly_granted.total"],
        denominator: &["requests.total.total"],
        chart: true,
    },
    Indicator {
        key: "reconsideration",
        label: "行政复议案件数",
        definition: "四、行政复议总计",
        kind: IndicatorKind::Sum,
        numerator: &["review.reconsideration.total"],
        denominator: &[],
        chart: true,
    },
    Indicator {
        key: "reconsideration_correction_rate",
        label: "复议纠错率",
        definition: "行政复议结果纠正 ÷ 行政复议总计",
        kind: IndicatorKind::Ratio,
        numerator: &["review.reconsideration.corrected"],
        denominator: &["review.reconsideration.total"],
        chart: false,
    },
    Indicator {
        key: "litigation",
        label: "行政诉讼案件数",
        definition: "四、行政诉讼（未经复议直接起诉 + 复议后起诉）总计",
        kind: IndicatorKind::Sum,
        numerator: &[
            "review.litigation_direct.total",
            "review.litigation_after_reconsideration.total",
        ],
        denominator: &[],
        chart: true,
    },
    Indicator {
        key: "litigation_correction_rate",
        label: "诉讼纠错率",
        definition: "行政诉讼结果纠正 ÷ 行政诉讼总计（未经复议直接起诉与复议后起诉合计）",
        kind: IndicatorKind::Ratio,
        numerator: &[
            "review.litigation_direct.corrected",
            "review.litigation_after_reconsideration.corrected",
        ],
        denominator: &[
            "review.litigation_direct.total",
            "review.litigation_after_reconsideration.total",
        ],
        chart: false,
    },
];

/// Figures of the portal's year overview that are not indicators of the agency pages: handled
/// requests and the fee figures of 六 (2021 template only; 「—」 for a 2019-template year).
pub(crate) const PORTAL_INDICATORS: &[Indicator] = &[
    Indicator {
        key: "handled",
        label: "办结数量",
        definition: "三、本年度办理结果（七）总计",
        kind: IndicatorKind::Sum,
        numerator: &["requests.total.total"],
        denominator: &[],
        chart: false,
    },
    Indicator {
        key: "fee_notices",
        label: "收费通知件数",
        definition: "六、发出收费通知的件数（2021年版格式起）",
        kind: IndicatorKind::Sum,
        numerator: &["fees.notices.value"],
        denominator: &[],
        chart: false,
    },
    Indicator {
        key: "fees_collected",
        label: "实际收费（元）",
        definition: "六、实际收取的总金额（单位：元，2021年版格式起）",
        kind: IndicatorKind::Sum,
        numerator: &["fees.collected.value"],
        denominator: &[],
        chart: false,
    },
];

/// The headline figures of the portal's year overview, in column order.
pub(crate) const OVERVIEW_FIGURES: &[&str] = &[
    "received",
    "handled",
    "disclosure_rate",
    "reconsideration",
    "reconsideration_correction_rate",
    "litigation",
    "litigation_correction_rate",
    "fee_notices",
    "fees_collected",
];

/// An indicator of the agency pages or of the portal by its key.
pub(crate) fn indicator(key: &str) -> Option<&'static Indicator> {
    INDICATORS
        .iter()
        .chain(PORTAL_INDICATORS)
        .find(|i| i.key == key)
}
