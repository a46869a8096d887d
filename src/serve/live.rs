//! The site `serve` keeps in memory between edits: sources, parsed items, rendered bodies and the
//! fingerprint of every page, so an edit re-reads, re-parses, re-renders and replaces only what it
//! touches, and a template edit re-renders without re-parsing. Reads the site's files; never writes
//! to disk (pages go to a `write::MemoryOutput`).

use crate::config::parse_config;
use crate::error::{BuildError, Diagnostic, Diagnostics};
use crate::guard::Watch;
use crate::link::{self, BaseUrl, BodyCache, Selection, SiteGraph};
use crate::load::{self, AssetFile, Reread};
use crate::model::{display_path, Article, Company, Content, Model, Page, Theme};
use crate::parse::{self, Item};
use crate::render;
use crate::write::MemoryOutput;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tera::Tera;

/// A built site by output path, shared with the server without copying pages.
pub type SiteFiles = HashMap<String, Arc<[u8]>>;

/// What changed on disk since the last rebuild, as the watcher saw it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Content files (`content/articles/x.md`) written, created, renamed or removed.
    pub content: BTreeSet<String>,
    pub config: bool,
    pub templates: bool,
    pub statics: bool,
    /// An image file beside the Markdown (`content/articles/lead.png`) written or removed.
    pub images: bool,
    /// Something the watcher cannot tell file by file (a folder moved, events lost): read it all.
    pub rescan: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.content.is_empty()
            && !self.config
            && !self.templates
            && !self.statics
            && !self.images
            && !self.rescan
    }

    /// Whether the content file at `path` (root-relative, as a diagnostic names it) is among
    /// the ones changed.
    pub fn saved(&self, path: &Path) -> bool {
        self.content.contains(&display_path(path))
    }
}

/// The outcome of one rebuild.
#[derive(Debug)]
pub struct Rebuilt {
    /// The whole site as it is served now: this build's, or the last good one when this failed.
    pub files: Arc<SiteFiles>,
    /// What stopped this rebuild, if anything; `files` are then the last good build's.
    pub errors: Option<Diagnostics>,
    pub warnings: Diagnostics,
    /// The problems of a preview's unpublished articles: served anyway (see
    /// `SiteGraph::unpublished_problems`).
    pub unpublished: Diagnostics,
    /// Output paths whose content changed or that are gone; None: anything may have changed.
    pub changed: Option<Vec<String>>,
    /// When the saved files' own pages were handed to `early`, counted from the rebuild's start.
    pub first_served: Option<Duration>,
    /// Pages rendered (the rest were unchanged), and Markdown bodies rendered (the rest reused).
    pub pages_rendered: usize,
    pub bodies_rendered: usize,
    pub elapsed: Duration,
}

impl Rebuilt {
    /// A rebuild stopped by `errors`: the last good `files` stay served.
    pub(crate) fn failed(files: Arc<SiteFiles>, errors: Diagnostics, started: Instant) -> Self {
        Rebuilt {
            files,
            errors: Some(errors),
            warnings: Diagnostics::new(),
            unpublished: Diagnostics::new(),
            changed: None,
            first_served: None,
            pages_rendered: 0,
            bodies_rendered: 0,
            elapsed: started.elapsed(),
        }
    }
}

/// The site with the saved files' own pages already new: served while the rest renders.
#[derive(Debug)]
pub struct Early {
    pub files: Arc<SiteFiles>,
    /// The output paths rendered for it.
    pub changed: Vec<String>,
}

/// A content file as `serve` keeps it.
#[derive(Debug, Clone)]
enum Source {
    Article(Arc<Article>),
    Company(Arc<Company>),
    Model(Arc<Model>),
    Theme(Arc<Theme>),
    Page(Arc<Page>),
    /// It could not be read or parsed; these are its problems.
    Broken(Vec<Diagnostic>),
}

