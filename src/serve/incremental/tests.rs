//! The incremental preview against full builds: after each change, the files (and warnings) are
//! byte for byte those of a full build of the same content.

use super::*;

fn fixture() -> tempfile::TempDir {
    fixture_named("portal")
}

/// Copies the folder `from` to `to`.
fn copy(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let to = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

fn fixture_named(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    copy(&from, dir.path());
    // With an absolute address, so that sitemap.xml is made too.
    let config = dir.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen(
        "base_url: ~",
        "base_url: https://www.example.gov.cn/ndbg/",
        1,
    );
    assert!(text.contains("example.gov.cn"));
    std::fs::write(&config, text).unwrap();
    dir
}

/// Every file of a build, by path.
fn all(rendered: &Rendered) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::iter::once(&rendered.site)
        .chain(rendered.agencies.values())
        .flat_map(|f| f.files.iter().map(|(p, b)| (p.clone(), b.clone())))
        .collect()
}

fn fresh(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut preview = Preview::new(root, "/", &[]);
    all(&preview.update(&Change::everything()).unwrap().0)
}

/// The warnings of a build, as the panel lists them.
fn warnings(rendered: &Rendered) -> Vec<String> {
    rendered.warnings.iter().map(|d| d.render()).collect()
}

fn fresh_warnings(root: &Path) -> Vec<String> {
    let mut preview = Preview::new(root, "/", &[]);
    warnings(&preview.update(&Change::everything()).unwrap().0)
}

fn change(root: &Path, paths: &[&str]) -> Change {
    let mut change = Change::default();
    for path in paths {
        change.add(root, &root.join(path));
    }
    change
}

#[test]
fn paths_to_changes() {
    let root = Path::new("/site");
    assert_eq!(
        change(root, &["content/shili/2021/data.yaml", "content/mouzhen"]).agencies,
        BTreeSet::from(["shili".to_string(), "mouzhen".to_string()])
    );
    for path in [
        "content/site.yaml",
        "content",
        "templates/year.html",
        "themes/x/a.css",
    ] {
        assert!(change(root, &[path]).all, "{path}");
    }
}

#[test]
fn events_under_a_relative_root() {
    use notify::event::{DataChange, ModifyKind};
    let modify = EventKind::Modify(ModifyKind::Data(DataChange::Content));
    let absolute = Path::new("/home/clerk/site");
    let mut change = Change::default();
    let edited = absolute.join("content/shili/2021/report.md");
    super::super::add_event(&mut change, &modify, &[edited], Path::new("."), absolute);
    assert_eq!(change.agencies, BTreeSet::from(["shili".to_string()]));
    assert!(!change.all);
    // The build output and editor files ask for nothing.
    let mut nothing = Change::default();
    for path in ["output/index.html", "content/shili/2021/.report.md.swp"] {
        let path = absolute.join(path);
        super::super::add_event(&mut nothing, &modify, &[path], Path::new("."), absolute);
    }
    assert!(nothing.is_empty(), "{nothing:?}");
}

#[test]
fn a_change_in_one_agency_gives_what_a_full_build_gives() {
    let dir = fixture();
    let root = dir.path();
    let mut preview = Preview::new(root, "/", &[]);
    let first = preview.update(&Change::everything()).unwrap().0;
    assert_eq!(all(&first), fresh(root));
    assert!(first.get("sitemap.xml").is_some());

    // A new figure in one year: its agency's pages, the front page and the feed follow.
    let data = root.join("content/shilizhen/2022/data.yaml");
    let text = std::fs::read_to_string(&data).unwrap();
    std::fs::write(
        &data,
        text.replacen("published: ", "published: 2023-03-01 #", 1),
    )
    .unwrap();
    let next = preview
        .update(&change(root, &["content/shilizhen/2022/data.yaml"]))
        .unwrap()
        .0;
    assert_eq!(all(&next), fresh(root));
    // The other agencies' files are the same allocation, not copies.
    assert!(Arc::ptr_eq(
        &first.agencies["moumou"],
        &next.agencies["moumou"]
    ));
    assert!(!Arc::ptr_eq(
        &first.agencies["shilizhen"],
        &next.agencies["shilizhen"]
    ));

    // An agency removed, then added back.
    let moved = root.join("moved");
    std::fs::rename(root.join("content/mouzhen"), &moved).unwrap();
    let gone = preview
        .update(&change(root, &["content/mouzhen"]))
        .unwrap()
        .0;
    assert_eq!(all(&gone), fresh(root));
    assert!(gone.get("mouzhen/index.html").is_none());
    std::fs::rename(&moved, root.join("content/mouzhen")).unwrap();
    let back = preview
        .update(&change(root, &["content/mouzhen"]))
        .unwrap()
        .0;
    assert_eq!(all(&back), fresh(root));
}

