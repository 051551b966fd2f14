//! The data downloads of a build agree with each other: every value of a year's data.json is the
//! value the agency's all-years data.json gives for that cell and year, for agencies whose years
//! have the same formats (their cell list is made once and shared) and for one with two formats.

mod common;

use common::Site;
use serde_json::Value;

fn json(site: &Site, rel: &str) -> Value {
    serde_json::from_str(&site.read(&format!("output/{rel}"))).unwrap()
}

#[test]
fn all_years_files_repeat_each_years_values_for_every_agency() {
    let site = Site::fixture("portal");
    // 示例镇 and 某某 report the same years in the same format; make one of their figures differ.
    site.replace(
        "content/shilizhen/2022/data.yaml",
        "    licensing: 0 ",
        "    licensing: 7 ",
    );
    site.build_ok(&[]);
    let mut licensing = Vec::new();
    for agency in ["moumou", "shilizhen", "shili"] {
        let all = json(&site, &format!("{agency}/data.json"));
        let years = common::json_years(&all);
        let cells = all["cells"].as_object().unwrap();
        assert!(
            cells
                .values()
                .all(|c| c["values"].as_array().unwrap().len() == years.len())
        );
        let csv = site.read(&format!("output/{agency}/data.csv"));
        assert_eq!(csv.lines().count(), cells.len() + 1, "{agency}");
        let mut compared = 0;
        for (k, year) in years.iter().enumerate() {
            let one = json(&site, &format!("{agency}/{year}/data.json"));
            for (id, value) in common::json_cells(&one) {
                assert_eq!(
                    cells[&id]["values"][k],
                    Value::from(value.as_str()),
                    "{agency} {year} {id}"
                );
                compared += 1;
                if id == "proactive.item5.licensing.decisions" && *year == 2022 {
                    licensing.push((agency, Value::from(value)));
                }
            }
        }
        assert!(compared > 100, "{agency}: {compared} values compared");
    }
    assert_eq!(
        licensing,
        [
            ("moumou", Value::from("0")),
            ("shilizhen", Value::from("7")),
            ("shili", Value::from("0")),
        ]
    );
}
