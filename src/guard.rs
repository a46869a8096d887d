//! Keeps templates from hanging or crashing a build. Tera 1.20 has no limits of its own: a
//! template that includes itself, a macro that calls itself or templates that import each other
//! recurse until the stack overflows (the process aborts), `range(end=100000000000)` builds the
//! whole list in memory, `range(step_by=0)` never ends, and nested loops can run for hours.
//!
//! So: before parsing, template sources are checked for nesting depth; after parsing, the graph of
//! includes, imports, `extends` and macro calls must be free of cycles and shallow; `range` is
//! replaced by a bounded one; and pages render on big-stack worker threads under a watchdog that
//! gives up on a page after a time budget. Owns no pipeline stage: `render` and `build` call it.

use crate::error::{Diagnostic, Diagnostics};
use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

/// Deepest nesting of block tags (`if`, `for`, `block`, `macro`, `filter`) in one template, and
/// of brackets in one expression. Tera's parser and renderer recurse once per level.
pub const MAX_NESTING: usize = 64;
/// Longest chain of templates and macros that include, extend, import or call one another.
pub const MAX_CHAIN: usize = 32;
/// Most numbers `range()` may produce.
pub const MAX_RANGE: usize = 100_000;
/// Stack for each render thread. With the limits above a page needs a few MB even in a debug
/// build; the rest is headroom. Only touched pages of it are ever committed.
pub(crate) const RENDER_STACK: usize = 64 * 1024 * 1024;
/// Default time one page may take to render.
pub const DEFAULT_PAGE_BUDGET: Duration = Duration::from_secs(30);

/// One template's source, as `check_sources` sees it.
pub(crate) struct Source<'a> {
    /// Where the user finds it (`templates/article.html`, or the built-in theme).
    pub path: &'a str,
    pub text: &'a str,
}

