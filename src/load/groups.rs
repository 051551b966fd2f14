//! site.yaml's `groups`: the groups a portal lists its agencies in (区政府部门, 街道办事处…), in its
//! order, and the default when it names none (one group per agency kind).

use super::*;
use crate::model::{AgencyGroup, GroupConfig};

/// Reads `groups:` of site.yaml: a list of `{name, agencies: [folder names]}`.
pub(super) fn read_groups(f: &mut Fields<'_>, node: &Node) -> Vec<GroupConfig> {
    let Some(list) = get(node, "groups").filter(|n| !n.is_null()) else {
        return Vec::new();
    };
    let Some(items) = list.as_seq() else {
        let d = f
            .diag(Code::L014, list.pos)
            .message(format!(
                "机关分组（groups）应是一个列表，实际是{}",
                list.kind_name()
            ))
            .path("groups")
            .hint("每个分组一项：以“- name: 分组名称”开头，下一行写 agencies: [机关代号, …]。");
        f.push(d);
        return Vec::new();
    };
    let mut groups = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("groups[{i}]");
        if item.as_map().is_none() {
            let d = f
                .diag(Code::L014, item.pos)
                .message(format!(
                    "机关分组应写分组名称（name）和机关代号（agencies），实际是{}",
                    item.kind_name()
                ))
                .path(path);
            f.push(d);
            continue;
        }
        f.unknown_keys(
            item.as_map().unwrap_or_default(),
            &["name", "agencies"],
            &path,
            "机关分组",
        );
        let Some(name) = f.string(item, "name", &path, "分组名称", true) else {
            continue;
        };
        let mut members = Vec::new();
        match get(item, "agencies") {
            Some(list) if list.is_null() => {}
            Some(list) => match list.as_seq() {
                Some(codes) => {
                    for code in codes {
                        match code.as_scalar() {
                            Some(text) if !text.trim().is_empty() => {
                                members.push((text.trim().to_string(), code.pos));
                            }
                            _ => {
                                let d = f
                                    .diag(Code::L014, code.pos)
                                    .message(format!(
                                        "分组「{name}」的机关代号应是 content/ 下的文件夹名，实际是{}",
                                        code.kind_name()
                                    ))
                                    .path(format!("{path}.agencies"));
                                f.push(d);
                            }
                        }
                    }
                }
                None => {
                    let d = f
                        .diag(Code::L014, list.pos)
                        .message(format!(
                            "分组「{name}」的机关代号（agencies）应是一个列表，实际是{}",
                            list.kind_name()
                        ))
                        .path(format!("{path}.agencies"))
                        .hint("写成 agencies: [代号1, 代号2]，或每行一个“- 代号”。");
                    f.push(d);
                }
            },
            None => {
                let d = f
                    .diag(Code::L006, item.pos)
                    .message(format!("分组「{name}」缺少机关代号（agencies）"))
                    .path(format!("{path}.agencies"))
                    .hint("在这一层加一行：agencies: [代号1, 代号2]");
                f.push(d);
            }
        }
        groups.push(GroupConfig {
            name,
            pos: item.pos,
            members,
        });
    }
    groups
}

/// The name of the group an agency is listed in when site.yaml names no groups (or it is in none).
pub(crate) const OTHER_GROUP: &str = "其他机关";

