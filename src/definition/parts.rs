//! The six parts of the report: numerals, official headings, what each is made of.

/// What a part of the report is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PartKind {
    /// Prose that report.md must contain.
    Prose,
    /// Statistical tables from data.yaml; report.md may add notes under the heading.
    Tables,
}

/// One of the six parts of the report.
#[derive(Debug)]
pub(crate) struct Part {
    /// 1 to 6.
    pub number: u8,
    /// The official heading, e.g. 「一、总体情况」.
    pub heading: &'static str,
    pub kind: PartKind,
    /// A line of guidance for the scaffold of report.md (prose parts only).
    pub guidance: &'static str,
    /// A province may add rows of its own to the tables of this part (part 二, `extra_rows`).
    pub extra_rows: bool,
    /// The text of this part is this year's account, so the figures it states for table items
    /// are compared with the cells (D011); part 五 tells of problems and often of other years.
    pub states_this_years_figures: bool,
    /// The corner cell of this part's tables holds the form's note on their sums (part 三's
    /// 勾稽关系), not the header of the row labels.
    pub corner_is_note: bool,
}

impl Part {
    /// The leading numeral with its mark, e.g. 「一、」.
    pub(crate) fn numeral(&self) -> &'static str {
        let end = self
            .heading
            .find('、')
            .map(|i| i + '、'.len_utf8())
            .unwrap_or(0);
        &self.heading[..end]
    }

    /// An id for anchors and file names: `part1` … `part6`.
    pub(crate) fn anchor(&self) -> String {
        format!("part{}", self.number)
    }
}

/// The six parts, the same in both templates, in the official order.
pub(crate) const PARTS: [Part; 6] = [
    Part {
        number: 1,
        heading: "一、总体情况",
        kind: PartKind::Prose,
        guidance: "（填写说明：概述本年度贯彻落实《中华人民共和国政府信息公开条例》的情况，一般分为主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障五个方面。）",
        extra_rows: false,
        states_this_years_figures: true,
        corner_is_note: false,
    },
    Part {
        number: 2,
        heading: "二、主动公开政府信息情况",
        kind: PartKind::Tables,
        guidance: "",
        extra_rows: true,
        states_this_years_figures: true,
        corner_is_note: false,
    },
    Part {
        number: 3,
        heading: "三、收到和处理政府信息公开申请情况",
        kind: PartKind::Tables,
        guidance: "",
        extra_rows: false,
        states_this_years_figures: true,
        corner_is_note: true,
    },
    Part {
        number: 4,
        heading: "四、政府信息公开行政复议、行政诉讼情况",
        kind: PartKind::Tables,
        guidance: "",
        extra_rows: false,
        states_this_years_figures: true,
        corner_is_note: false,
    },
    Part {
        number: 5,
        heading: "五、存在的主要问题及改进情况",
        kind: PartKind::Prose,
        guidance: "（填写说明：如实说明上一年度年报所提问题的整改情况，以及本年度发现的主要问题和改进措施。）",
        extra_rows: false,
        states_this_years_figures: false,
        corner_is_note: false,
    },
    Part {
        number: 6,
        heading: "六、其他需要报告的事项",
        kind: PartKind::Prose,
        guidance: "（填写说明：说明其他需要报告的事项；2021年格式须写明信息处理费情况：发出收费通知的件数和总金额，以及实际收取的总金额。）",
        extra_rows: false,
        states_this_years_figures: true,
        corner_is_note: false,
    },
];

/// The prefix that marks scaffold guidance left in report.md.
pub(crate) const GUIDANCE_PREFIX: &str = "（填写说明：";

pub(crate) fn part(number: u8) -> &'static Part {
    &PARTS[usize::from(number.clamp(1, 6)) - 1]
}
