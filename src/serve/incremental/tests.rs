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

type Tree = std::collections::BTreeMap<String, Vec<u8>>;

fn preview_with(root: &Path, budget: usize) -> Preview {
    Preview::new(root, "/", &[], Arc::new(Cache::new(budget)))
}

fn preview(root: &Path) -> Preview {
    preview_with(root, CACHE_BUDGET)
}

/// The model served.
fn model(preview: &Preview) -> Arc<Model> {
    preview.cache.model().expect("a good build")
}

/// A file as a request gets it: through `Cache::find`, as the HTTP handler asks.
fn get(preview: &Preview, path: &str) -> Option<Vec<u8>> {
    let files = preview.cache.find(&model(preview), path).unwrap()?;
    files.get(path).map(<[u8]>::to_vec)
}

/// What readers get now: every path of a full build of the same content asked for through
/// `get` (same bytes), and no other file in any unit. Returns the files.
fn served(preview: &Preview) -> Tree {
    let root = &preview.root;
    let fresh = fresh(root);
    for (path, bytes) in &fresh {
        assert!(
            get(preview, path).as_ref() == Some(bytes),
            "{path} differs from a full build"
        );
    }
    let everything = preview.cache.everything(&model(preview)).unwrap();
    assert_eq!(
        everything.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    everything
}

/// A full build of `root` into memory, as `build --drafts` renders (the search index left to
/// the background, as in serve).
fn fresh(root: &Path) -> Tree {
    let checked = crate::load_and_check_agencies(root, &[]).unwrap();
    let options = render::Options {
        not_found_root: Some("/".to_string()),
        drafts: true,
        defer_search: true,
        ..Default::default()
    };
    let out = Output::memory();
    render::render_site(root, &checked, &options, &out).unwrap();
    out.into_files().files
}

/// The warnings of the model served, as the panel lists them.
fn warnings(preview: &Preview) -> Vec<String> {
    model(preview).warnings.iter().map(|d| d.render()).collect()
}

fn fresh_warnings(root: &Path) -> Vec<String> {
    let mut preview = preview(root);
    preview.update(&Change::everything()).unwrap();
    warnings(&preview)
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

/// Adds a publication date to shilizhen's 2022 report: its pages and the site's change.
fn edit_shilizhen(preview: &mut Preview) {
    let root = preview.root.clone();
    let data = root.join("content/shilizhen/2022/data.yaml");
    let text = std::fs::read_to_string(&data).unwrap();
    std::fs::write(
        &data,
        text.replacen("published: ", "published: 2023-03-01 #", 1),
    )
    .unwrap();
    let updated = preview
        .update(&change(&root, &["content/shilizhen/2022/data.yaml"]))
        .unwrap()
        .0;
    assert_eq!(
        updated,
        Updated::Agencies(BTreeSet::from(["shilizhen".to_string()]))
    );
}

/// The files of an agency's unit as served now.
fn unit_files(preview: &Preview, slug: &str) -> Arc<Files> {
    let path = format!("{slug}/index.html");
    preview.cache.find(&model(preview), &path).unwrap().unwrap()
}

fn a_change_in_one_agency_with(budget: usize) {
    let dir = fixture();
    let root = dir.path();
    let mut preview = preview_with(root, budget);
    assert_eq!(
        preview.update(&Change::everything()).unwrap().0,
        Updated::All
    );
    assert!(served(&preview).contains_key("sitemap.xml"));
    let moumou = unit_files(&preview, "moumou");
    let shilizhen = unit_files(&preview, "shilizhen");

    // A new figure in one year: its agency's pages, the front page and the feed follow.
    edit_shilizhen(&mut preview);
    let before_any_request = preview.cache.kept();
    served(&preview);
    if budget == CACHE_BUDGET {
        // Nothing rendered before the first request: the changed agency's files dropped, the
        // other agencies' kept, the same allocation, not copies.
        let agencies = model(&preview).checked.site.agencies.len();
        assert_eq!(before_any_request.0, agencies - 1);
        assert!(Arc::ptr_eq(&moumou, &unit_files(&preview, "moumou")));
    }
    assert!(!Arc::ptr_eq(&shilizhen, &unit_files(&preview, "shilizhen")));

    // An agency removed, then added back.
    let moved = root.join("moved");
    std::fs::rename(root.join("content/mouzhen"), &moved).unwrap();
    preview.update(&change(root, &["content/mouzhen"])).unwrap();
    served(&preview);
    assert!(get(&preview, "mouzhen/index.html").is_none());
    std::fs::rename(&moved, root.join("content/mouzhen")).unwrap();
    preview.update(&change(root, &["content/mouzhen"])).unwrap();
    served(&preview);
}

#[test]
fn a_change_in_one_agency_gives_what_a_full_build_gives() {
    a_change_in_one_agency_with(CACHE_BUDGET);
}

/// With no room in the cache every unit is rendered on demand, sitemap.xml from the paths kept
/// and the changed agency rendered again for its own.
#[test]
fn units_rendered_on_demand_give_what_a_full_build_gives() {
    a_change_in_one_agency_with(0);
}

#[test]
fn an_agency_evicted_beyond_the_budget_is_rendered_again_the_same() {
    let dir = fixture();
    let root = dir.path();
    let mut preview = preview_with(root, 0);
    preview.update(&Change::everything()).unwrap();
    // Nothing kept after the first build: no room.
    assert_eq!(preview.cache.kept(), (0, 0));
    let first = unit_files(&preview, "moumou");
    assert_eq!(preview.cache.kept().0, 1);
    // Another agency asked for: the least recently used one goes.
    let other = unit_files(&preview, "shilizhen");
    assert_eq!(preview.cache.kept(), (1, size_of(&other)));
    let again = unit_files(&preview, "moumou");
    assert!(!Arc::ptr_eq(&first, &again), "rendered again");
    assert_eq!(first.files, again.files);
    assert_eq!(preview.cache.kept(), (1, size_of(&again)));

    // With room for both, both stay.
    let mut roomy = preview_with(root, CACHE_BUDGET);
    roomy.update(&Change::everything()).unwrap();
    let kept = roomy.cache.kept();
    let agencies = model(&roomy).checked.site.agencies.len();
    assert_eq!(kept.0, agencies, "{kept:?}");
}

fn size_of(files: &Files) -> usize {
    files.files.iter().map(|(p, b)| p.len() + b.len()).sum()
}

#[test]
fn a_render_of_an_older_model_is_not_served_after_a_save() {
    let dir = fixture();
    let root = dir.path();
    let mut preview = preview_with(root, 0);
    preview.update(&Change::everything()).unwrap();
    let old = model(&preview);
    let unit = super::super::cache::Unit::Agency("shilizhen".to_string());
    let page = "shilizhen/2022/index.html";
    // A request starts rendering shilizhen from the model served…
    let slot = preview.cache.slot(&old, &unit).unwrap();
    // …a save of shilizhen is published meanwhile…
    edit_shilizhen(&mut preview);
    // …the render finishes from the old model, for the request that started it.
    let stale = preview.cache.fill(&old, &unit, &slot).unwrap();
    let fresh = fresh(root);
    assert_ne!(stale.get(page), fresh.get(page).map(Vec::as_slice));
    // A request made now gets the new page, and the old model is refused.
    assert_eq!(get(&preview, page).as_ref(), fresh.get(page));
    assert!(matches!(
        preview.cache.find(&old, page),
        Err(super::super::cache::Failure::Stale)
    ));
    // The site's files of the old model are not rendered from the new model's pieces.
    assert!(matches!(
        preview.cache.find(&old, "index.html"),
        Err(super::super::cache::Failure::Stale)
    ));
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
    let mut preview = preview(root);
    preview.update(&Change::everything()).unwrap();
    let first = served(&preview);
    let grouping = |w: &&String, name: &str| w.contains("L023") && w.contains(name);
    assert!(warnings(&preview).iter().any(|w| grouping(&w, "xinjie")));

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
    preview
        .update(&change(root, &["content/xinjie/agency.yaml"]))
        .unwrap();
    served(&preview);
    assert_eq!(warnings(&preview), fresh_warnings(root));
    assert!(!warnings(&preview).iter().any(|w| grouping(&w, "xinjie")));
    let front = String::from_utf8(get(&preview, "index.html").unwrap()).unwrap();
    let street = front.find("街道办事处</h2>").unwrap();
    let town = front.find("镇人民政府</h2>").unwrap();
    let at = front.find(&name).unwrap();
    assert!(street < at && at < town, "{name} in the street offices");

    // An agency renamed: its rows on the cross-agency and overview pages follow.
    let yaml = root.join("content/moumou/agency.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let before =
        String::from_utf8(get(&preview, "across/requests.received.html").unwrap()).unwrap();
    assert!(before.contains("某某局"), "{before}");
    std::fs::write(&yaml, text.replace("某某局", "某某管理局")).unwrap();
    preview
        .update(&change(root, &["content/moumou/agency.yaml"]))
        .unwrap();
    served(&preview);
    for page in [
        "across/requests.received.html",
        "overview/2022.html",
        "index.html",
    ] {
        let html = String::from_utf8(get(&preview, page).unwrap()).unwrap();
        assert!(html.contains("某某管理局"), "{page}");
    }
    std::fs::write(&yaml, text).unwrap();
    preview
        .update(&change(root, &["content/moumou/agency.yaml"]))
        .unwrap();

    // One in no group: listed under 其他机关, with site.yaml's warning.
    copy(&root.join("content/mouzhen"), &root.join("content/linzhen"));
    preview.update(&change(root, &["content/linzhen"])).unwrap();
    served(&preview);
    assert_eq!(warnings(&preview), fresh_warnings(root));
    assert!(warnings(&preview).iter().any(|w| grouping(&w, "linzhen")));

    // Both removed again.
    for name in ["xinjie", "linzhen"] {
        std::fs::remove_dir_all(root.join("content").join(name)).unwrap();
    }
    preview
        .update(&change(root, &["content/xinjie", "content/linzhen"]))
        .unwrap();
    let gone = served(&preview);
    assert_eq!(warnings(&preview), fresh_warnings(root));
    assert_eq!(gone, first);
}

#[test]
fn an_error_elsewhere_holds_back_the_next_change_until_fixed() {
    let dir = fixture();
    let root = dir.path();
    let mut preview = preview_with(root, 0);
    preview.update(&Change::everything()).unwrap();
    let good_build = served(&preview);
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
    // Meanwhile the last good build is served, rendered on demand from its model.
    let last_good = model(&preview);
    assert_eq!(preview.cache.everything(&last_good).unwrap(), good_build);
    // Fixed: both changes are in.
    std::fs::write(&broken, good).unwrap();
    preview
        .update(&change(root, &["content/shili/2021/data.yaml"]))
        .unwrap();
    assert_ne!(served(&preview), good_build);
}
