//! The render cache: serve keeps the checked model of its last good build, not its files, and
//! renders a file's unit when a reader asks for it.
//!
//! A unit is what is rendered at once: one agency's files (`render::render_agency`), the site's
//! own files (`render::render_listings`: theme files, front page, 404, atom.xml, portal pages,
//! search page), or sitemap.xml (it needs every path of the site). The first path segment of a
//! request names its unit: an agency's folder name, else the site's files. Each unit has a slot
//! (a once-cell), so two requests for the same unrendered unit render it once and a request for
//! another unit never waits for it. Every slot belongs to one model (an `Arc` snapshot): a save
//! publishes a new model and drops the slots of the changed agencies and of the site's files
//! (the other agencies' files are the same bytes under the new model and stay); a render started
//! on an older model lands in a slot no longer in the cache, so it is served only to the request
//! that started it, never to one made after the save. The agencies' files are kept least recently
//! used first out beyond `budget` bytes, so crawling the whole preview cannot grow memory past it.
//! sitemap.xml takes every agency's paths, kept without their bytes (`Entries::paths`); an agency
//! whose paths are not known (changed since) is rendered for them, through its slot.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use super::incremental::build_problem;
use super::*;
use crate::check::Checked;
use crate::model::Agency;
use crate::render::Pieces;
use crate::render::theme::Theme;

/// The bytes of agencies' files the cache keeps at most (besides the site's own files and the
/// slots being rendered): 64 MiB, the files of about 60 agencies of 7 report years each.
pub(super) const CACHE_BUDGET: usize = 64 << 20;

/// One good build: what every response is made from.
pub(super) struct Model {
    /// The site's folder (problems name files relative to it).
    pub root: PathBuf,
    /// Counts the good builds of the preview (1 for the first).
    pub generation: u64,
    /// The checked site; its agencies are shared (`Arc`) with the models before and after.
    pub checked: Checked,
    pub theme: Arc<Theme>,
    pub options: Arc<render::Options>,
    /// The warnings of the build (not acknowledged), shown on the pages of their agency.
    pub warnings: Arc<Vec<Diagnostic>>,
}

impl Model {
    fn agency(&self, slug: &str) -> Option<&Agency> {
        let agencies = &self.checked.site.agencies;
        agencies
            .binary_search_by(|a| a.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &*agencies[i])
    }

    /// The unit a file of the site belongs to.
    fn unit_of(&self, path: &str) -> Unit {
        if path == "sitemap.xml" {
            return Unit::Sitemap;
        }
        match path.split_once('/') {
            Some((first, _)) if self.agency(first).is_some() => Unit::Agency(first.to_string()),
            _ => Unit::Site,
        }
    }
}

/// What is rendered at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Unit {
    /// The site's own files.
    Site,
    Agency(String),
    Sitemap,
}

/// Why a file could not be given.
#[derive(Clone, Debug)]
pub(super) enum Failure {
    /// The model asked about is no longer the one served: ask again with the newer one.
    Stale,
    /// Rendering failed (a template error only this unit meets): shown in the browser.
    Build(Arc<Diagnostic>),
}

/// The files of one unit, rendered at most once.
#[derive(Default)]
pub(super) struct Slot {
    done: OnceLock<Result<Arc<Files>, Failure>>,
    /// When it was last asked for (`Entries::tick`).
    used: AtomicU64,
    /// The bytes it holds, once rendered.
    bytes: AtomicUsize,
}

/// The slots of the model served.
#[derive(Default)]
struct Entries {
    model: Option<Arc<Model>>,
    site: Option<Arc<Slot>>,
    sitemap: Option<Arc<Slot>>,
    agencies: HashMap<String, Arc<Slot>>,
    /// The paths of each agency's files, when known for the model served.
    paths: HashMap<String, Arc<Vec<String>>>,
    tick: u64,
}

impl Entries {
    fn slot(&mut self, unit: &Unit) -> Arc<Slot> {
        let slot = match unit {
            Unit::Site => self.site.get_or_insert_with(Arc::default),
            Unit::Sitemap => self.sitemap.get_or_insert_with(Arc::default),
            Unit::Agency(slug) => self.agencies.entry(slug.clone()).or_default(),
        };
        slot.clone()
    }

    fn holds(&self, unit: &Unit, slot: &Arc<Slot>) -> bool {
        let held = match unit {
            Unit::Site => self.site.as_ref(),
            Unit::Sitemap => self.sitemap.as_ref(),
            Unit::Agency(slug) => self.agencies.get(slug),
        };
        held.is_some_and(|held| Arc::ptr_eq(held, slot))
    }

