//! Figures a narrative states in words for table items (「全年共收到政府信息公开申请17件」):
//! the phrases that introduce them and the cells they stand for (D011).

use super::*;

/// A figure that narratives state in words for a table item: the phrases that introduce it
/// and the cells it may stand for.
#[derive(Debug)]
pub(crate) struct NarrativeFigure {
    /// Phrases that come right before the number, e.g. 「收到政府信息公开申请」.
    pub cues: &'static [&'static str],
    /// The sums of cells the figure may state (a count with or without 上年结转, or the column
    /// of the 2019 or the 2021 format). The figure agrees when it equals any reading this year
    /// has; the first reading the year has is named when it does not.
    pub readings: &'static [&'static [&'static str]],
    /// Counts are written with a count word (件, 宗 …); money in 元 or 万元.
    pub unit: FigureUnit,
}

/// What follows the number of a narrative figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FigureUnit {
    /// A count of cases or decisions: 件, 宗, 起, 个, 份.
    Count,
    /// Money; the cells are in this unit, the text may say 元 or 万元.
    Money(Unit),
}

/// Count words that may follow the number of a counted figure.
pub(crate) const FIGURE_COUNT_WORDS: &[&str] = &["件", "宗", "起", "个", "份"];

/// Characters allowed between a cue and its number (「共计」「为」「案件」「：」), so that
/// 「行政处罚信息2428条」 or 「申请人电话」 never reads as a figure.
pub(crate) const FIGURE_FILLER: &str = "共计合总为达了有：:案件数量 ";

/// Words that, before a cue in the same clause, make the figure another year's.
pub(crate) const FIGURE_OTHER_YEAR: &[&str] =
    &["上年度", "上一年", "去年", "同比", "较上年", "上年同期"];

pub(super) const RECEIVED: &[&str] = &["requests.received.total"];
pub(super) const RECEIVED_AND_CARRIED: &[&str] =
    &["requests.received.total", "requests.carried_in.total"];

/// The figures a narrative states for table items (parts 二, 三, 四 and the fees of 六).
pub(crate) const NARRATIVE_FIGURES: &[NarrativeFigure] = &[
    NarrativeFigure {
        cues: &[
            "收到政府信息公开申请",
            "受理政府信息公开申请",
            "新收政府信息公开申请",
            "收到依申请公开申请",
            "受理依申请公开申请",
            "收到信息公开申请",
            "受理信息公开申请",
            "收到公开申请",
            "受理公开申请",
            "共收到申请",
            "共受理申请",
            "新收申请",
        ],
        readings: &[RECEIVED, RECEIVED_AND_CARRIED],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["上年结转"],
        readings: &[&["requests.carried_in.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["办结", "办理完结"],
        readings: &[&["requests.total.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["予以公开"],
        readings: &[&["requests.granted.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["部分公开"],
        readings: &[&["requests.partly_granted.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["结转下年度", "结转至下年度", "结转下一年度"],
        readings: &[&["requests.carried_over.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政复议"],
        readings: &[&["review.reconsideration.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政诉讼"],
        readings: &[&[
            "review.litigation_direct.total",
            "review.litigation_after_reconsideration.total",
        ]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["发出收费通知"],
        readings: &[&["fees.notices.value"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &[
            "收取信息处理费",
            "收取政府信息公开信息处理费",
            "收取费用",
            "收取信息公开处理费",
        ],
        readings: &[&["fees.collected.value"]],
        unit: FigureUnit::Money(Unit::Yuan),
    },
    NarrativeFigure {
        cues: &[
            "制发行政规范性文件",
            "制发规范性文件",
            "印发行政规范性文件",
            "印发规范性文件",
            "出台规范性文件",
            "主动公开行政规范性文件",
            "主动公开规范性文件",
            "新制作规范性文件",
            "新公开规范性文件",
        ],
        readings: &[
            &["proactive.item1.normative_documents.issued"],
            &["proactive.item1.normative_documents.new_made"],
            &["proactive.item1.normative_documents.new_published"],
        ],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["废止行政规范性文件", "废止规范性文件"],
        readings: &[&["proactive.item1.normative_documents.repealed"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["现行有效行政规范性文件", "现行有效规范性文件"],
        readings: &[&["proactive.item1.normative_documents.in_force"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["制发规章", "新制作规章", "公开规章"],
        readings: &[
            &["proactive.item1.rules.issued"],
            &["proactive.item1.rules.new_made"],
            &["proactive.item1.rules.new_published"],
        ],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政许可决定", "行政许可"],
        readings: &[&["proactive.item5.licensing.decisions"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政处罚决定", "行政处罚"],
        readings: &[&["proactive.item6.penalties.decisions"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政强制决定", "行政强制"],
        readings: &[&["proactive.item6.coercion.decisions"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政事业性收费"],
        readings: &[&["proactive.item8.fees.amount"]],
        unit: FigureUnit::Money(Unit::TenThousandYuan),
    },
];
