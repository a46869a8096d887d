//! Runs the pipeline: load -> parse -> link -> render -> write, and reports what happened.
//! Owns the order of the stages and the rule that nothing is written when the content has errors.

use crate::config::parse_config;
use crate::error::{BuildError, Diagnostic, Diagnostics};
use crate::guard::{self, Stopped, Watch};
/// The instant a build or check runs as of: the clock, or `BRIEFING_NOW` (RFC 3339) when set.
pub use crate::link::select::{now, NOW_VARIABLE};
use crate::link::{self, Selection, SiteGraph};
use crate::load::{self, AssetFile, SourceTree};
use crate::model::Content;
use crate::parse::{self, Item};
use crate::render;
use crate::write::{OutputDir, Sink};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The site's today, as a build run now sees it: `now()` (so `BRIEFING_NOW` too) in site.yaml's
/// `timezone:`. For what `new` and `import` date today, so that it is due when the build says it
/// is. UTC when site.yaml sets no zone or cannot be read (the build reports why).
pub fn today(root: &Path) -> chrono::NaiveDate {
    let zone = std::fs::read_to_string(root.join(load::CONFIG_FILE))
        .ok()
        .and_then(|text| parse_config(&text, None, &mut Diagnostics::new()))
        .map_or(chrono_tz::UTC, |(config, _)| config.zone);
    now().with_timezone(&zone).date_naive()
}

/// What a build is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site: the folder holding site.yaml.
    pub root: PathBuf,
    /// Output folder; default `<root>/public`.
    pub out: Option<PathBuf>,
    /// Overrides site.yaml's base_url.
    pub base_url: Option<String>,
    /// Replace an output folder that briefing did not write.
    pub force: bool,
    /// A preview build: drafts, articles in review and scheduled articles, with banners, `noindex`
    /// and the review desk; written to `<root>/preview` unless `out` says otherwise.
    pub drafts: bool,
    /// Include articles dated after today as published.
    pub future: bool,
    /// How long one page may take to render before the build gives up on it.
    pub render_timeout: Duration,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            force: false,
            drafts: false,
            future: false,
            render_timeout: guard::DEFAULT_PAGE_BUDGET,
        }
    }
    /// Where the build goes: `--out`, else `public/`, else `preview/` for a preview so that a
    /// preview can never be deployed by mistake.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| {
            self.root
                .join(if self.drafts { "preview" } else { "public" })
        })
    }
    /// The articles this build includes, as of today.
    pub fn selection(&self) -> Selection {
        Selection {
            drafts: self.drafts,
            future: self.future,
            ..Selection::published()
        }
    }
}