#[test]
fn agencies_added_and_removed_are_grouped_as_a_full_build_groups_them() {
    let dir = fixture_named("district");
    let root = dir.path();
    // site.yaml lists a street office whose folder does not exist yet.
    let config = root.join("content/site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replacen("      - shili\n", "      - shili\n      - xinjie\n", 1)
        .replacen(
            "base_url: ~",
            "base_url: https://www.example.gov.cn/ndbg/",
            1,
        );
    assert!(text.contains("xinjie") && text.contains("example.gov.cn"));
    std::fs::write(&config, text).unwrap();
    let mut preview = Preview::new(root, "/", &[]);
    let first = preview.update(&Change::everything()).unwrap().0;
    assert_eq!(all(&first), fresh(root));
    let grouping = |w: &&String, name: &str| w.contains("L023") && w.contains(name);
    assert!(warnings(&first).iter().any(|w| grouping(&w, "xinjie")));

    // The folder appears: listed in 街道办事处 at once, on every page that lists agencies.
    let rename = |from: &str, to: &str| {
        let yaml = root.join("content").join(to).join("agency.yaml");
        let text = std::fs::read_to_string(&yaml).unwrap();
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name: "))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap()
            .to_string();
        assert!(name.contains(from), "{name}");
        let renamed = name.replace(from, "新街");
        std::fs::write(&yaml, text.replace(&name, &renamed)).unwrap();
        renamed
    };
    copy(&root.join("content/shili"), &root.join("content/xinjie"));
    let name = rename("示例", "xinjie");
    let added = preview
        .update(&change(root, &["content/xinjie/agency.yaml"]))
        .unwrap()
        .0;
    assert_eq!(all(&added), fresh(root));
    assert_eq!(warnings(&added), fresh_warnings(root));
    assert!(!warnings(&added).iter().any(|w| grouping(&w, "xinjie")));
    let front = String::from_utf8(added.get("index.html").unwrap().to_vec()).unwrap();
    let street = front.find("街道办事处</h2>").unwrap();
    let town = front.find("镇人民政府</h2>").unwrap();
    let at = front.find(&name).unwrap();
    assert!(street < at && at < town, "{name} in the street offices");

    // An agency renamed: its rows on the cross-agency and overview pages follow.
    let yaml = root.join("content/moumou/agency.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let before =
        String::from_utf8(added.get("across/requests.received.html").unwrap().to_vec()).unwrap();
    assert!(before.contains("某某局"), "{before}");
    std::fs::write(&yaml, text.replace("某某局", "某某管理局")).unwrap();
    let renamed = preview
        .update(&change(root, &["content/moumou/agency.yaml"]))
        .unwrap()
        .0;
    assert_eq!(all(&renamed), fresh(root));
    for page in [
        "across/requests.received.html",
        "overview/2022.html",
        "index.html",
    ] {
        let html = String::from_utf8(renamed.get(page).unwrap().to_vec()).unwrap();
        assert!(html.contains("某某管理局"), "{page}");
    }
    std::fs::write(&yaml, text).unwrap();
    preview
        .update(&change(root, &["content/moumou/agency.yaml"]))
        .unwrap();

    // One in no group: listed under 其他机关, with site.yaml's warning.
    copy(&root.join("content/mouzhen"), &root.join("content/linzhen"));
    let added = preview
        .update(&change(root, &["content/linzhen"]))
        .unwrap()
        .0;
    assert_eq!(all(&added), fresh(root));
    assert_eq!(warnings(&added), fresh_warnings(root));
    assert!(warnings(&added).iter().any(|w| grouping(&w, "linzhen")));

    // Both removed again.
    for name in ["xinjie", "linzhen"] {
        std::fs::remove_dir_all(root.join("content").join(name)).unwrap();
    }
    let gone = preview
        .update(&change(root, &["content/xinjie", "content/linzhen"]))
        .unwrap()
        .0;
    assert_eq!(all(&gone), fresh(root));
    assert_eq!(warnings(&gone), fresh_warnings(root));
    assert_eq!(all(&gone), all(&first));
}

#[test]
fn an_error_elsewhere_holds_back_the_next_change_until_fixed() {
    let dir = fixture();
    let root = dir.path();
    let mut preview = Preview::new(root, "/", &[]);
    preview.update(&Change::everything()).unwrap();
    let broken = root.join("content/shili/2021/data.yaml");
    let good = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(&broken, good.replacen("received: [", "received: [9", 1)).unwrap();
    let problems = preview
        .update(&change(root, &["content/shili/2021/data.yaml"]))
        .unwrap_err();
    assert!(!problems.is_empty());
    // Another agency changes while shili is broken: still no build, as a full one would.
    let report = root.join("content/moumou/2022/report.md");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{text}\n补充说明一句。\n")).unwrap();
    assert!(
        preview
            .update(&change(root, &["content/moumou/2022/report.md"]))
            .is_err()
    );
    // Fixed: both changes are in.
    std::fs::write(&broken, good).unwrap();
    let fixed = preview
        .update(&change(root, &["content/shili/2021/data.yaml"]))
        .unwrap()
        .0;
    assert_eq!(all(&fixed), fresh(root));
}