    /// The agencies' files kept, in bytes.
    fn bytes(&self) -> usize {
        self.agencies
            .values()
            .map(|s| s.bytes.load(Ordering::Relaxed))
            .sum()
    }

    /// Takes out the least recently used agencies' files until the rest fit in `budget`; `keep`
    /// (just rendered) stays. Gives the slots taken out.
    fn evict(&mut self, budget: usize, keep: &Arc<Slot>) -> Vec<Arc<Slot>> {
        let mut evicted = Vec::new();
        let mut total = self.bytes();
        while total > budget {
            let victim = self
                .agencies
                .iter()
                .filter(|(_, s)| !Arc::ptr_eq(s, keep) && s.done.get().is_some())
                .min_by_key(|(_, s)| s.used.load(Ordering::Relaxed))
                .map(|(slug, _)| slug.clone());
            let Some(victim) = victim else { break };
            if let Some(slot) = self.agencies.remove(&victim) {
                total -= slot.bytes.load(Ordering::Relaxed);
                evicted.push(slot);
            }
        }
        evicted
    }
}

/// The pieces of the pages that list agencies (`render::Pieces`) and the model they are made
/// for: the site's files of a model render only from pieces made for that model. Locked for the
/// whole render of the site's files.
#[derive(Default)]
struct PiecesAt {
    current: u64,
    pieces: Pieces,
}

/// What the pieces are to be made for next: changed with the model served (under the same lock
/// of the entries), never held during a render, so a save does not wait for one.
#[derive(Default)]
struct Plan {
    /// The model served.
    target: u64,
    /// The agencies changed since the pieces' model (None: every one, start from empty pieces).
    pending: Option<BTreeSet<String>>,
}

/// The render cache of the preview.
pub(super) struct Cache {
    entries: Mutex<Entries>,
    pieces: Mutex<PiecesAt>,
    plan: Mutex<Plan>,
    /// `CACHE_BUDGET`, smaller in tests.
    budget: usize,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn size(files: &Files) -> usize {
    files.files.iter().map(|(p, b)| p.len() + b.len()).sum()
}

impl Cache {
    pub(super) fn new(budget: usize) -> Cache {
        Cache {
            entries: Mutex::default(),
            pieces: Mutex::default(),
            plan: Mutex::default(),
            budget,
        }
    }

    /// The model served (None before the first good build).
    pub(super) fn model(&self) -> Option<Arc<Model>> {
        lock(&self.entries).model.clone()
    }

    /// The files of `model`'s unit that holds `path`, if it has such a file.
    pub(super) fn find(
        &self,
        model: &Arc<Model>,
        path: &str,
    ) -> Result<Option<Arc<Files>>, Failure> {
        let unit = model.unit_of(path);
        let files = self.unit(model, &unit)?;
        if files.get(path).is_some() {
            return Ok(Some(files));
        }
        if let Unit::Agency(_) = unit {
            // A site file under a folder named like an agency: as a full build would hold it.
            let site = self.unit(model, &Unit::Site)?;
            return Ok(site.get(path).is_some().then_some(site));
        }
        Ok(None)
    }

    /// The files of one unit of `model`, rendered unless they are cached.
    fn unit(&self, model: &Arc<Model>, unit: &Unit) -> Result<Arc<Files>, Failure> {
        let slot = self.slot(model, unit)?;
        self.fill(model, unit, &slot)
    }

    /// The slot of a unit of `model`, the model served (else `Failure::Stale`).
    pub(super) fn slot(&self, model: &Arc<Model>, unit: &Unit) -> Result<Arc<Slot>, Failure> {
        let mut entries = lock(&self.entries);
        if !entries
            .model
            .as_ref()
            .is_some_and(|m| Arc::ptr_eq(m, model))
        {
            return Err(Failure::Stale);
        }
        entries.tick += 1;
        let tick = entries.tick;
        let slot = entries.slot(unit);
        slot.used.store(tick, Ordering::Relaxed);
        Ok(slot)
    }