/// What a finished build reports.
#[derive(Debug)]
pub struct BuildReport {
    pub out: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    /// Image variants this build resized, and those it found in the cache.
    pub images_resized: usize,
    pub images_reused: usize,
    /// Time spent making (or finding) image variants.
    pub images_elapsed: Duration,
    /// Where the build's time went, stage by stage, in order (`build --timings` prints them).
    pub stages: Vec<(&'static str, Duration)>,
    /// Warnings: the build succeeded, but an editor should look.
    pub warnings: Diagnostics,
    /// A preview's unpublished articles' problems (errors among them): built anyway, each shown
    /// on its page's banner and the review desk, and to be fixed before the article goes out.
    pub unpublished: Diagnostics,
}

/// Loads, parses and links the site, collecting every problem. Writes nothing.
pub fn read_site(
    root: &Path,
    base_url: Option<&str>,
    selection: Selection,
) -> Result<(SiteGraph, SourceTree, Diagnostics), BuildError> {
    if let Err(message) = link::select::check_now_variable() {
        return Err(BuildError::Refused {
            path: link::select::NOW_VARIABLE.into(),
            message,
            hint: "set it like BRIEFING_NOW=2026-12-01T23:30:00Z, or unset it to build as of the clock".into(),
        });
    }
    let mut diags = Diagnostics::new();
    let mut tree = load::load(root, &mut diags)?;
    let config = parse_config(&tree.config_text, base_url, &mut diags);

    let parsed: Vec<Result<Item, Vec<Diagnostic>>> =
        tree.files.par_iter_mut().map(parse_and_release).collect();
    let mut content = Content::default();
    for r in parsed {
        match r {
            Ok(Item::Article(a)) => content.articles.push(Arc::new(a)),
            Ok(Item::Company(c)) => content.companies.push(Arc::new(c)),
            Ok(Item::Model(m)) => content.models.push(Arc::new(m)),
            Ok(Item::Theme(t)) => content.themes.push(Arc::new(t)),
            Ok(Item::Page(p)) => content.pages.push(Arc::new(p)),
            Err(ds) => diags.extend(ds),
        }
    }
    let Some((config, base)) = config else {
        diags.sort();
        return Err(BuildError::Content { diagnostics: diags });
    };
    let statics: HashSet<String> = tree.statics.iter().map(|s| s.rel.clone()).collect();
    // Only the images of what this build shows: a draft's never reach a published build.
    let shown = selection.in_zone(config.zone);
    let images =
        crate::images::survey(root, &content, &statics, &|a| shown.includes(a), &mut diags);
    let images = Arc::new(images);
    let graph = link::link(
        config, base, content, &statics, images, selection, None, &mut diags,
    );
    diags.sort();
    Ok((graph, tree, diags))
}

/// Parses one file and frees its text: the parsed item holds what the rest of the build needs,
/// and a site's source text is a fifth of a build's peak memory (bench/RESULTS.md). The file stays
/// listed, so `tree.files` still says what was read.
fn parse_and_release(file: &mut load::SourceFile) -> Result<Item, Vec<Diagnostic>> {
    let item = parse::parse_file(file);
    file.text = String::new();
    item
}

/// Builds the site into its output folder. On any error the previous output is left as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    build_linked(opts).map(|(report, _)| report)
}

/// As [`build`], and hands back the linked site too, for commands that say more about what they
/// built (`publish` names the site and its URL).
pub fn build_linked(opts: &BuildOptions) -> Result<(BuildReport, SiteGraph), BuildError> {
    let started = Instant::now();
    let (graph, tree, diags) = read_site(&opts.root, opts.base_url.as_deref(), opts.selection())?;
    if diags.has_errors() {
        return Err(BuildError::Content { diagnostics: diags });
    }
    let tera = render::load_templates(&tree.templates, &graph.base.path)
        .map_err(|d| BuildError::Content { diagnostics: d })?;
    let read = started.elapsed();
    // Before the output is touched: an image that does not decode leaves the previous output.
    let images = crate::images::process(&opts.root, &graph.images)
        .map_err(|d| BuildError::Content { diagnostics: d })?;

    let writing = Instant::now();
    let out = Arc::new(OutputDir::begin(&opts.out_dir(), &opts.root, opts.force)?);
    let target = out.target().to_path_buf();
    let graph = Arc::new(graph);
    let written = write_site_watched(
        Arc::clone(&graph),
        tree,
        tera,
        Arc::clone(&out),
        opts,
        images.files,
    )?;
    let out = Arc::into_inner(out).expect("the render threads have finished");
    let graph = Arc::into_inner(graph).expect("the render threads have finished");
    let swapping = Instant::now();
    out.commit()?;
    let stages = vec![
        ("read, parse and link", read),
        ("images", images.elapsed),
        ("search index", written.search),
        (
            "pages and files",
            swapping
                .duration_since(writing)
                .saturating_sub(written.search),
        ),
        ("swap into place", swapping.elapsed()),
    ];
    let report = BuildReport {
        out: target,
        pages: written.pages,
        files: written.files,
        elapsed: started.elapsed(),
        images_resized: images.resized,
        images_reused: images.reused,
        images_elapsed: images.elapsed,
        stages,
        warnings: diags,
        unpublished: graph.unpublished_problems(),
    };
    Ok((report, graph))
}

/// What writing the site produced: its pages and files, and the time the search index took.
struct Written {
    pages: usize,
    files: usize,
    search: Duration,
}

