//! What serve keeps between rebuilds, so that a save re-renders only what it affects.
//!
//! serve holds the checked model of the whole site, the loaded theme and the rendered files,
//! grouped by agency. A change inside `content/<agency>/` reloads and rechecks that agency alone
//! (every rule that spans years stays inside one agency), renders its files again, and renders
//! again the files about the site as a whole: the front page (it lists every agency), the 404
//! page, sitemap.xml and atom.xml. Anything else (site.yaml, templates/, themes/, content/
//! itself, a folder linked into content/) rebuilds everything. The files of the other agencies
//! are shared, not copied, between the old and the new set, which readers get whole (`Rendered`
//! behind one `Arc`), so a page never mixes two builds.

use std::collections::BTreeSet;

use super::cache::{Cache, Model};
use super::search::{Copies, Job};
use super::*;
use crate::check::Checked;
use crate::render::theme::{self, Theme};

/// What a batch of file events asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Change {
    /// Everything: site.yaml, templates, themes, or a change not inside one agency's folder.
    pub all: bool,
    /// The agency folders (their names) in which something changed.
    pub agencies: BTreeSet<String>,
}

impl Change {
    pub(super) fn everything() -> Change {
        Change {
            all: true,
            agencies: BTreeSet::new(),
        }
    }

    /// Adds the change of one path (under `root`).
    pub(super) fn add(&mut self, root: &Path, path: &Path) {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        match (parts.next().as_deref(), parts.next()) {
            (Some("content"), Some(name)) if name != "site.yaml" => {
                self.agencies.insert(name.into_owned());
            }
            _ => self.all = true,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        !self.all && self.agencies.is_empty()
    }
}

/// What a good update did: every file rendered again, or only the model of these agencies
/// changed (their files and the site's are rendered when asked for).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Updated {
    All,
    Agencies(BTreeSet<String>),
}

/// The outcome of an update: what changed and the errors of drafts (they do not stop a build), or
/// the problems that stopped it (then the last good model is served still).
pub(super) type Outcome = Result<(Updated, Vec<Diagnostic>), Vec<Diagnostic>>;

/// The model being edited: loaded and checked, good or not.
struct State {
    checked: Checked,
    theme: Arc<Theme>,
    /// Agencies changed since the last good build (None: everything, a full render is due).
    dirty: Option<BTreeSet<String>>,
    /// Whether an agency folder in content/ is a link: then one folder's change may be another's.
    linked: bool,
    /// The search records of every agency, as the index is made from them in the background.
    copies: Copies,
}

/// The preview's site, updated change by change.
pub(super) struct Preview {
    root: PathBuf,
    /// Only these agencies (`--agency`); all when empty.
    only: Vec<String>,
    options: Arc<render::Options>,
    state: Option<State>,
    /// What readers are served: the last good model and the files rendered from it.
    pub(super) cache: Arc<Cache>,
    /// How many good builds there were: the search index of a later one replaces an earlier's.
    generation: u64,
}

impl Preview {
    pub(super) fn new(root: &Path, base: &str, only: &[String], cache: Arc<Cache>) -> Preview {
        Preview {
            root: root.to_path_buf(),
            only: only.to_vec(),
            options: Arc::new(render::Options {
                not_found_root: Some(base.to_string()),
                // Drafts are loaded and shown, as `build --drafts` shows them (the overview pages
                // tell 草稿 from 缺失).
                drafts: true,
                defer_search: true,
                ..Default::default()
            }),
            state: None,
            cache,
            generation: 0,
        }
    }

    /// What the search index of the last good build is made from (None before the first).
    pub(super) fn search_job(&self) -> Option<Job> {
        let state = self.state.as_ref()?;
        (self.generation > 0).then(|| Job {
            generation: self.generation,
            search: state.checked.site.config.search,
            records: state.copies.records(),
        })
    }

    /// Applies a change: the agencies named are loaded and checked again; everything when the
    /// change asks for it or nothing is loaded yet. A good model is then served: after a full
    /// load every file is rendered first (so a template error shows now); otherwise nothing is
    /// rendered, the changed agencies' files and the site's are dropped from the cache.
    pub(super) fn update(&mut self, change: &Change) -> Outcome {
        let linked = self.state.as_ref().is_none_or(|s| s.linked);
        if change.all || linked {
            self.load_everything()?;
        } else {
            for name in &change.agencies {
                if self.only.is_empty() || self.only.contains(name) {
                    self.reload_agency(name)?;
                }
            }
        }
        self.publish()
    }

