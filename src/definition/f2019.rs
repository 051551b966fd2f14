//! The 2019 format (试行), 国办公开办函〔2019〕60号: report years 2019 and 2020.

use super::*;

pub(super) fn template_2019() -> Template {
    let item_count_columns = || {
        vec![
            col("prior_count", "上一年项目数量"),
            col_kind("change", "本年增/减", CellKind::SignedCount),
            col("decisions", "处理决定数量"),
        ]
    };
    let tables = vec![
        proactive_table(
            "proactive.item1",
            "第二十条第（一）项",
            vec![
                col("new_made", "本年新制作数量"),
                col("new_published", "本年新公开数量"),
                col("total_published", "对外公开总数量"),
            ],
            vec![
                leaf("rules", "规章"),
                leaf("normative_documents", "规范性文件"),
            ],
        ),
        proactive_table(
            "proactive.item5",
            "第二十条第（五）项",
            item_count_columns(),
            vec![
                leaf("licensing", "行政许可"),
                leaf("other_services", "其他对外管理服务事项"),
            ],
        ),
        proactive_table(
            "proactive.item6",
            "第二十条第（六）项",
            item_count_columns(),
            vec![leaf("penalties", "行政处罚"), leaf("coercion", "行政强制")],
        ),
        proactive_table(
            "proactive.item8",
            "第二十条第（八）项",
            vec![
                col("prior_count", "上一年项目数量"),
                col_kind("change", "本年增/减", CellKind::SignedCount),
            ],
            vec![leaf("fees", "行政事业性收费")],
        ),
        proactive_table(
            "proactive.item9",
            "第二十条第（九）项",
            vec![
                col("projects", "采购项目数量"),
                col_kind(
                    "amount",
                    "采购总金额",
                    CellKind::Money(Unit::TenThousandYuan),
                ),
            ],
            vec![leaf("procurement", "政府集中采购")],
        ),
        requests_table(leaf("other_handling", "（六）其他处理")),
        review_table(),
    ];
    let year_rules = vec![
        carry_rule(),
        YearRule::RollForward {
            code: Code::Y002,
            tables: vec!["proactive.item5", "proactive.item6", "proactive.item8"],
            column: "prior_count",
            plus: "change",
        },
    ];
    make_template(
        TemplateId::F2019,
        "2019年版（试行）",
        "国办公开办函〔2019〕60号",
        2019,
        false,
        tables,
        common_table_rules(),
        year_rules,
    )
}