/// `write_site` on render threads with big stacks, under a watchdog: a page that renders for longer
/// than `opts.render_timeout` stops the build (the output folder is discarded, the previous output
/// stays) instead of hanging it.
fn write_site_watched(
    graph: Arc<SiteGraph>,
    tree: SourceTree,
    tera: tera::Tera,
    out: Arc<OutputDir>,
    opts: &BuildOptions,
    images: Vec<(String, PathBuf)>,
) -> Result<Written, BuildError> {
    let sink = Arc::clone(&out);
    let result = guard::run_watched(opts.render_timeout, move |watch| {
        write_site_with(&graph, &tree, &tera, &*sink, watch, &images)
    });
    match result {
        Ok(r) => r,
        Err(stopped) => {
            out.discard();
            Err(stopped_error(&opts.root, stopped, opts.render_timeout))
        }
    }
}

/// Why watched rendering stopped, as the error a build (or `serve`'s rebuild) reports: the page
/// and the template file that took longer than `budget`, or the crash.
pub(crate) fn stopped_error(root: &Path, stopped: Stopped, budget: Duration) -> BuildError {
    match stopped {
        Stopped::Overdue { template, page } => BuildError::RenderTimeout {
            template: template_path(root, &template),
            page,
            seconds: budget.as_secs_f64().ceil() as u64,
        },
        Stopped::Crashed(why) => BuildError::Template {
            name: "(render)".into(),
            message: format!("rendering crashed: {why}"),
        },
    }
}

/// `templates/<name>` if the site overrides it, else the built-in theme's.
fn template_path(root: &Path, name: &str) -> String {
    if root.join("templates").join(name).is_file() {
        format!("templates/{name}")
    } else {
        format!("(built-in theme) {name}")
    }
}

/// Renders every page and copies static files into `sink`. Returns (pages, files) written.
pub fn write_site(
    graph: &SiteGraph,
    tree: &SourceTree,
    tera: &tera::Tera,
    sink: &dyn Sink,
) -> Result<(usize, usize), BuildError> {
    write_site_with(graph, tree, tera, sink, &Watch::default(), &[]).map(|w| (w.pages, w.files))
}

fn write_site_with(
    graph: &SiteGraph,
    tree: &SourceTree,
    tera: &tera::Tera,
    sink: &dyn Sink,
    watch: &Watch,
    images: &[(String, PathBuf)],
) -> Result<Written, BuildError> {
    let (written, search) = render::render_site_watched(graph, tera, sink, watch)?;
    let pages = written.iter().filter(|p| p.ends_with(".html")).count();
    let mut generated: HashSet<&str> = written.iter().map(String::as_str).collect();
    generated.extend(graph.images.outputs());
    let clashes = static_clashes(&tree.statics, |rel| generated.contains(rel));
    if !clashes.is_empty() {
        return Err(BuildError::Content {
            diagnostics: clashes,
        });
    }
    tree.statics
        .par_iter()
        .try_for_each(|s| sink.copy(&s.rel, &s.abs))?;
    images
        .par_iter()
        .try_for_each(|(rel, from)| sink.copy(rel, from))?;
    Ok(Written {
        pages,
        files: written.len() + tree.statics.len() + images.len(),
        search,
    })
}

/// Static files that would take the output path of a generated file (`is_generated`). The
/// theme's own static files are the exception: a site's copy replaces the built-in one.
pub(crate) fn static_clashes(
    statics: &[AssetFile],
    is_generated: impl Fn(&str) -> bool,
) -> Diagnostics {
    statics
        .iter()
        .filter(|s| is_generated(&s.rel) && !crate::render::theme::is_theme_static(&s.rel))
        .map(|s| {
            let d = Diagnostic::error(
                format!("static/{}", s.rel),
                "this file has the same output path as a generated page",
            );
            if s.rel == "CNAME" {
                d.hint("site.yaml's `cname` writes CNAME: delete static/CNAME, or remove `cname` from site.yaml")
            } else {
                d.hint("rename or move it; static files may not replace pages")
            }
        })
        .collect()
}