/// The groups of the site, each agency in exactly one. With groups in site.yaml: their order; an
/// unknown folder name is left out, an agency named twice stays in its first group, an agency in
/// none is listed in a last group 「其他机关」 — each with a warning (L023) at its line. Without:
/// one group per agency kind (人民政府, 政府部门, 街道办事处, 乡镇人民政府), in folder order.
/// `folders` are every agency folder of content/, so a name is unknown only when content/ has no
/// such folder; None when `--agency` read only some (then no name is called unknown).
pub(super) fn resolve_groups(
    root: &Path,
    config: &SiteConfig,
    agencies: &[std::sync::Arc<Agency>],
    folders: Option<&[String]>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<AgencyGroup> {
    let order = [
        AgencyKind::Government,
        AgencyKind::Department,
        AgencyKind::StreetOffice,
        AgencyKind::Town,
    ];
    if config.groups.is_empty() {
        return order
            .iter()
            .map(|kind| AgencyGroup {
                name: kind.group_name().to_string(),
                members: agencies
                    .iter()
                    .filter(|a| a.kind == *kind)
                    .map(|a| a.slug.clone())
                    .collect(),
            })
            .filter(|g| !g.members.is_empty())
            .collect();
    }
    let file = PathBuf::from("content/site.yaml");
    let source = std::fs::read_to_string(root.join(&file)).unwrap_or_default();
    let lines = SourceLines::new(&source);
    let warn = |pos: Pos| {
        Diagnostic::new(Code::L023, &file)
            .at(pos)
            .with_lines(&lines)
    };
    let loaded: HashSet<&str> = agencies.iter().map(|a| a.slug.as_str()).collect();
    let known = |code: &str| {
        loaded.contains(code) || folders.is_none_or(|f| f.iter().any(|name| name == code))
    };
    // Folder name → the group it was first listed in.
    let mut placed: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut groups = Vec::new();
    for (g, group) in config.groups.iter().enumerate() {
        let mut members = Vec::new();
        for (i, (code, pos)) in group.members.iter().enumerate() {
            let path = format!("groups[{g}].agencies[{i}]");
            if !known(code) {
                let mut d = warn(*pos)
                    .message(format!(
                        "分组「{}」中的机关代号 {code} 不存在（content/ 下没有这个文件夹），已忽略",
                        group.name
                    ))
                    .path(path)
                    .found(code.clone());
                let names = agencies.iter().map(|a| a.slug.as_str());
                if let Some(near) = did_you_mean(code, names) {
                    d = d.hint(format!("是不是要写 {near}？"));
                }
                diagnostics.push(d);
                continue;
            }
            if let Some(first) = placed.get(code.as_str()) {
                diagnostics.push(
                    warn(*pos)
                        .message(format!(
                            "机关 {code} 同时列在分组「{first}」和「{}」中，只列在前面的「{first}」",
                            group.name
                        ))
                        .path(path)
                        .hint("每个机关只写在一个分组中。"),
                );
                continue;
            }
            placed.insert(code, &group.name);
            if loaded.contains(code.as_str()) {
                members.push(code.clone());
            }
        }
        groups.push(AgencyGroup {
            name: group.name.clone(),
            members,
        });
    }
    let left: Vec<&Agency> = agencies
        .iter()
        .map(std::sync::Arc::as_ref)
        .filter(|a| !placed.contains_key(a.slug.as_str()))
        .collect();
    if !left.is_empty() {
        let names: Vec<String> = left
            .iter()
            .take(10)
            .map(|a| format!("{}（{}）", a.slug, a.name))
            .collect();
        let more = if left.len() > 10 {
            format!("等 {} 个机关", left.len())
        } else {
            String::new()
        };
        diagnostics.push(
            warn(config.groups_pos.unwrap_or_default())
                .message(format!(
                    "{}{more}不在任何机关分组中，列在最后的「{OTHER_GROUP}」分组",
                    names.join("、")
                ))
                .path("groups")
                .hint("把它们的代号写进 site.yaml 中某个分组的 agencies 列表。"),
        );
        groups.push(AgencyGroup {
            name: OTHER_GROUP.to_string(),
            members: left.iter().map(|a| a.slug.clone()).collect(),
        });
    }
    groups
}

/// The groups of `site` again, after serve added or removed an agency without loading the whole
/// site: `site.groups` and site.yaml's warnings about them (L023) replaced, as a full load of the
/// same folders would make them. `only` as in `load_agencies` (`--agency`).
pub(crate) fn regroup(
    root: &Path,
    site: &mut crate::model::Site,
    only: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), Fatal> {
    // Without groups in site.yaml no folder name is looked up.
    let folders: Option<Vec<String>> = if only.is_empty() && !site.config.groups.is_empty() {
        let dirs = agency_dirs(root, only, &mut Vec::new())?;
        Some(
            dirs.iter()
                .filter_map(|d| Some(d.file_name()?.to_string_lossy().to_string()))
                .collect(),
        )
    } else {
        None
    };
    diagnostics.retain(|d| d.code != Code::L023);
    site.groups = resolve_groups(
        root,
        &site.config,
        &site.agencies,
        folders.as_deref(),
        diagnostics,
    );
    Ok(())
}