impl From<Result<Item, Vec<Diagnostic>>> for Source {
    fn from(r: Result<Item, Vec<Diagnostic>>) -> Self {
        match r {
            Ok(Item::Article(a)) => Source::Article(Arc::new(a)),
            Ok(Item::Company(c)) => Source::Company(Arc::new(c)),
            Ok(Item::Model(m)) => Source::Model(Arc::new(m)),
            Ok(Item::Theme(t)) => Source::Theme(Arc::new(t)),
            Ok(Item::Page(p)) => Source::Page(Arc::new(p)),
            Err(ds) => Source::Broken(ds),
        }
    }
}

/// The saved files' own pages, rendered ahead of the rest of a rebuild.
struct Ahead {
    out: MemoryOutput,
    /// Their output paths.
    done: HashSet<String>,
    /// When they were handed to `early`, from the rebuild's start; None: nothing went ahead.
    served: Option<Duration>,
}

/// Whether another save is waiting (the watcher's flag, when there is one).
fn raised(flag: &Option<Arc<AtomicBool>>) -> bool {
    flag.as_ref().is_some_and(|f| f.load(Ordering::SeqCst))
}

pub struct LiveSite {
    root: PathBuf,
    /// The server's own address: the site is served at its root whatever site.yaml says.
    base_url: String,
    drafts: bool,
    future: bool,
    config_text: String,
    /// By root-relative path; sorted as `load` sorts, so relinks see the same order as a build.
    sources: BTreeMap<String, Source>,
    /// Problems found while reading folders (symlinks, unreadable entries), by path.
    load_diags: Vec<Diagnostic>,
    statics: Vec<AssetFile>,
    static_files: SiteFiles,
    /// Image variants (from the build's image cache) and originals kept beside their Markdown.
    image_files: SiteFiles,
    templates: Vec<AssetFile>,
    tera: Result<Tera, Diagnostics>,
    cache: BodyCache,
    /// Output path -> fingerprint of what the page showed when last rendered.
    fingerprints: HashMap<String, u64>,
    /// The pages of the last good build.
    pages: SiteFiles,
    /// The last linked site, kept so that an edit to one article can patch it.
    graph: Option<SiteGraph>,
    /// Whether `graph` was linked from the sources as they are (apart from the files just saved).
    graph_current: bool,
    /// Every problem of the last rebuild that got as far as linking.
    last_diags: Diagnostics,
    /// True when another save is waiting (see `watch::Watcher::pending`): a rebuild that has served
    /// the saved page stops there and leaves the lists to the next one.
    interrupt: Option<Arc<AtomicBool>>,
}

impl LiveSite {
    /// Reads the whole site. Fails only when it is not a site at all (no site.yaml).
    pub fn open(
        root: &Path,
        base_url: String,
        drafts: bool,
        future: bool,
    ) -> Result<Self, BuildError> {
        let mut site = LiveSite {
            root: root.to_path_buf(),
            base_url,
            drafts,
            future,
            config_text: String::new(),
            sources: BTreeMap::new(),
            load_diags: Vec::new(),
            statics: Vec::new(),
            static_files: SiteFiles::new(),
            image_files: SiteFiles::new(),
            templates: Vec::new(),
            tera: Err(Diagnostics::new()),
            cache: BodyCache::default(),
            fingerprints: HashMap::new(),
            pages: SiteFiles::new(),
            graph: None,
            graph_current: false,
            last_diags: Diagnostics::new(),
            interrupt: None,
        };
        site.read_all()?;
        Ok(site)
    }

    /// Lets rebuilds yield to a save that arrives while they run (the flag the watcher sets).
    pub fn set_interrupt(&mut self, flag: Arc<AtomicBool>) {
        self.interrupt = Some(flag);
    }

    fn selection(&self) -> Selection {
        Selection {
            drafts: self.drafts,
            future: self.future,
            ..Selection::published()
        }
    }

