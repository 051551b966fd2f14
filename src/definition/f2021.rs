//! The 2021 format, 国办公开办函〔2021〕30号: report years 2021 onward.

use super::*;

pub(super) fn template_2021() -> Template {
    let decisions = || vec![col("decisions", "本年处理决定数量")];
    let tables = vec![
        proactive_table(
            "proactive.item1",
            "第二十条第（一）项",
            vec![
                col("issued", "本年制发件数"),
                col("repealed", "本年废止件数"),
                col("in_force", "现行有效件数"),
            ],
            vec![
                leaf("rules", "规章"),
                leaf("normative_documents", "行政规范性文件"),
            ],
        ),
        proactive_table(
            "proactive.item5",
            "第二十条第（五）项",
            decisions(),
            vec![leaf("licensing", "行政许可")],
        ),
        proactive_table(
            "proactive.item6",
            "第二十条第（六）项",
            decisions(),
            vec![leaf("penalties", "行政处罚"), leaf("coercion", "行政强制")],
        ),
        proactive_table(
            "proactive.item8",
            "第二十条第（八）项",
            vec![col_kind(
                "amount",
                "本年收费金额（单位：万元）",
                CellKind::Money(Unit::TenThousandYuan),
            )],
            vec![leaf("fees", "行政事业性收费")],
        ),
        requests_table(RowSpec::Group {
            key: "other_handling",
            label: "（六）其他处理",
            children: vec![
                (
                    "no_correction",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                ),
                (
                    "unpaid_fee",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                ),
                ("other", "3.其他"),
            ],
            mergeable: Some(Code::F001),
        }),
        review_table(),
        fees_table(),
    ];
    let year_rules = vec![
        carry_rule(),
        YearRule::Stock {
            code: Code::Y003,
            table: "proactive.item1",
            stock: "in_force",
            inflow: "issued",
            outflow: "repealed",
        },
    ];
    make_template(
        TemplateId::F2021,
        "2021年版",
        "国办公开办函〔2021〕30号",
        2021,
        true,
        tables,
        common_table_rules(),
        year_rules,
    )
}
