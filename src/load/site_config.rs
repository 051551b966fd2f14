//! site.yaml: title, base URL, theme, footer and settings.

use super::*;

pub(super) fn load_site_config(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> SiteConfig {
    let path = root.join("content/site.yaml");
    let shown = relative(root, &path);
    let mut config = SiteConfig {
        title: "政府信息公开工作年度报告".to_string(),
        language: "zh-CN".to_string(),
        theme: "default".to_string(),
        change_marks: true,
        search: true,
        footer: Footer {
            generator: true,
            ..Footer::default()
        },
        ..SiteConfig::default()
    };
    let Some((source, node)) = read_yaml(root, &path, diagnostics) else {
        return config;
    };
    let mut f = Fields::new(&shown, &source, diagnostics);
    let map = node.as_map().unwrap_or_default();
    f.unknown_keys(
        map,
        &[
            "title", "base_url", "language", "theme", "footer", "settings", "groups",
        ],
        "",
        "site.yaml",
    );
    if let Some(title) = f.string(&node, "title", "", "网站标题", true) {
        config.title = title;
    }
    config.base_url = f
        .string(&node, "base_url", "", "网站地址", false)
        .and_then(|url| match base_url_problem(&url) {
            None => Some(url),
            Some(problem) => {
                let pos = get(&node, "base_url").map(|n| n.pos).unwrap_or(node.pos);
                let d = f
                    .diag(Code::L016, pos)
                    .message(format!("网站地址（base_url）{problem}"))
                    .path("base_url")
                    .found(url)
                    .expected("如 https://www.example.gov.cn/zwgk/ndbg/，或以 / 开头的路径");
                f.push(d);
                None
            }
        });
    if let Some(language) = f.string(&node, "language", "", "语言", false) {
        config.language = language;
    }
    if let Some(theme) = f.string(&node, "theme", "", "主题", false) {
        config.theme = theme;
    }
    if let Some(footer) = get(&node, "footer").filter(|n| !n.is_null()) {
        if let Some(entries) = footer.as_map() {
            f.unknown_keys(
                entries,
                &[
                    "sponsor",
                    "site_code",
                    "icp",
                    "police_record",
                    "contact",
                    "generator",
                ],
                "footer",
                "网站页脚",
            );
            config.footer = Footer {
                sponsor: f.string(footer, "sponsor", "footer", "主办单位", false),
                site_code: f.string(footer, "site_code", "footer", "网站标识码", false),
                icp: f.string(footer, "icp", "footer", "ICP备案号", false),
                police_record: f.string(footer, "police_record", "footer", "公安机关备案号", false),
                contact: f.string(footer, "contact", "footer", "联系方式", false),
                generator: f.boolean(footer, "generator", "footer").unwrap_or(true),
            };
        } else {
            let d = f
                .diag(Code::L014, footer.pos)
                .message("footer 下应再缩进一层，写 sponsor、site_code 等")
                .path("footer");
            f.push(d);
        }
    }
    config.groups = super::groups::read_groups(&mut f, &node);
    config.groups_pos = get(&node, "groups").map(|n| n.pos);
    if let Some(settings) = get(&node, "settings").filter(|n| !n.is_null())
        && let Some(entries) = settings.as_map()
    {
        f.unknown_keys(
            entries,
            &["allow_html", "change_marks", "search"],
            "settings",
            "网站设置",
        );
        config.allow_html = f
            .boolean(settings, "allow_html", "settings")
            .unwrap_or(false);
        config.change_marks = f
            .boolean(settings, "change_marks", "settings")
            .unwrap_or(true);
        config.search = f.boolean(settings, "search", "settings").unwrap_or(true);
    }
    config
}

/// The one rule for the site's address (site.yaml's `base_url`, `build --base-url`): a full
/// http:// or https:// address, or a path beginning with `/`; no spaces, quotes or angle brackets.
/// Anything else (`javascript:`, `file:`, a bare word) would end up in links. `None` when valid.
pub fn base_url_problem(url: &str) -> Option<&'static str> {
    let bad_char = url.chars().any(|c| {
        c.is_whitespace()
            || is_forbidden_char(c)
            || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
    });
    if bad_char {
        return Some("中不能有空格、引号、尖括号或控制字符");
    }
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match host {
        Some(rest) if rest.split('/').next().is_some_and(|h| !h.is_empty()) => None,
        Some(_) => Some("缺少域名"),
        None if url.starts_with('/') && !url.starts_with("//") => None,
        None => Some("只能是以 http:// 或 https:// 开头的完整网址，或以 / 开头的路径"),
    }
}

pub(super) fn is_slug(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}