    /// Reads and parses every file again; rendered bodies and page fingerprints are kept, so only
    /// what differs is rendered afterwards.
    fn read_all(&mut self) -> Result<(), BuildError> {
        let mut diags = Diagnostics::new();
        let tree = load::load(&self.root, &mut diags)?;
        self.config_text = tree.config_text;
        self.sources = tree
            .files
            .par_iter()
            .map(|f| (display_path(&f.rel), Source::from(parse::parse_file(f))))
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        self.load_diags = diags.into_vec();
        self.statics = tree.statics;
        self.templates = tree.templates;
        self.read_static_files();
        self.load_templates();
        Ok(())
    }

    fn read_config(&mut self) {
        let path = self.root.join(load::CONFIG_FILE);
        self.load_diags
            .retain(|d| d.path != Path::new(load::CONFIG_FILE));
        match std::fs::read_to_string(&path) {
            Ok(text) => self.config_text = text,
            Err(e) => {
                self.config_text.clear();
                self.load_diags.push(
                    Diagnostic::error(
                        load::CONFIG_FILE,
                        format!("cannot read the site settings: {e}"),
                    )
                    .hint("put site.yaml back; the server shows the last good build meanwhile"),
                );
            }
        }
    }

    fn reread(&mut self, rel: &str) {
        self.load_diags.retain(|d| d.path != Path::new(rel));
        match load::reread(&self.root, rel) {
            Reread::Gone => {
                self.sources.remove(rel);
            }
            Reread::File(f) => {
                self.sources
                    .insert(rel.to_string(), Source::from(parse::parse_file(&f)));
            }
            Reread::Problem(d) => {
                self.sources
                    .insert(rel.to_string(), Source::Broken(vec![d]));
            }
        }
    }

    fn reread_folder(&mut self, folder: &str) -> Vec<AssetFile> {
        let prefix = format!("{folder}/");
        self.load_diags
            .retain(|d| !display_path(&d.path).starts_with(&prefix));
        let mut diags = Diagnostics::new();
        let files = match load::assets(&self.root, folder, &mut diags) {
            Ok(files) => files,
            Err(e) => {
                diags.push(Diagnostic::error(folder, e.to_string()));
                Vec::new()
            }
        };
        self.load_diags.extend(diags.into_vec());
        files
    }

    fn read_static_files(&mut self) {
        type Read = Result<(String, Arc<[u8]>), Diagnostic>;
        let read: Vec<Read> = self
            .statics
            .par_iter()
            .map(|s| match std::fs::read(&s.abs) {
                Ok(bytes) => Ok((s.rel.clone(), Arc::from(bytes))),
                Err(e) => Err(Diagnostic::error(
                    format!("static/{}", s.rel),
                    format!("cannot read: {e}"),
                )),
            })
            .collect();
        self.static_files.clear();
        for r in read {
            match r {
                Ok((rel, bytes)) => {
                    self.static_files.insert(rel, bytes);
                }
                Err(d) => self.load_diags.push(d),
            }
        }
    }

    /// Makes (or finds in the build's image cache, the one `build` uses) every image variant and
    /// keeps its bytes to serve.
    fn read_images(&mut self, graph: &SiteGraph) -> Result<(), Diagnostics> {
        let processed = crate::images::process(&self.root, &graph.images)?;
        let mut files = SiteFiles::new();
        for (rel, from) in processed.files {
            let bytes = std::fs::read(&from).map_err(|e| {
                let mut d = Diagnostics::new();
                d.push(Diagnostic::error(&from, format!("cannot read: {e}")));
                d
            })?;
            files.insert(rel, Arc::from(bytes));
        }
        self.image_files = files;
        Ok(())
    }

    fn load_templates(&mut self) {
        let base = BaseUrl::parse(&self.base_url)
            .map(|b| b.path)
            .unwrap_or_else(|_| "/".into());
        self.tera = render::load_templates(&self.templates, &base);
        // New templates may change any page.
        self.fingerprints.clear();
    }