/// Refuses templates nested deeper than `MAX_NESTING`, before Tera's recursive parser sees them.
pub(crate) fn check_sources(sources: &[Source<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for s in sources {
        if let Some((line, what)) = too_deep(s.text) {
            diags.push(
                Diagnostic::error(
                    s.path,
                    format!("{what} are nested more than {MAX_NESTING} levels deep"),
                )
                .at(line, None)
                .hint("split the template into smaller ones with `include` or macros"),
            );
        }
    }
    diags
}

/// The line where block tags or expression brackets first nest too deep, and which of them.
fn too_deep(text: &str) -> Option<(usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut blocks = 0usize;
    let mut i = 0;
    let line_at = |i: usize| text[..i].bytes().filter(|&b| b == b'\n').count() + 1;
    while i + 1 < bytes.len() {
        let open = &bytes[i..i + 2];
        let close: &[u8] = match open {
            b"{#" => b"#}",
            b"{{" => b"}}",
            b"{%" => b"%}",
            _ => {
                i += 1;
                continue;
            }
        };
        let start = i + 2;
        let end = find(bytes, start, close).unwrap_or(bytes.len());
        let inner = &text[start..end];
        i = (end + 2).min(bytes.len());
        if open == b"{#" {
            continue;
        }
        if expression_depth(inner) > MAX_NESTING {
            return Some((line_at(start), "brackets in an expression"));
        }
        if open == b"{{" {
            continue;
        }
        let word = inner
            .trim_start_matches('-')
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches('-');
        match word {
            "raw" => {
                // Everything up to `endraw` is text.
                while let Some(at) = find(bytes, i, b"{%") {
                    let tag_end = find(bytes, at + 2, b"%}").unwrap_or(bytes.len());
                    i = (tag_end + 2).min(bytes.len());
                    if text[at + 2..tag_end].trim_matches(['-', ' ', '\t', '\n', '\r']) == "endraw"
                    {
                        break;
                    }
                }
            }
            "if" | "for" | "block" | "macro" | "filter" => {
                blocks += 1;
                if blocks > MAX_NESTING {
                    return Some((line_at(start), "block tags (`if`, `for`, `block`, ...)"));
                }
            }
            w if w.starts_with("end") => blocks = blocks.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Deepest `(`/`[`/`{` nesting in an expression, outside string literals.
fn expression_depth(expr: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    for c in expr.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '(' | '[' | '{' => {
                    depth += 1;
                    max = max.max(depth);
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    max
}

/// A template, or a macro in a template, as a node of the call graph.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Unit {
    Template(String),
    Macro { file: String, name: String },
}

impl Unit {
    fn describe(&self) -> String {
        match self {
            Unit::Template(t) => t.clone(),
            Unit::Macro { file, name } => format!("macro `{name}` in {file}"),
        }
    }
}

/// Refuses templates that include, import or extend themselves through any chain, macros that
/// call themselves (directly or through other macros), and chains longer than `MAX_CHAIN`.
/// `path_of` maps a template name to the path shown to the user.
pub(crate) fn check_graph(tera: &Tera, path_of: &dyn Fn(&str) -> String) -> Diagnostics {
    let mut edges: HashMap<Unit, Vec<Unit>> = HashMap::new();
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    for name in &names {
        let Ok(t) = tera.get_template(name) else {
            continue;
        };
        // Namespaces visible to the template's own nodes: its imports, then its parents'.
        let mut namespaces: HashMap<&str, &str> = HashMap::new();
        namespaces.insert("self", name);
        for parent in t.parents.iter().rev() {
            if let Ok(p) = tera.get_template(parent) {
                for (file, ns) in &p.imported_macro_files {
                    namespaces.insert(ns, file);
                }
            }
        }
        for (file, ns) in &t.imported_macro_files {
            namespaces.insert(ns, file);
        }
        let mut out = Vec::new();
        if let Some(parent) = &t.parent {
            out.push(Unit::Template(parent.clone()));
        }
        for (file, _) in &t.imported_macro_files {
            out.push(Unit::Template(file.clone()));
        }
        collect(tera, &t.ast, &namespaces, &mut out);
        edges.insert(Unit::Template(name.to_string()), out);

        // A macro body resolves `self::` to its own file and other namespaces through that file's imports.
        let mut own: HashMap<&str, &str> = HashMap::new();
        own.insert("self", name);
        for (file, ns) in &t.imported_macro_files {
            own.insert(ns, file);
        }
        let mut macros: Vec<_> = t.macros.iter().collect();
        macros.sort_unstable_by_key(|(n, _)| n.as_str());
        for (mname, def) in macros {
            let mut out = Vec::new();
            for e in def.args.values().flatten() {
                collect_expr(e, &own, &mut out);
            }
            collect(tera, &def.body, &own, &mut out);
            edges.insert(
                Unit::Macro {
                    file: name.to_string(),
                    name: mname.clone(),
                },
                out,
            );
        }
    }

    let mut diags = Diagnostics::new();
    let mut roots: Vec<&Unit> = edges.keys().collect();
    roots.sort_unstable_by_key(|u| u.describe());
    let mut state: HashMap<Unit, Visit> = HashMap::new();
    for root in roots {
        if let Err(problem) = visit(root, &edges, &mut state) {
            let file = match &problem.at {
                Unit::Template(t) => t,
                Unit::Macro { file, .. } => file,
            };
            diags.push(Diagnostic::error(path_of(file), problem.message).hint(problem.hint));
            break;
        }
    }
    diags
}

/// Every unit the nodes refer to: includes, macro calls, and the same inside nested bodies.
fn collect(tera: &Tera, nodes: &[Node], ns: &HashMap<&str, &str>, out: &mut Vec<Unit>) {
    for n in nodes {
        match n {
            Node::VariableBlock(_, e) => collect_expr(e, ns, out),
            Node::Set(_, s) => collect_expr(&s.value, ns, out),
            Node::Include(_, names, _) => {
                // Tera renders the first of the list that exists.
                if let Some(found) = names.iter().find(|n| tera.get_template(n).is_ok()) {
                    out.push(Unit::Template(found.clone()));
                }
            }
            Node::FilterSection(_, f, _) => {
                for e in f.filter.args.values() {
                    collect_expr(e, ns, out);
                }
                collect(tera, &f.body, ns, out);
            }
            Node::Block(_, b, _) => collect(tera, &b.body, ns, out),
            Node::Forloop(_, f, _) => {
                collect_expr(&f.container, ns, out);
                collect(tera, &f.body, ns, out);
                if let Some(body) = &f.empty_body {
                    collect(tera, body, ns, out);
                }
            }
            Node::If(i, _) => {
                for (_, cond, body) in &i.conditions {
                    collect_expr(cond, ns, out);
                    collect(tera, body, ns, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    collect(tera, body, ns, out);
                }
            }
            // Macro bodies are units of their own.
            Node::MacroDefinition(..)
            | Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

fn collect_expr(e: &Expr, ns: &HashMap<&str, &str>, out: &mut Vec<Unit>) {
    for f in &e.filters {
        for a in f.args.values() {
            collect_expr(a, ns, out);
        }
    }
    match &e.val {
        ExprVal::MacroCall(call) => {
            if let Some(file) = ns.get(call.namespace.as_str()) {
                out.push(Unit::Macro {
                    file: file.to_string(),
                    name: call.name.clone(),
                });
            }
            for a in call.args.values() {
                collect_expr(a, ns, out);
            }
        }
        ExprVal::FunctionCall(f) => {
            for a in f.args.values() {
                collect_expr(a, ns, out);
            }
        }
        ExprVal::Math(m) => {
            collect_expr(&m.lhs, ns, out);
            collect_expr(&m.rhs, ns, out);
        }
        ExprVal::Logic(l) => {
            collect_expr(&l.lhs, ns, out);
            collect_expr(&l.rhs, ns, out);
        }
        ExprVal::In(i) => {
            collect_expr(&i.lhs, ns, out);
            collect_expr(&i.rhs, ns, out);
        }
        ExprVal::Test(t) => {
            for a in &t.args {
                collect_expr(a, ns, out);
            }
        }
        ExprVal::Array(items) => {
            for a in items {
                collect_expr(a, ns, out);
            }
        }
        ExprVal::StringConcat(_)
        | ExprVal::String(_)
        | ExprVal::Int(_)
        | ExprVal::Float(_)
        | ExprVal::Bool(_)
        | ExprVal::Ident(_) => {}
    }
}

#[derive(Clone, Copy)]
enum Visit {
    InProgress,
    /// Finished; the longest chain starting here, counted in units.
    Done(usize),
}

struct Problem {
    at: Unit,
    message: String,
    hint: &'static str,
}

/// Depth-first search without recursion (the graph may be a long chain): finds a cycle or a chain
/// longer than `MAX_CHAIN`.
fn visit(
    root: &Unit,
    edges: &HashMap<Unit, Vec<Unit>>,
    state: &mut HashMap<Unit, Visit>,
) -> Result<(), Problem> {
    if state.contains_key(root) {
        return Ok(());
    }
    // (unit, index of the next edge to follow, longest chain below it so far)
    let mut stack: Vec<(&Unit, usize, usize)> = vec![(root, 0, 0)];
    state.insert(root.clone(), Visit::InProgress);
    while let Some(top) = stack.last_mut() {
        let (unit, next, _) = *top;
        let targets = edges.get(unit).map(Vec::as_slice).unwrap_or(&[]);
        if next < targets.len() {
            top.1 += 1;
            let t = &targets[next];
            match state.get(t) {
                Some(Visit::InProgress) => {
                    let from = stack.iter().position(|(u, _, _)| *u == t).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[from..].iter().map(|(u, _, _)| u.describe()).collect();
                    cycle.push(t.describe());
                    let what = match t {
                        Unit::Template(_) if cycle.len() == 2 => {
                            format!("template {} includes or imports itself", t.describe())
                        }
                        Unit::Template(_) => format!(
                            "templates include, import or extend each other in a loop: {}",
                            cycle.join(" -> ")
                        ),
                        Unit::Macro { .. } if cycle.len() == 2 => {
                            format!("{} calls itself", t.describe())
                        }
                        Unit::Macro { .. } => {
                            format!("macros call each other in a loop: {}", cycle.join(" -> "))
                        }
                    };
                    return Err(Problem {
                        at: t.clone(),
                        message: what,
                        hint: "a build could not tell when this stops; recursion in templates is not allowed",
                    });
                }
                Some(Visit::Done(below)) => {
                    let below = *below;
                    let top = stack.last_mut().expect("not empty");
                    top.2 = top.2.max(below);
                }
                None => {
                    state.insert(t.clone(), Visit::InProgress);
                    stack.push((t, 0, 0));
                }
            }
        } else {
            let (unit, _, below) = stack.pop().expect("not empty");
            let depth = below + 1;
            if depth > MAX_CHAIN {
                return Err(Problem {
                    at: unit.clone(),
                    message: format!(
                        "{} starts a chain of more than {MAX_CHAIN} nested includes and macro calls",
                        unit.describe()
                    ),
                    hint: "merge some of the templates or macros: each level of nesting costs stack",
                });
            }
            state.insert(unit.clone(), Visit::Done(depth));
            if let Some(parent) = stack.last_mut() {
                parent.2 = parent.2.max(depth);
            }
        }
    }
    Ok(())
}

/// Tera's `range`, bounded: at most `MAX_RANGE` numbers, and `step_by` of at least 1.
pub(crate) fn range(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let arg = |key: &str, default: Option<usize>| -> tera::Result<usize> {
        match args.get(key) {
            Some(v) => v.as_u64().map(|n| n as usize).ok_or_else(|| {
                tera::Error::msg(format!(
                    "range(): `{key}` must be a whole number of 0 or more, not {v}"
                ))
            }),
            None => default.ok_or_else(|| tera::Error::msg("range() needs `end`")),
        }
    };
    let start = arg("start", Some(0))?;
    let end = arg("end", None)?;
    let step = arg("step_by", Some(1))?;
    if step == 0 {
        return Err(tera::Error::msg(
            "range(): `step_by` must be at least 1 (0 would never end)",
        ));
    }
    if start > end {
        return Err(tera::Error::msg("range(): `start` is greater than `end`"));
    }
    let count = (end - start).div_ceil(step);
    if count > MAX_RANGE {
        return Err(tera::Error::msg(format!(
            "range() would make {count} numbers; at most {MAX_RANGE} are allowed"
        )));
    }
    Ok(tera::Value::Array(
        (start..end).step_by(step).map(tera::Value::from).collect(),
    ))
}

/// Pages being rendered right now, so a watchdog can tell which one takes too long.
#[derive(Default)]
pub(crate) struct Watch {
    next: AtomicU64,
    running: Mutex<HashMap<u64, (String, String, Instant)>>,
    cancelled: AtomicBool,
}

/// Removes its page from the `Watch` when dropped.
pub(crate) struct Ticket<'a> {
    watch: &'a Watch,
    id: u64,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        self.watch.running().remove(&self.id);
    }
}

impl Watch {
    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<u64, (String, String, Instant)>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records that `template` started rendering `page`.
    pub(crate) fn start(&self, template: &str, page: &str) -> Ticket<'_> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.running()
            .insert(id, (template.to_string(), page.to_string(), Instant::now()));
        Ticket { watch: self, id }
    }

    /// The (template, page) that has been rendering for longer than `budget`, if any.
    pub(crate) fn overdue(&self, budget: Duration) -> Option<(String, String)> {
        self.running()
            .values()
            .filter(|(_, _, t)| t.elapsed() > budget)
            .min_by_key(|(_, _, t)| *t)
            .map(|(tpl, page, _)| (tpl.clone(), page.clone()))
    }

    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// How a watched piece of work ended, when it did not return.
#[derive(Debug)]
pub(crate) enum Stopped {
    /// `template` rendered `page` for longer than the budget; the work was abandoned.
    Overdue { template: String, page: String },
    /// A render thread panicked.
    Crashed(String),
}

/// Runs `work` on a pool of worker threads with `RENDER_STACK` stacks while this thread watches
/// `Watch`. If a page renders for longer than `budget`, returns `Stopped::Overdue` at once and
/// leaves the workers behind (Rust cannot stop a thread; they end with the process, and the
/// cancelled `Watch` makes them stop at their next write).
pub(crate) fn run_watched<T: Send + 'static>(
    budget: Duration,
    work: impl FnOnce(&Watch) -> T + Send + 'static,
) -> Result<T, Stopped> {
    let watch = Arc::new(Watch::default());
    let (tx, rx) = mpsc::channel();
    let theirs = Arc::clone(&watch);
    let handle = std::thread::Builder::new()
        .name("briefing-render".into())
        .stack_size(RENDER_STACK)
        .spawn(move || {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(rayon::current_num_threads())
                .stack_size(RENDER_STACK)
                .thread_name(|i| format!("briefing-render-{i}"))
                .build();
            let result = match pool {
                Ok(pool) => pool.install(|| work(&theirs)),
                // No pool (threads refused): render here, on this thread's own big stack.
                Err(_) => work(&theirs),
            };
            let _ = tx.send(result);
        })
        .map_err(|e| Stopped::Crashed(format!("cannot start render threads: {e}")));
    let handle = handle?;
    let tick = Duration::from_millis(50).min(budget);
    loop {
        match rx.recv_timeout(tick) {
            Ok(result) => {
                let _ = handle.join();
                return Ok(result);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some((template, page)) = watch.overdue(budget) {
                    watch.cancel();
                    return Err(Stopped::Overdue { template, page });
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let why = match handle.join() {
                    Err(payload) => payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "unknown panic".into()),
                    Ok(()) => "the render thread ended without a result".into(),
                };
                return Err(Stopped::Crashed(why));
            }
        }
    }
}

/// A page's output in memory, refusing to grow past `limit` bytes or to go on once the build was
/// cancelled: a template that loops while printing stops here instead of filling memory.
pub(crate) struct PageBuffer<'a> {
    pub bytes: Vec<u8>,
    limit: usize,
    watch: &'a Watch,
}

impl<'a> PageBuffer<'a> {
    pub(crate) fn new(limit: usize, watch: &'a Watch) -> Self {
        PageBuffer {
            bytes: Vec::new(),
            limit,
            watch,
        }
    }
}

impl io::Write for PageBuffer<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.watch.is_cancelled() {
            return Err(io::Error::other("the build was stopped"));
        }
        if self.bytes.len() + buf.len() > self.limit {
            return Err(io::Error::other(format!(
                "the page grew past {} MiB; does a loop run too often?",
                self.limit / (1024 * 1024)
            )));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut t = Tera::default();
        t.add_raw_templates(templates.to_vec()).unwrap();
        t
    }

    fn graph_errors(templates: &[(&str, &str)]) -> Vec<String> {
        check_graph(&tera(templates), &|n| format!("templates/{n}"))
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn self_include_is_refused() {
        let errs = graph_errors(&[("a.html", "x{% include \"a.html\" %}")]);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0]
                .starts_with("templates/a.html: error: template a.html includes or imports itself"),
            "{errs:?}"
        );
    }

    #[test]
    fn include_loop_through_another_template_is_refused() {
        let errs = graph_errors(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% if x %}{% include \"a.html\" %}{% endif %}"),
        ]);
        assert!(
            errs[0].contains("a.html -> b.html -> a.html")
                || errs[0].contains("b.html -> a.html -> b.html"),
            "{errs:?}"
        );
    }

    #[test]
    fn parent_including_its_child_is_refused() {
        let errs = graph_errors(&[
            (
                "base.html",
                "{% block c %}{% endblock c %}{% include \"child.html\" %}",
            ),
            (
                "child.html",
                "{% extends \"base.html\" %}{% block c %}x{% endblock c %}",
            ),
        ]);
        assert_eq!(errs.len(), 1, "{errs:?}");
    }

    #[test]
    fn recursive_and_mutually_recursive_macros_are_refused() {
        let errs = graph_errors(&[(
            "m.html",
            "{% macro f(n) %}{{ self::f(n=n+1) }}{% endmacro f %}",
        )]);
        assert!(
            errs[0].contains("macro `f` in m.html calls itself"),
            "{errs:?}"
        );
        let errs = graph_errors(&[(
            "m.html",
            "{% macro f() %}{{ self::g() }}{% endmacro f %}{% macro g() %}{{ self::f() }}{% endmacro g %}",
        )]);
        assert!(
            errs[0].contains("macros call each other in a loop"),
            "{errs:?}"
        );
        let errs = graph_errors(&[
            ("m.html", "{% import \"n.html\" as n %}{% macro f() %}{{ n::g() }}{% endmacro f %}"),
            ("n.html", "{% import \"m.html\" as m %}{% macro g() %}{% if true %}{{ m::f() }}{% endif %}{% endmacro g %}"),
        ]);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("in a loop"), "{errs:?}");
    }

    #[test]
    fn the_built_in_theme_passes() {
        let t = tera(crate::render::theme::TEMPLATES);
        assert!(check_graph(&t, &|n| n.to_string()).is_empty());
        let sources: Vec<Source<'_>> = crate::render::theme::TEMPLATES
            .iter()
            .map(|(n, t)| Source { path: n, text: t })
            .collect();
        assert!(check_sources(&sources).is_empty());
    }

    #[test]
    fn long_chains_are_refused() {
        let n = MAX_CHAIN + 2;
        let names: Vec<String> = (0..n).map(|i| format!("t{i}.html")).collect();
        let bodies: Vec<String> = (0..n)
            .map(|i| match names.get(i + 1) {
                Some(next) => format!("{{% include \"{next}\" %}}"),
                None => "end".into(),
            })
            .collect();
        let list: Vec<(&str, &str)> = names
            .iter()
            .zip(&bodies)
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let errs = graph_errors(&list);
        assert!(
            errs.iter().any(|e| e.contains("chain of more than")),
            "{errs:?}"
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!(
            "{}x{}",
            "{% if a %}".repeat(MAX_NESTING + 1),
            "{% endif %}".repeat(MAX_NESTING + 1)
        );
        let parens = format!(
            "line\n{{{{ {}1{} }}}}",
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        );
        let raw = format!("{{% raw %}}{}{{% endraw %}}", "{% if a %}".repeat(100));
        let ok = format!(
            "{}{}",
            "{% if a %}{% endif %}".repeat(1000),
            "{{ \"((((\" }}"
        );
        let s = |name, text| Source { path: name, text };
        let sources = [
            s("deep", &deep),
            s("parens", &parens),
            s("raw", &raw),
            s("ok", &ok),
        ];
        let errs: Vec<String> = check_sources(&sources)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with("deep:1: error: block tags"), "{errs:?}");
        assert!(errs[1].starts_with("parens:2: error: brackets"), "{errs:?}");
    }

    #[test]
    fn range_is_bounded_and_needs_a_step() {
        let args = |pairs: &[(&str, u64)]| -> HashMap<String, tera::Value> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), tera::Value::from(*v)))
                .collect()
        };
        assert_eq!(
            range(&args(&[("start", 1), ("end", 7), ("step_by", 2)])).unwrap(),
            tera::Value::from(vec![1, 3, 5])
        );
        assert!(range(&args(&[("end", 100_000_000_000)]))
            .unwrap_err()
            .to_string()
            .contains("at most"));
        assert!(range(&args(&[("end", 10), ("step_by", 0)])).is_err());
        assert!(range(&args(&[("start", 5), ("end", 1)])).is_err());
    }

    #[test]
    fn page_buffer_stops_at_its_limit_and_on_cancel() {
        use std::io::Write;
        let watch = Watch::default();
        let mut b = PageBuffer::new(10, &watch);
        b.write_all(b"12345").unwrap();
        assert!(b.write_all(b"123456").is_err());
        let mut b = PageBuffer::new(10, &watch);
        watch.cancel();
        assert!(b.write_all(b"1").is_err());
    }

    #[test]
    fn watchdog_gives_up_on_a_page_that_never_finishes() {
        let (tx, rx) = mpsc::channel::<()>();
        let r = run_watched(Duration::from_millis(100), move |w| {
            let _t = w.start("loop.html", "index.html");
            // Blocks until the test ends: a render that never finishes.
            let _ = rx.recv();
        });
        match r {
            Err(Stopped::Overdue { template, page }) => {
                assert_eq!(
                    (template.as_str(), page.as_str()),
                    ("loop.html", "index.html")
                )
            }
            other => panic!("{other:?}"),
        }
        drop(tx);
        assert_eq!(run_watched(Duration::from_secs(5), |_| 7).unwrap(), 7);
    }
}
