//! Themes fall back file by file to the built-in theme: a site may add one static file, override one
//! template in a theme of its own or in templates/, and keeps every other file of the built-in
//! theme (README「主题与模板」).

mod common;

use common::Site;

fn build(site: &Site) {
    let out = site.run(&["build"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The built-in stylesheet, as the plain fixture gets it.
fn builtin_css() -> Vec<u8> {
    std::fs::read(common::repo().join("themes/default/static/style.css")).unwrap()
}

#[test]
fn one_added_static_file_keeps_the_built_in_theme() {
    let plain = Site::fixture("valid");
    build(&plain);
    let site = Site::fixture("valid");
    site.write("themes/default/static/extra.css", "body { color: #123; }\n");
    build(&site);
    assert_eq!(
        site.read("output/static/extra.css"),
        "body { color: #123; }\n"
    );
    assert_eq!(
        std::fs::read(site.path("output/static/style.css")).unwrap(),
        builtin_css()
    );
    // Every page is the built-in one.
    for page in ["index.html", "404.html"] {
        assert_eq!(
            site.read(&format!("output/{page}")),
            plain.read(&format!("output/{page}"))
        );
    }
}

#[test]
fn a_theme_of_one_template_takes_the_rest_from_the_built_in_theme() {
    let plain = Site::fixture("valid");
    build(&plain);
    let site = Site::fixture("valid");
    site.write(
        "themes/plain/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>本主题的404页</p>{% endblock %}",
    );
    site.write("themes/plain/static/style.css", "/* plain */\n");
    site.replace("content/site.yaml", "theme: default", "theme: plain");
    build(&site);
    assert!(
        site.read("output/404.html")
            .contains("<p>本主题的404页</p>")
    );
    // The theme's own stylesheet replaces the built-in one; the other pages are built-in.
    assert_eq!(site.read("output/static/style.css"), "/* plain */\n");
    assert_eq!(
        site.read("output/index.html"),
        plain.read("output/index.html")
    );
}

#[test]
fn a_site_template_overrides_one_page_only() {
    let plain = Site::fixture("valid");
    build(&plain);
    let site = Site::fixture("valid");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>找不到这一页</p>{% endblock %}",
    );
    build(&site);
    assert!(site.read("output/404.html").contains("<p>找不到这一页</p>"));
    assert_eq!(
        site.read("output/index.html"),
        plain.read("output/index.html")
    );
    assert_eq!(
        std::fs::read(site.path("output/static/style.css")).unwrap(),
        builtin_css()
    );
}

#[test]
fn a_theme_that_is_not_there_is_named() {
    let site = Site::fixture("valid");
    site.replace("content/site.yaml", "theme: default", "theme: 不存在的主题");
    let out = site.run(&["build"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a missing theme stops the build"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("找不到主题 不存在的主题"), "{stderr}");
}

#[test]
fn the_feed_and_the_sitemap_are_templates_a_site_may_override() {
    let site = Site::fixture("valid");
    site.write(
        "templates/atom.xml",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{{ title | safe }}</title>{% for entry in entries %}<entry><id>{{ entry.id | safe }}</id></entry>{% endfor %}</feed>\n",
    );
    let out = site.run(&["build", "--base-url", "https://www.example.gov.cn/ndbg/"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let feed = site.read("output/atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    assert!(doc.descendants().any(|n| n.has_tag_name("entry")), "{feed}");
    assert!(
        !feed.contains("<author>"),
        "the site's own template: {feed}"
    );
    // The sitemap still comes from the built-in template.
    let sitemap = site.read("output/sitemap.xml");
    roxmltree::Document::parse(&sitemap).unwrap();
    assert!(
        sitemap.contains("<loc>https://www.example.gov.cn/ndbg/index.html</loc>"),
        "{sitemap}"
    );
}

#[test]
fn a_readme_in_templates_is_a_note_not_a_template() {
    let plain = Site::fixture("valid");
    build(&plain);
    let site = Site::fixture("valid");
    // The repository's own note, and one whose text would not parse as a template.
    site.write(
        "templates/README.md",
        std::fs::read(common::repo().join("templates/README.md")).unwrap(),
    );
    site.write(
        "themes/plain/templates/README.md",
        "{{ 没有结束的 {% 标记\n",
    );
    site.replace("content/site.yaml", "theme: default", "theme: plain");
    build(&site);
    assert_eq!(
        common::tree(&site.path("output")),
        common::tree(&plain.path("output"))
    );
}

/// The tables' rows, the prose and the metric rows reach a page through short stand-ins that
/// nianbao replaces after Tera (issue 15): a site template that moves, wraps and repeats them,
/// or tests them in `{% if %}`, gets the same HTML in its own places, and no stand-in is left.
#[test]
fn templates_that_move_the_tables_and_the_prose_get_their_html() {
    let plain = Site::fixture("valid");
    build(&plain);
    let site = Site::fixture("valid");
    site.write(
        "templates/year.html",
        "{% extends \"base.html\" %}{% block content %}<div id=\"own-preamble\">{{ preamble | safe }}</div>\
         {% for p in parts %}{% if p.html %}<div class=\"own-prose\">{{ p.html | safe }}</div>{% endif %}\
         {% for t in p.tables %}<table class=\"own\" id=\"own-{{ t.id }}\">{{ t.html | safe }}</table>\
         <table class=\"again\">{{ t.html | safe }}</table>{% endfor %}{% endfor %}{% endblock content %}",
    );
    site.write(
        "templates/compare.html",
        "{% extends \"base.html\" %}{% block content %}{% for t in tables %}<table class=\"own\">{{ t.html | safe }}</table>{% endfor %}{% endblock content %}",
    );
    site.write(
        "templates/metric.html",
        "{% extends \"base.html\" %}{% block content %}{% for s in metric.sections %}<table class=\"own\">{{ s.body | safe }}</table>{% endfor %}{% endblock content %}",
    );
    build(&site);
    let page = site.read("output/shili/2022/index.html");
    let builtin = plain.read("output/shili/2022/index.html");
    // The prose of part 一 before the tables, and the preamble in the template's own element.
    let prose = &page[page.find("<div class=\"own-prose\">").unwrap()..];
    assert!(
        prose.find("本年新收申请2件").unwrap() < prose.find("</div>").unwrap(),
        "{page}"
    );
    assert!(
        page.contains("<div id=\"own-preamble\"><p>本报告为测试用的虚构内容"),
        "{page}"
    );
    // Each table's rows exactly as the built-in theme prints them, twice: once in each wrapper.
    let start = builtin.find("<thead>").unwrap();
    let end = start + builtin[start..].find("</tbody>\n").unwrap() + "</tbody>\n".len();
    let rows = &builtin[start..end];
    assert_eq!(page.matches(rows).count(), 2, "{page}");
    assert!(page.contains(&format!("<table class=\"again\">{rows}</table>")));
    for file in [
        "shili/2022/index.html",
        "shili/2022/compare.html",
        "shili/metrics/requests.html",
    ] {
        let html = site.read(&format!("output/{file}"));
        assert!(!html.contains("nianbao-piece"), "{file}: {html}");
        assert!(html.contains("<table class=\"own\""), "{file}");
    }
    let compare = site.read("output/shili/2022/compare.html");
    let builtin = plain.read("output/shili/2022/compare.html");
    let table = builtin.find("<table class=\"compare-table\"").unwrap();
    let start = table + builtin[table..].find("<thead>").unwrap();
    let end = start + builtin[start..].find("</tbody>\n").unwrap() + "</tbody>\n".len();
    assert!(compare.contains(&builtin[start..end]));
    let metric = site.read("output/shili/metrics/requests.html");
    let builtin = plain.read("output/shili/metrics/requests.html");
    let start = builtin.find("<tbody>").unwrap() + "<tbody>".len();
    let end = builtin.find("</tbody>").unwrap();
    assert!(metric.contains(&format!(
        "<table class=\"own\">{}</table>",
        &builtin[start..end]
    )));
}