    /// The files of `slot`, rendered from `model` unless they are already; a render is kept
    /// (and counted against the budget) only while its slot is still the cache's.
    pub(super) fn fill(
        &self,
        model: &Arc<Model>,
        unit: &Unit,
        slot: &Arc<Slot>,
    ) -> Result<Arc<Files>, Failure> {
        let mut rendered = false;
        let done = slot
            .done
            .get_or_init(|| {
                rendered = true;
                self.render(model, unit)
            })
            .clone();
        if let (true, Unit::Agency(slug), Ok(files)) = (rendered, unit, &done) {
            slot.bytes.store(size(files), Ordering::Relaxed);
            let evicted = {
                let mut entries = lock(&self.entries);
                if entries.holds(unit, slot) {
                    let paths = files.files.keys().cloned().collect();
                    entries.paths.insert(slug.clone(), Arc::new(paths));
                    entries.evict(self.budget, slot)
                } else {
                    Vec::new()
                }
            };
            if !evicted.is_empty() {
                // The evicted files freed outside the lock, their memory given back.
                drop(evicted);
                super::watch::release_freed_memory();
            }
        }
        done
    }

    fn render(&self, model: &Arc<Model>, unit: &Unit) -> Result<Arc<Files>, Failure> {
        let out = Output::memory();
        let failed = |err| {
            let problem = build_problem(&model.root, err);
            warn!("{}", problem.render());
            Failure::Build(Arc::new(problem))
        };
        match unit {
            Unit::Agency(slug) => {
                let Some(agency) = model.agency(slug) else {
                    return Ok(Arc::default());
                };
                render::render_agency(&model.theme, &model.checked, agency, &model.options, &out)
                    .map_err(failed)?;
            }
            Unit::Site => {
                let mut pieces = lock(&self.pieces);
                let pending = {
                    let mut plan = lock(&self.plan);
                    if plan.target != model.generation {
                        return Err(Failure::Stale);
                    }
                    (pieces.current != plan.target).then(|| plan.pending.replace(BTreeSet::new()))
                };
                if let Some(pending) = pending {
                    let site = &model.checked.site;
                    match pending {
                        None => {
                            pieces.pieces = Pieces::default();
                            pieces.pieces.update(site, None);
                        }
                        Some(changed) => pieces.pieces.update(site, Some(&changed)),
                    }
                    pieces.current = model.generation;
                }
                render::render_listings(
                    &model.theme,
                    &model.checked,
                    &model.options,
                    &mut pieces.pieces,
                    &out,
                )
                .map_err(failed)?;
            }
            Unit::Sitemap => self.sitemap(model, &out)?,
        }
        Ok(Arc::new(out.into_files()))
    }

    /// sitemap.xml of `model`: the site's paths and every agency's (rendered for an agency whose
    /// paths are not known yet).
    fn sitemap(&self, model: &Arc<Model>, out: &Output) -> Result<(), Failure> {
        let failed = |err| Failure::Build(Arc::new(build_problem(&model.root, err)));
        if model
            .options
            .absolute_base_url(&model.checked.site.config)
            .is_none()
        {
            return Ok(());
        }
        let mut paths: Vec<String> = self
            .unit(model, &Unit::Site)?
            .files
            .keys()
            .cloned()
            .collect();
        for agency in &model.checked.site.agencies {
            let known = {
                let entries = lock(&self.entries);
                if !entries
                    .model
                    .as_ref()
                    .is_some_and(|m| Arc::ptr_eq(m, model))
                {
                    return Err(Failure::Stale);
                }
                entries.paths.get(&agency.slug).cloned()
            };
            match known {
                Some(known) => paths.extend(known.iter().cloned()),
                None => {
                    let files = self.unit(model, &Unit::Agency(agency.slug.clone()))?;
                    paths.extend(files.files.keys().cloned());
                }
            }
        }
        paths.sort();
        render::sitemap(
            &model.theme,
            &model.checked.site,
            &model.options,
            &paths,
            out,
        )
        .map_err(failed)
    }

    /// Serves `model` from now on, after a change of the agencies `changed` only: their files
    /// and the site's are dropped, the other agencies' stay.
    pub(super) fn publish(&self, model: Arc<Model>, changed: &BTreeSet<String>) {
        let mut entries = lock(&self.entries);
        let mut plan = lock(&self.plan);
        if let Some(pending) = plan.pending.as_mut() {
            pending.extend(changed.iter().cloned());
        }
        plan.target = model.generation;
        entries.site = None;
        entries.sitemap = None;
        let slugs: BTreeSet<&str> = model
            .checked
            .site
            .agencies
            .iter()
            .map(|a| a.slug.as_str())
            .collect();
        let keep = |slug: &String| slugs.contains(slug.as_str()) && !changed.contains(slug);
        entries.agencies.retain(|slug, _| keep(slug));
        entries.paths.retain(|slug, _| keep(slug));
        entries.model = Some(model);
    }

