//! The tables both templates share or vary slightly: parts 二, 三, 四 and the fee figures.

use super::*;

pub(super) fn col(key: &'static str, label: &'static str) -> Column {
    Column {
        key,
        label,
        header: Vec::new(),
        kind: CellKind::Count,
        optional_total: false,
    }
}

pub(super) fn col_kind(key: &'static str, label: &'static str, kind: CellKind) -> Column {
    Column {
        kind,
        ..col(key, label)
    }
}

pub(super) fn leaf(key: &'static str, label: &'static str) -> RowSpec {
    RowSpec::Leaf(key, label, None)
}

/// The caption of a part 二 sub-table and its corner label.
pub(super) const ITEM_CORNER: &str = "信息内容";

pub(super) fn proactive_table(
    key: &'static str,
    caption: &'static str,
    columns: Vec<Column>,
    rows: Vec<RowSpec>,
) -> Table {
    build_table(
        key,
        2,
        caption,
        ITEM_CORNER,
        columns,
        rows,
        Layout::Rows,
        Vec::new(),
    )
}

/// The note printed in the top-left header cell of part 三 (both templates).
pub(crate) const REQUESTS_NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

pub(super) fn requests_table(other_handling: RowSpec) -> Table {
    let applicant = "申请人情况";
    let organisation = "法人或其他组织";
    let mut columns = vec![
        Column {
            header: vec![applicant],
            ..col("natural_person", "自然人")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("business", "商业企业")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("research", "科研机构")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("public_interest", "社会公益组织")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("legal_services", "法律服务机构")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("other", "其他")
        },
        Column {
            header: vec![applicant],
            ..col("total", "总计")
        },
    ];
    columns[6].optional_total = true;
    let rows = vec![
        leaf("received", "一、本年新收政府信息公开申请数量"),
        leaf("carried_in", "二、上年结转政府信息公开申请数量"),
        RowSpec::Heading(
            "三、本年度办理结果",
            vec![
                leaf("granted", "（一）予以公开"),
                leaf(
                    "partly_granted",
                    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                ),
                RowSpec::Group {
                    key: "withheld",
                    label: "（三）不予公开",
                    children: vec![
                        ("state_secret", "1.属于国家秘密"),
                        ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
                        ("three_securities", "3.危及“三安全一稳定”"),
                        ("third_party", "4.保护第三方合法权益"),
                        ("internal_affairs", "5.属于三类内部事务信息"),
                        ("process_information", "6.属于四类过程性信息"),
                        ("enforcement_files", "7.属于行政执法案卷"),
                        ("query_matters", "8.属于行政查询事项"),
                    ],
                    mergeable: None,
                },
                RowSpec::Group {
                    key: "unavailable",
                    label: "（四）无法提供",
                    children: vec![
                        ("not_held", "1.本机关不掌握相关政府信息"),
                        ("needs_creation", "2.没有现成信息需要另行制作"),
                        ("still_unclear", "3.补正后申请内容仍不明确"),
                    ],
                    mergeable: None,
                },
                RowSpec::Group {
                    key: "not_handled",
                    label: "（五）不予处理",
                    children: vec![
                        ("petition", "1.信访举报投诉类申请"),
                        ("repeated", "2.重复申请"),
                        ("publications", "3.要求提供公开出版物"),
                        ("excessive", "4.无正当理由大量反复申请"),
                        ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
                    ],
                    mergeable: None,
                },
                other_handling,
                leaf("total", "（七）总计"),
            ],
        ),
        leaf("carried_over", "四、结转下年度继续办理"),
    ];
    build_table(
        "requests",
        3,
        PARTS[2].heading,
        REQUESTS_NOTE,
        columns,
        rows,
        Layout::Rows,
        Vec::new(),
    )
}

pub(super) fn review_table() -> Table {
    let columns = vec![
        col("upheld", "结果维持"),
        col("corrected", "结果纠正"),
        col("other", "其他结果"),
        col("pending", "尚未审结"),
        Column {
            optional_total: true,
            ..col("total", "总计")
        },
    ];
    let rows = vec![
        leaf("reconsideration", "行政复议"),
        RowSpec::Heading(
            "行政诉讼",
            vec![
                leaf("litigation_direct", "未经复议直接起诉"),
                leaf("litigation_after_reconsideration", "复议后起诉"),
            ],
        ),
    ];
    build_table(
        "review",
        4,
        PARTS[3].heading,
        "",
        columns,
        rows,
        Layout::GroupsAcross,
        Vec::new(),
    )
}

pub(super) fn fees_table() -> Table {
    let money = Some(CellKind::Money(Unit::Yuan));
    build_table(
        "fees",
        6,
        "信息处理费",
        "项目",
        vec![col("value", "本年度")],
        vec![
            leaf("notices", "发出收费通知的件数"),
            RowSpec::Leaf("notice_amount", "发出收费通知的总金额（单位：元）", money),
            RowSpec::Leaf("collected", "实际收取的总金额（单位：元）", money),
        ],
        Layout::Rows,
        Vec::new(),
    )
}

/// The in-year rules shared by both templates.
pub(super) fn common_table_rules() -> Vec<TableRule> {
    vec![
        TableRule::ColumnBalance {
            code: Code::T001,
            table: "requests",
            lhs: vec!["received", "carried_in"],
            rhs: vec!["total", "carried_over"],
        },
        TableRule::RowTotal {
            code: Code::T002,
            table: "requests",
            total: "total",
        },
        TableRule::ColumnTotal {
            code: Code::T003,
            table: "requests",
            total: "total",
            groups: vec![
                "granted",
                "partly_granted",
                "withheld",
                "unavailable",
                "not_handled",
                "other_handling",
            ],
        },
        TableRule::RowTotal {
            code: Code::T004,
            table: "review",
            total: "total",
        },
    ]
}

pub(super) fn carry_rule() -> YearRule {
    YearRule::CarryRow {
        code: Code::Y001,
        table: "requests",
        from: "carried_over",
        to: "carried_in",
    }
}