    /// Takes in what changed on disk and rebuilds what it affects. `early` is handed the site as
    /// soon as the pages of the saved files themselves are rendered, before the lists that show
    /// them: the page being edited is served first.
    pub(crate) fn apply(
        &mut self,
        changes: &Changes,
        watch: &Watch,
        early: &mut dyn FnMut(Early),
    ) -> Rebuilt {
        if changes.rescan {
            self.graph_current = false;
            if let Err(e) = self.read_all() {
                // site.yaml or the folder went away: show it, keep serving the last good build.
                self.load_diags = vec![Diagnostic::error(".", e.to_string())];
            }
            return self.rebuild(&HashSet::new(), watch, early);
        }
        if changes.config || changes.templates || changes.statics || changes.images {
            // Links, settings, template problems or images may change anywhere: link everything
            // again (the survey sees replaced images; bodies and pages showing them re-render).
            self.graph_current = false;
        }
        if changes.config {
            self.read_config();
        }
        for rel in &changes.content {
            self.reread(rel);
        }
        if changes.templates {
            self.templates = self.reread_folder("templates");
            self.load_templates();
        }
        if changes.statics {
            self.statics = self.reread_folder("static");
            self.read_static_files();
        }
        let saved: HashSet<String> = changes.content.iter().cloned().collect();
        let mut rebuilt = self.rebuild(&saved, watch, early);
        if changes.statics || changes.config || changes.images {
            // An image's bytes may change under the same URL: every tab reloads.
            rebuilt.changed = None;
        }
        rebuilt
    }

    /// Links the kept sources and renders the pages whose content changed since the last good
    /// build, the pages of the `saved` files first (handed to `early`). On any error the last good
    /// build stays as it is.
    pub(crate) fn rebuild(
        &mut self,
        saved: &HashSet<String>,
        watch: &Watch,
        early: &mut dyn FnMut(Early),
    ) -> Rebuilt {
        let started = Instant::now();
        let linked = match self.relink_saved(saved) {
            Some(linked) => Ok(linked),
            None => self.link_all(),
        };
        let (graph, diags) = match linked {
            Ok(linked) => linked,
            Err(diags) => return self.failed(diags, started),
        };
        if !diags.has_errors() {
            if let Err(image_diags) = self.read_images(&graph) {
                return self.failed(image_diags, started);
            }
        }
        self.last_diags = diags.clone();
        self.graph_current = true;
        let rebuilt = self.render(&graph, diags, saved, watch, early, started);
        self.graph = Some(graph);
        rebuilt
    }

