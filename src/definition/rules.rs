//! What the template's own rules mean when a report breaks them: the in-year identities of the
//! tables (T), the rules across consecutive years (Y), the 2021 split of a mergeable group (F),
//! the parts of the report and the template a year takes (D). Each entry gives the check code its
//! severity, official wording and hint; the rules themselves are in tables.rs, f2019.rs,
//! f2021.rs and parts.rs. The other codes are registered in codes.rs.

use crate::codes::{Code, CodeInfo, Severity, code};

use super::{REPORT_YEARS, TemplateId};

use Severity::Error as E;
use Severity::Warning as W;

/// The codes of the template's rules, in the order of README's table.
pub(crate) const RULE_CODES: &[CodeInfo] = &[
    code(
        Code::F001,
        E,
        true,
        "（六）其他处理未按2021年格式拆分为三项",
        "2021年格式把（六）其他处理分为三项分别填报；已发布的报告印为一行的，登记为已确认的问题。",
    ),
    code(
        Code::T001,
        E,
        true,
        "第三部分勾稽关系不成立：第一项加第二项之和应等于第三项加第四项之和",
        "上年结转和本年新收的申请，须在本年办结（计入“三、本年度办理结果”）或结转下年度（计入“四、结转下年度继续办理”）。",
    ),
    code(
        Code::T002,
        E,
        true,
        "第三部分该行总计不等于各类申请人之和",
        "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他。总计一列也可以不写，由 nianbao 计算。",
    ),
    code(
        Code::T003,
        E,
        true,
        "第三部分（七）总计不等于各项办理结果之和",
        "（七）总计 =（一）+（二）+（三）至（六）各小项之和。",
    ),
    code(
        Code::T004,
        E,
        true,
        "第四部分总计不等于各结果之和",
        "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。总计也可以不写，由 nianbao 计算。",
    ),
    code(
        Code::Y001,
        E,
        true,
        "上年结转与上一年度的结转下年度不一致",
        "本年“二、上年结转政府信息公开申请数量”应逐列等于上一年度的“四、结转下年度继续办理”。",
    ),
    code(
        Code::Y002,
        E,
        true,
        "上一年项目数量与上一年度数据不衔接",
        "2019年格式：本年的上一年项目数量 = 上一年度的上一年项目数量 + 上一年度的本年增/减。",
    ),
    code(
        Code::Y003,
        W,
        true,
        "现行有效件数与上一年度数据不衔接",
        "2021年格式：现行有效件数 ≈ 上年现行有效件数 + 本年制发件数 − 本年废止件数；修订、自然失效会造成差异，差异属实时可在正文中说明。",
    ),
    code(
        Code::D001,
        E,
        true,
        "正文标题与官方格式不符",
        "各部分标题须与官方格式完全一致，如「五、存在的主要问题及改进情况」。",
    ),
    code(
        Code::D002,
        E,
        true,
        "正文各部分顺序不对或重复",
        "各部分按 一 至 六 的顺序各出现一次。",
    ),
    code(
        Code::D003,
        E,
        true,
        "正文缺少必需的部分",
        "report.md 须有「一、总体情况」「五、存在的主要问题及改进情况」「六、其他需要报告的事项」三部分。",
    ),
    code(
        Code::D005,
        E,
        true,
        "声明的年报格式与报告年度不符",
        "2019、2020年度使用2019年格式，2021年度起使用2021年格式。",
    ),
];

/// The report years each template takes, as a clerk reads them: 「2019、2020 年度用2019年格式，以后用2021年格式」.
pub(crate) fn years_of_templates() -> String {
    let mut parts = Vec::new();
    for (i, t) in TemplateId::ALL.iter().enumerate() {
        let first = t.get().first_year.max(*REPORT_YEARS.start());
        match TemplateId::ALL.get(i + 1) {
            Some(next) => {
                let years: Vec<String> = (first..next.get().first_year)
                    .map(|y| y.to_string())
                    .collect();
                parts.push(format!("{} 年度用{}年格式", years.join("、"), t.key()));
            }
            None => parts.push(format!("以后用{}年格式", t.key())),
        }
    }
    parts.join("，")
}

/// What a form expects of a mergeable group printed as one row: 「按2021年格式分为三项」.
pub(crate) fn split_expected(template: TemplateId, items: usize) -> String {
    const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let count = match items.checked_sub(1).and_then(|i| NUMERALS.get(i)) {
        Some(numeral) => (*numeral).to_string(),
        None => items.to_string(),
    };
    format!("按{}年格式分为{count}项", template.key())
}

/// The template keys data.yaml may declare, as a clerk reads them: 「2019 或 2021」.
pub(crate) fn template_keys() -> String {
    let keys: Vec<&str> = TemplateId::ALL.iter().map(|t| t.key()).collect();
    keys.join(" 或 ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::{PARTS, PartKind};

    /// The parts report.md must contain, as D003's hint names them: 「一、总体情况」「五、…」「六、…」.
    fn prose_parts() -> String {
        PARTS
            .iter()
            .filter(|p| p.kind == PartKind::Prose)
            .map(|p| format!("「{}」", p.heading))
            .collect()
    }

    fn hint(code: Code) -> &'static str {
        RULE_CODES.iter().find(|c| c.code == code).unwrap().hint
    }

    #[test]
    fn the_year_ranges_in_the_texts_are_those_of_the_definitions() {
        assert_eq!(
            years_of_templates(),
            "2019、2020 年度用2019年格式，以后用2021年格式"
        );
        // D005's hint says the same in its own words: the years before each next template's
        // first year, then the last template's first year onward.
        let mut expected = String::new();
        for pair in TemplateId::ALL.windows(2) {
            let years: Vec<String> = (pair[0].get().first_year..pair[1].get().first_year)
                .map(|y| y.to_string())
                .collect();
            expected.push_str(&format!(
                "{}年度使用{}年格式，",
                years.join("、"),
                pair[0].key()
            ));
        }
        let last = TemplateId::ALL[TemplateId::ALL.len() - 1];
        expected.push_str(&format!(
            "{}年度起使用{}年格式。",
            last.get().first_year,
            last.key()
        ));
        assert_eq!(hint(Code::D005), expected);
    }

    #[test]
    fn the_split_and_the_keys_read_as_before() {
        assert_eq!(split_expected(TemplateId::F2021, 3), "按2021年格式分为三项");
        assert_eq!(
            split_expected(TemplateId::F2021, 12),
            "按2021年格式分为12项"
        );
        assert_eq!(template_keys(), "2019 或 2021");
    }

    #[test]
    fn the_parts_named_in_the_texts_are_those_of_the_definition() {
        assert!(
            hint(Code::D003).contains(&prose_parts()),
            "{}",
            hint(Code::D003)
        );
    }

    #[test]
    fn the_earliest_report_year_in_the_texts_is_that_of_the_definitions() {
        let first = TemplateId::ALL[0].get().first_year;
        assert_eq!(first, *REPORT_YEARS.start());
        let l008 = crate::codes::GENERAL_CODES
            .iter()
            .find(|c| c.code == Code::L008)
            .unwrap();
        assert!(
            l008.hint.contains(&format!("不早于 {first}")),
            "{}",
            l008.hint
        );
    }
}