    /// Renders every file of `model` (after a change of templates, site.yaml or the first load):
    /// on success serves it from now on, keeping the files of the first agencies within the
    /// budget and the paths of all; on failure changes nothing and gives the problem. Every
    /// agency is rendered so that a template error shows now, as a full build would show it.
    pub(super) fn publish_all(&self, model: Arc<Model>) -> Result<(), Vec<Diagnostic>> {
        let mut pieces = Pieces::default();
        let site = Output::memory();
        let listings = std::thread::scope(|scope| {
            let listings = scope.spawn(|| {
                pieces.update(&model.checked.site, None);
                render::render_listings(
                    &model.theme,
                    &model.checked,
                    &model.options,
                    &mut pieces,
                    &site,
                )
            });
            let agencies = self.render_agencies(&model);
            let listings = listings
                .join()
                .unwrap_or_else(|payload| Err(BuildError::Panic(render::panic_message(&*payload))));
            agencies.and_then(|agencies| listings.map(|()| agencies))
        });
        let agencies = listings.map_err(|err| vec![build_problem(&model.root, err)])?;
        let site_slot: Arc<Slot> = Arc::default();
        let _ = site_slot.done.set(Ok(Arc::new(site.into_files())));
        let mut fresh = Entries {
            site: Some(site_slot),
            ..Entries::default()
        };
        for (slug, files, paths) in agencies {
            if let Some(files) = files {
                let slot: Arc<Slot> = Arc::default();
                slot.bytes.store(size(&files), Ordering::Relaxed);
                let _ = slot.done.set(Ok(Arc::new(files)));
                fresh.agencies.insert(slug.clone(), slot);
            }
            fresh.paths.insert(slug, Arc::new(paths));
        }
        let mut served = lock(&self.pieces);
        *served = PiecesAt {
            current: model.generation,
            pieces,
        };
        let mut entries = lock(&self.entries);
        *lock(&self.plan) = Plan {
            target: model.generation,
            pending: Some(BTreeSet::new()),
        };
        fresh.model = Some(model);
        fresh.tick = entries.tick;
        *entries = fresh;
        Ok(())
    }

    /// Every agency of `model` rendered, two at a time (the machine's cores, as `build`): each
    /// one's folder name, its files while the budget lasts, and its paths.
    #[allow(clippy::type_complexity)]
    fn render_agencies(
        &self,
        model: &Model,
    ) -> Result<Vec<(String, Option<Files>, Vec<String>)>, BuildError> {
        let agencies = &model.checked.site.agencies;
        let kept = AtomicUsize::new(0);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::parallel::try_map_in_order(agencies, |agency| {
                let out = Output::memory();
                render::render_agency(&model.theme, &model.checked, agency, &model.options, &out)?;
                let files = out.into_files();
                let paths = files.files.keys().cloned().collect();
                let bytes = size(&files);
                let fits = kept.fetch_add(bytes, Ordering::Relaxed) + bytes <= self.budget;
                Ok((agency.slug.clone(), fits.then_some(files), paths))
            })
        }))
        .unwrap_or_else(|payload| Err(BuildError::Panic(render::panic_message(&*payload))))
    }

    /// Every file of `model`, each unit asked for as a request asks (tests).
    #[cfg(test)]
    pub(super) fn everything(
        &self,
        model: &Arc<Model>,
    ) -> Result<std::collections::BTreeMap<String, Vec<u8>>, Failure> {
        let mut units = vec![Unit::Site, Unit::Sitemap];
        units.extend(
            model
                .checked
                .site
                .agencies
                .iter()
                .map(|a| Unit::Agency(a.slug.clone())),
        );
        let mut all = std::collections::BTreeMap::new();
        for unit in units {
            let files = self.unit(model, &unit)?;
            all.extend(files.files.iter().map(|(p, b)| (p.clone(), b.clone())));
        }
        Ok(all)
    }

    /// How many agencies' files are kept, and their bytes (tests).
    #[cfg(test)]
    pub(super) fn kept(&self) -> (usize, usize) {
        let entries = lock(&self.entries);
        let rendered = entries.agencies.values().filter(|s| s.done.get().is_some());
        (rendered.count(), entries.bytes())
    }
}