    /// The fast way, when only articles were saved and each keeps its place in the site: patch
    /// the kept graph instead of linking every file again.
    fn relink_saved(&mut self, saved: &HashSet<String>) -> Option<(SiteGraph, Diagnostics)> {
        if !self.graph_current || saved.is_empty() {
            return None;
        }
        let edited: Vec<Arc<Article>> = saved
            .iter()
            .map(|rel| match self.sources.get(rel) {
                Some(Source::Article(a)) => Some(a.clone()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let selection = self.selection();
        let shown = selection.in_zone(self.graph.as_ref()?.selection.zone);
        let statics: HashSet<String> = self.statics.iter().map(|s| s.rel.clone()).collect();
        let images = &self.graph.as_ref()?.images;
        let includes = |a: &Article| shown.includes(a);
        if !(edited.iter()).all(|a| images.covers(&self.root, &statics, &includes, a)) {
            return None;
        }
        let mut graph = self.graph.take()?;
        match link::relink_articles(&mut graph, &edited, selection, &mut self.cache) {
            Some(own) => {
                let mut diags: Diagnostics = self
                    .last_diags
                    .iter()
                    .filter(|d| !saved.contains(&display_path(&d.path)))
                    .cloned()
                    .collect();
                diags.extend(own);
                diags.sort();
                Some((graph, diags))
            }
            None => {
                self.graph = Some(graph);
                None
            }
        }
    }

    /// Links every kept source. Err: the problems, when it could not get as far as linking.
    fn link_all(&mut self) -> Result<(SiteGraph, Diagnostics), Diagnostics> {
        let mut diags = Diagnostics::new();
        diags.extend(self.load_diags.iter().cloned());
        let config = parse_config(&self.config_text, Some(&self.base_url), &mut diags);
        let mut content = Content::default();
        for s in self.sources.values() {
            match s {
                Source::Article(a) => content.articles.push(a.clone()),
                Source::Company(c) => content.companies.push(c.clone()),
                Source::Model(m) => content.models.push(m.clone()),
                Source::Theme(t) => content.themes.push(t.clone()),
                Source::Page(p) => content.pages.push(p.clone()),
                Source::Broken(ds) => diags.extend(ds.iter().cloned()),
            }
        }
        if let Err(template_diags) = &self.tera {
            diags.extend(template_diags.iter().cloned());
        }
        let Some((config, base)) = config else {
            self.graph_current = false;
            return Err(diags);
        };
        let statics: HashSet<String> = self.statics.iter().map(|s| s.rel.clone()).collect();
        let shown = self.selection().in_zone(config.zone);
        let images = Arc::new(crate::images::survey(
            &self.root,
            &content,
            &statics,
            &|a| shown.includes(a),
            &mut diags,
        ));
        let graph = link::link(
            config,
            base,
            content,
            &statics,
            images,
            self.selection(),
            Some(&mut self.cache),
            &mut diags,
        );
        diags.sort();
        if let Some(old) = self.graph.take() {
            // Freeing every node of the old graph is not on the way to the next page.
            std::thread::spawn(move || drop(old));
        }
        Ok((graph, diags))
    }

    /// Renders what changed since the last good build into the kept pages.
    fn render(
        &mut self,
        graph: &SiteGraph,
        mut diags: Diagnostics,
        saved: &HashSet<String>,
        watch: &Watch,
        early: &mut dyn FnMut(Early),
        started: Instant,
    ) -> Rebuilt {
        let tera = match &self.tera {
            Ok(tera) if !diags.has_errors() => tera,
            _ => return self.failed(diags, started),
        };
        let prepared = render::Prepared::new(graph);
        let ahead = self.render_ahead(&prepared, tera, saved, watch, early, started);
        if ahead.served.is_some() && raised(&self.interrupt) {
            let mut r = self.yield_to_next_save(ahead, diags, started);
            r.unpublished = graph.unpublished_problems();
            return r;
        }
        let out = MemoryOutput::new();
        let stop = || raised(&self.interrupt);
        let rendition = match render::render_changed(
            &prepared,
            tera,
            &self.fingerprints,
            &ahead.done,
            &out,
            watch,
            &stop,
        ) {
            Ok(r) => r,
            Err(e) => {
                diags.extend(self.render_diagnostics(e));
                return self.failed(diags, started);
            }
        };
        let clashes = crate::site::static_clashes(&self.statics, |rel| {
            rendition.fingerprints.contains_key(rel)
        });
        if !clashes.is_empty() {
            diags.extend(clashes.into_vec());
            return self.failed(diags, started);
        }
        let mut r = self.keep(ahead, out, rendition, diags, started);
        r.unpublished = graph.unpublished_problems();
        r
    }

    /// Renders the saved files' own pages first and hands them to `early`, so the page being
    /// edited is served without waiting for the lists (the archive lists every article). Nothing
    /// goes ahead on the first build, or when the saved files have no page of their own.
    fn render_ahead(
        &self,
        prepared: &render::Prepared<'_>,
        tera: &Tera,
        saved: &HashSet<String>,
        watch: &Watch,
        early: &mut dyn FnMut(Early),
        started: Instant,
    ) -> Ahead {
        let mut ahead = Ahead {
            out: MemoryOutput::new(),
            done: HashSet::new(),
            served: None,
        };
        let jobs = prepared.jobs_of_sources(saved);
        if jobs.is_empty() || self.fingerprints.is_empty() {
            return ahead;
        }
        if let Ok(paths) = prepared.render_some(&jobs, tera, &ahead.out, watch) {
            let mut files = self.served_files();
            for (path, bytes) in ahead.out.snapshot() {
                files.insert(path, bytes);
            }
            early(Early {
                files: Arc::new(files),
                changed: paths.clone(),
            });
            ahead.done.extend(paths);
            ahead.served = Some(started.elapsed());
        }
        ahead
    }

    /// Another save is waiting: the edited page is served; the lists that show it are left for the
    /// next rebuild, whose fingerprints still differ from the ones kept here. The early pages lose
    /// theirs, so the next rebuild renders them again from its graph.
    fn yield_to_next_save(
        &mut self,
        ahead: Ahead,
        diags: Diagnostics,
        started: Instant,
    ) -> Rebuilt {
        for (path, bytes) in ahead.out.into_files() {
            self.fingerprints.remove(&path);
            self.pages.insert(path, bytes);
        }
        Rebuilt {
            files: Arc::new(self.served_files()),
            errors: None,
            warnings: diags,
            unpublished: Diagnostics::new(),
            pages_rendered: ahead.done.len(),
            changed: Some(ahead.done.into_iter().collect()),
            first_served: ahead.served,
            bodies_rendered: self.cache.rendered_last,
            elapsed: started.elapsed(),
        }
    }

    /// Keeps a finished render as the last good build: the pages rendered ahead and the rest go
    /// in, pages no longer built go out, and the fingerprints become this render's.
    fn keep(
        &mut self,
        ahead: Ahead,
        out: MemoryOutput,
        rendition: render::Rendition,
        diags: Diagnostics,
        started: Instant,
    ) -> Rebuilt {
        let bodies_rendered = self.cache.rendered_last;
        for (path, bytes) in ahead.out.into_files().into_iter().chain(out.into_files()) {
            self.pages.insert(path, bytes);
        }
        let mut changed = rendition.changed;
        let pages_rendered = changed.len();
        // Pages published early are the same now: their tabs have reloaded already.
        changed.retain(|p| !ahead.done.contains(p));
        changed.extend(
            self.fingerprints
                .keys()
                .filter(|p| !rendition.fingerprints.contains_key(*p))
                .cloned(),
        );
        self.pages
            .retain(|path, _| rendition.fingerprints.contains_key(path));
        self.fingerprints = rendition.fingerprints;
        Rebuilt {
            files: Arc::new(self.served_files()),
            errors: None,
            warnings: diags,
            unpublished: Diagnostics::new(),
            changed: Some(changed),
            first_served: ahead.served,
            pages_rendered,
            bodies_rendered,
            elapsed: started.elapsed(),
        }
    }

    /// The last good pages with the static files over them, as they are served.
    fn served_files(&self) -> SiteFiles {
        let mut files = self.pages.clone();
        for (rel, bytes) in self.static_files.iter().chain(&self.image_files) {
            files.insert(rel.clone(), bytes.clone());
        }
        files
    }

    fn failed(&self, mut diags: Diagnostics, started: Instant) -> Rebuilt {
        diags.sort();
        Rebuilt::failed(Arc::new(self.served_files()), diags, started)
    }

    /// A render failure as diagnostics naming the template file the user can fix (a template
    /// that failed on a page comes as such already, with its line).
    fn render_diagnostics(&self, e: BuildError) -> Vec<Diagnostic> {
        let d = match e {
            BuildError::Content { diagnostics } => return diagnostics.into_vec(),
            BuildError::Template { name, message } => {
                let overridden = self.templates.iter().any(|t| t.rel == name);
                let path = if overridden {
                    format!("templates/{name}")
                } else {
                    format!("(built-in theme) {name}")
                };
                Diagnostic::error(path, format!("template error: {message}"))
                    .hint("fix the template; the last good build is served meanwhile")
            }
            other => Diagnostic::error("(output)", other.to_string()),
        };
        vec![d]
    }
}