    fn load_everything(&mut self) -> Result<(), Vec<Diagnostic>> {
        // Whatever happens next, nothing loaded before may be served again without a full load.
        self.state = None;
        let checked = load_and_check(&self.root, &self.only)?;
        let theme = theme::load(&self.root, &checked.site.config.theme)
            .map_err(|err| vec![build_problem(&self.root, err)])?;
        let linked = std::fs::read_dir(self.root.join("content"))
            .map(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_type().is_ok_and(|t| t.is_symlink()))
            })
            .unwrap_or(true);
        let copies = Copies::of(&checked.site.agencies);
        self.state = Some(State {
            checked,
            theme: Arc::new(theme),
            dirty: None,
            linked,
            copies,
        });
        Ok(())
    }

    /// Loads and checks one agency folder again, in place of what the model held for it.
    fn reload_agency(&mut self, name: &str) -> Result<(), Vec<Diagnostic>> {
        let Some(state) = self.state.as_mut() else {
            return Ok(());
        };
        let folder = self.root.join("content").join(name);
        let fresh = if folder.is_dir() {
            match load_and_check(&self.root, &[name.to_string()]) {
                Ok(checked) => Some(checked),
                // Removed since the event.
                Err(problems) if !folder.is_dir() => {
                    drop(problems);
                    None
                }
                Err(problems) => return Err(problems),
            }
        } else {
            None
        };
        let checked = &mut state.checked;
        checked.diagnostics.retain(|d| scope_of(d) != Some(name));
        let at = checked
            .site
            .agencies
            .binary_search_by(|a| a.slug.as_str().cmp(name));
        if let Ok(i) = at {
            checked.site.agencies.remove(i);
        }
        state.copies.replace(
            name,
            fresh.as_ref().map_or(&[][..], |f| &f.site.agencies[..]),
        );
        if let Some(fresh) = fresh {
            // The one-agency load repeats site.yaml's problems: those are kept from the full load.
            checked.diagnostics.extend(
                fresh
                    .diagnostics
                    .into_iter()
                    .filter(|d| scope_of(d) == Some(name)),
            );
            for agency in fresh.site.agencies {
                let i = checked
                    .site
                    .agencies
                    .binary_search_by(|a| a.slug.as_str().cmp(&agency.slug))
                    .unwrap_or_else(|i| i);
                checked.site.agencies.insert(i, agency);
            }
        }
        // An agency added, removed or of another kind now: placed in its group at once.
        crate::load::regroup(
            &self.root,
            &mut checked.site,
            &self.only,
            &mut checked.diagnostics,
        )
        .map_err(|fatal| fatal_problems(&self.root, fatal))?;
        checked.diagnostics.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
        });
        // The overview pages' publication status follows the agency just reloaded.
        checked.status = crate::check::status::portal_status(&checked.site, &checked.diagnostics);
        if let Some(dirty) = state.dirty.as_mut() {
            dirty.insert(name.to_string());
        }
        Ok(())
    }

    /// Serves the model when it has no blocking error: a snapshot of it (the agencies shared,
    /// not copied) goes to the cache.
    fn publish(&mut self) -> Outcome {
        let Some(state) = self.state.as_mut() else {
            return Err(Vec::new());
        };
        let checked = &state.checked;
        if checked.has_errors() {
            return Err(checked
                .diagnostics
                .iter()
                .filter(|d| d.is_blocking())
                .cloned()
                .collect());
        }
        let unacknowledged = checked
            .diagnostics
            .iter()
            .filter(|d| d.acknowledged.is_none());
        let warnings: Vec<Diagnostic> = unacknowledged
            .clone()
            .filter(|d| d.severity == Severity::Warning)
            .cloned()
            .collect();
        let draft_errors: Vec<Diagnostic> = unacknowledged
            .filter(|d| d.draft && d.severity == Severity::Error)
            .cloned()
            .collect();
        let model = Arc::new(Model {
            root: self.root.clone(),
            generation: self.generation + 1,
            checked: checked.clone(),
            theme: state.theme.clone(),
            options: self.options.clone(),
            warnings: Arc::new(warnings),
        });
        let updated = match &state.dirty {
            None => {
                self.cache.publish_all(model)?;
                Updated::All
            }
            Some(dirty) => {
                self.cache.publish(model, dirty);
                Updated::Agencies(dirty.clone())
            }
        };
        state.dirty = Some(BTreeSet::new());
        self.generation += 1;
        Ok((updated, draft_errors))
    }
}

/// The agency folder a diagnostic is about (`content/<agency>/…`), if any.
fn scope_of(d: &Diagnostic) -> Option<&str> {
    let mut parts = d.file.components().map(|c| c.as_os_str());
    (parts.next()? == "content")
        .then(|| parts.next()?.to_str())
        .flatten()
        .filter(|name| *name != "site.yaml")
}

/// Loads and checks the site (only the agencies named, when any), its problems on failure.
fn load_and_check(root: &Path, only: &[String]) -> Result<Checked, Vec<Diagnostic>> {
    crate::load_and_check_agencies(root, only).map_err(|fatal| fatal_problems(root, fatal))
}

/// A problem that stops loading, as the problems shown in the browser.
fn fatal_problems(root: &Path, fatal: crate::load::Fatal) -> Vec<Diagnostic> {
    match fatal {
        crate::load::Fatal::Io(path, err) => vec![io_problem(root, &path, &err)],
        fatal => vec![general_problem(fatal.to_string())],
    }
}

/// A rendering failure as the problem shown in the browser.
pub(super) fn build_problem(root: &Path, err: BuildError) -> Diagnostic {
    match err {
        // nianbao's own failure: not blamed on the templates.
        err @ BuildError::Panic(_) => {
            Diagnostic::new(Code::B003, Path::new("content")).message(err.to_string())
        }
        BuildError::Io(path, err) | BuildError::Fatal(crate::load::Fatal::Io(path, err)) => {
            io_problem(root, &path, &err)
        }
        err => general_problem(err.to_string()),
    }
}

#[cfg(test)]
mod tests;
