//! `briefing publish`: the built site lands on gh-pages of a real (local, bare) remote, one commit per
//! change, while the working tree, the index and the current branch stay exactly as they were.

use crate::support::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A site in a git repository on `main`, with a bare repository as `origin`.
struct Repo {
    site: SiteTest,
    remote: tempfile::TempDir,
}

impl Repo {
    /// The minimal site plus a draft, committed; then work in progress of every kind: a staged
    /// file, an unstaged edit and an untracked file, so that "untouched" means something.
    fn new() -> Self {
        let site = SiteTest::minimal()
            .file(
                "content/articles/secret.md",
                "---\ntitle: Zebra Draft Secret\ndate: 2023-12-01\nstatus: draft\n---\nzebra\n",
            )
            .file("NOTES.md", "desk notes\n");
        let root = site.root();
        git(root, &["init", "--quiet"]);
        git(root, &["symbolic-ref", "HEAD", "refs/heads/main"]);
        git(root, &["add", "--all"]);
        git(root, &["commit", "--quiet", "-m", "the site"]);
        site.write("staged.txt", "staged, not committed\n");
        git(root, &["add", "staged.txt"]);
        site.write("NOTES.md", "desk notes, edited but not staged\n");
        site.write("untracked.txt", "nobody added me\n");

        let remote = tempfile::tempdir().unwrap();
        git(remote.path(), &["init", "--quiet", "--bare"]);
        let url = remote.path().to_str().unwrap().to_string();
        git(root, &["remote", "add", "origin", &url]);
        Repo { site, remote }
    }

    fn root(&self) -> &Path {
        self.site.root()
    }

    /// Writes a source file and commits just it, leaving the rest of the work in progress alone.
    fn commit_file(&self, rel: &str, text: impl AsRef<str>) {
        self.site.write(rel, text.as_ref());
        git(self.root(), &["add", "--", rel]);
        git(self.root(), &["commit", "--quiet", "-m", "edit", "--", rel]);
    }

    fn publish(&self, args: &[&str]) -> Run {
        let mut all = vec!["publish"];
        all.extend_from_slice(args);
        self.site.run_with_env(&all, GIT_ENV)
    }

    /// The remote's gh-pages commit, if it has one.
    fn remote_head(&self) -> Option<String> {
        let out = git_output(
            self.remote.path(),
            &["rev-parse", "--verify", "--quiet", "refs/heads/gh-pages"],
        );
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Every file of the remote's gh-pages.
    fn remote_files(&self) -> Vec<String> {
        let list = git(
            self.remote.path(),
            &["ls-tree", "-r", "--name-only", "gh-pages"],
        );
        list.lines().map(str::to_string).collect()
    }

    fn remote_file(&self, rel: &str) -> String {
        git(self.remote.path(), &["show", &format!("gh-pages:{rel}")])
    }
}

/// Everything of the repository a user can see or has staged, read without refreshing the index.
#[derive(Debug, PartialEq, Eq)]
struct WorkState {
    status: String,
    head: String,
    branch: String,
    index: Vec<u8>,
    files: BTreeMap<String, Vec<u8>>,
}

fn work_state(root: &Path) -> WorkState {
    let index = fs::read(root.join(".git/index")).unwrap();
    let files = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().to_string_lossy();
            (rel.into_owned(), fs::read(e.path()).unwrap())
        })
        .collect();
    WorkState {
        status: git(root, &["--no-optional-locks", "status", "--porcelain"]),
        head: git(root, &["rev-parse", "HEAD"]),
        branch: git(root, &["symbolic-ref", "HEAD"]),
        index,
        files,
    }
}

#[test]
fn publish_puts_the_site_on_the_remote_branch_and_leaves_the_work_alone() {
    let repo = Repo::new();
    let before = work_state(repo.root());
    assert!(
        !before.status.is_empty(),
        "the fixture has work in progress"
    );

    let run = repo.publish(&[]);
    run.assert_ok();
    assert!(
        run.stdout().contains("pushed gh-pages to origin"),
        "{}",
        run.stdout()
    );

    assert_eq!(
        work_state(repo.root()),
        before,
        "working tree, index or branch changed"
    );
    let files = repo.remote_files();
    for f in [
        "index.html",
        ".nojekyll",
        "articles/first/index.html",
        "articles/second/index.html",
        "companies/huawei-cloud/index.html",
        "assets/briefing.css",
        "feed.xml",
        "sitemap.xml",
    ] {
        assert!(
            files.contains(&f.to_string()),
            "gh-pages lacks {f}: {files:?}"
        );
    }
    assert!(
        !files.iter().any(|f| f.contains(".briefing-output")),
        "the build's marker is not part of the site: {files:?}"
    );
    assert!(
        !files.iter().any(|f| f.contains("articles/secret")),
        "a draft was published: {files:?}"
    );
    assert!(repo.remote_file("index.html").contains("First Story"));
    let local = git(repo.root(), &["rev-parse", "refs/heads/gh-pages"]);
    assert_eq!(repo.remote_head(), Some(local));
    assert!(
        !repo.site.public().exists(),
        "publish builds elsewhere, not into public/"
    );
}

#[test]
fn publishing_again_commits_only_changes_on_top_of_the_last_publish() {
    let repo = Repo::new();
    repo.publish(&[]).assert_ok();
    let first = repo.remote_head().expect("first publish");

    let run = repo.publish(&[]);
    run.assert_ok();
    assert!(run.stdout().contains("nothing changed"), "{}", run.stdout());
    assert_eq!(repo.remote_head().as_ref(), Some(&first), "no new commit");
    assert_eq!(git(repo.root(), &["rev-list", "--count", "gh-pages"]), "1");

    repo.commit_file(
        "content/articles/third.md",
        "---\ntitle: Third Story\ndate: 2023-11-01\n---\nNew today.\n",
    );
    let before = work_state(repo.root());
    repo.publish(&[]).assert_ok();
    assert_eq!(work_state(repo.root()), before);
    let second = repo.remote_head().expect("second publish");
    assert_ne!(second, first);
    let parents = git(repo.root(), &["rev-list", "--parents", "-n", "1", &second]);
    assert_eq!(
        parents,
        format!("{second} {first}"),
        "one parent: the previous publish"
    );
    assert!(repo
        .remote_files()
        .contains(&"articles/third/index.html".to_string()));
}

#[test]
fn a_branch_only_on_the_remote_is_fetched_and_built_upon() {
    let repo = Repo::new();
    repo.publish(&[]).assert_ok();
    let first = repo.remote_head().unwrap();
    git(repo.root(), &["branch", "--quiet", "-D", "gh-pages"]);
    git(
        repo.root(),
        &["update-ref", "-d", "refs/remotes/origin/gh-pages"],
    );

    repo.commit_file(
        "content/pages/about.md",
        "---\ntitle: About\n---\nWe write briefings, daily.\n",
    );
    let run = repo.publish(&[]);
    run.assert_ok();
    assert!(
        run.stdout().contains("started from origin/gh-pages"),
        "{}",
        run.stdout()
    );
    let second = repo.remote_head().unwrap();
    assert_eq!(
        git(repo.root(), &["rev-parse", &format!("{second}^")]),
        first
    );
}

#[test]
fn message_and_no_push_are_honoured() {
    let repo = Repo::new();
    let run = repo.publish(&["--no-push", "--message", "Morning edition"]);
    run.assert_ok();
    assert!(run.stdout().contains("not pushed"), "{}", run.stdout());
    assert_eq!(repo.remote_head(), None, "--no-push pushed");
    assert_eq!(
        git(repo.root(), &["log", "-1", "--format=%s", "gh-pages"]),
        "Morning edition"
    );

    // Nothing to commit, but the local branch is ahead of the remote: publishing pushes it.
    let run = repo.publish(&[]);
    run.assert_ok();
    assert!(run.stdout().contains("nothing changed"), "{}", run.stdout());
    let local = git(repo.root(), &["rev-parse", "refs/heads/gh-pages"]);
    assert_eq!(repo.remote_head(), Some(local));
}

#[test]
fn a_rejected_push_keeps_the_local_commit_and_says_how_to_retry() {
    let repo = Repo::new();
    repo.publish(&[]).assert_ok();
    // The local branch no longer descends from the remote's, as after someone else published.
    let empty_tree = git(repo.root(), &["mktree"]);
    let stranger = git(
        repo.root(),
        &["commit-tree", &empty_tree, "-m", "elsewhere"],
    );
    git(
        repo.root(),
        &["update-ref", "refs/heads/gh-pages", &stranger],
    );
    let remote_before = repo.remote_head();

    let run = repo.publish(&[]);
    run.assert_fails();
    run.assert_stderr_has(
        "committed to the local branch `gh-pages`, but pushing it to `origin` failed",
    );
    run.assert_stderr_has("run `git branch -D gh-pages` and publish again");
    run.assert_stderr_has("rejected");
    assert_eq!(repo.remote_head(), remote_before, "the remote is unchanged");
    let local = git(repo.root(), &["rev-parse", "refs/heads/gh-pages^"]);
    assert_eq!(local, stranger, "the new commit is on the local branch");
}

#[test]
fn default_message_names_the_site_and_its_source_commit() {
    let repo = Repo::new();
    repo.publish(&[]).assert_ok();
    let head = git(repo.root(), &["rev-parse", "--short", "HEAD"]);
    assert_eq!(
        git(repo.root(), &["log", "-1", "--format=%s", "gh-pages"]),
        format!("Publish Test Briefing from {head}")
    );
}

#[test]
fn cname_and_base_url_reach_the_published_tree() {
    let repo = Repo::new();
    repo.commit_file(
        "site.yaml",
        format!("{SITE_YAML}cname: briefing.example.org\n"),
    );
    repo.publish(&["--base-url", "https://briefing.example.org/"])
        .assert_ok();
    assert_eq!(repo.remote_file("CNAME"), "briefing.example.org");
    assert!(repo
        .remote_file("feed.xml")
        .contains("https://briefing.example.org/articles/first/"));
}

#[test]
fn refuses_outside_a_git_repository() {
    let site = SiteTest::minimal();
    let parent = site.root().parent().unwrap().to_str().unwrap().to_string();
    let mut env = GIT_ENV.to_vec();
    env.push(("GIT_CEILING_DIRECTORIES", &parent));
    let run = site.run_with_env(&["publish"], &env);
    run.assert_fails();
    run.assert_stderr_has("is not inside a git repository");
    run.assert_stderr_has("git init");
}

#[test]
fn refuses_a_missing_remote_and_names_the_ones_there_are() {
    let repo = Repo::new();
    git(repo.root(), &["remote", "rename", "origin", "upstream"]);
    let before = work_state(repo.root());
    let run = repo.publish(&[]);
    run.assert_fails();
    run.assert_stderr_has("no remote named `origin`");
    run.assert_stderr_has("this repository has: upstream");
    let run = repo.publish(&["--remote", "pages"]);
    run.assert_fails();
    run.assert_stderr_has("no remote named `pages`");
    assert_eq!(work_state(repo.root()), before);
    let local = git_output(
        repo.root(),
        &["rev-parse", "--verify", "--quiet", "gh-pages"],
    );
    assert!(!local.status.success(), "nothing committed");

    repo.publish(&["--remote", "upstream"]).assert_ok();
    assert!(repo.remote_head().is_some());
}

#[test]
fn refuses_content_with_errors_and_commits_nothing() {
    let repo = Repo::new();
    repo.commit_file(
        "content/articles/bad.md",
        "---\ntitle: Bad\ndate: 2023-01-01\ncompanies: [huawei-clod]\n---\n",
    );
    let run = repo.publish(&[]);
    run.assert_fails();
    run.assert_stderr_has("content/articles/bad.md:4:");
    run.assert_stderr_has("did you mean `huawei-cloud`?");
    run.assert_stderr_has("nothing was written");
    assert_eq!(repo.remote_head(), None);
    let local = git_output(
        repo.root(),
        &["rev-parse", "--verify", "--quiet", "gh-pages"],
    );
    assert!(!local.status.success(), "a local gh-pages was created");
}

#[test]
fn refuses_a_branch_that_a_working_tree_has_checked_out() {
    let repo = Repo::new();
    let run = repo.publish(&["--branch", "main"]);
    run.assert_fails();
    run.assert_stderr_has("`main` is checked out in ");

    // A linked working tree on gh-pages: publishing would pull its branch from under it.
    repo.publish(&["--no-push"]).assert_ok();
    let linked = tempfile::tempdir().unwrap();
    let linked_path = linked.path().join("pages");
    git(
        repo.root(),
        &[
            "worktree",
            "add",
            "--quiet",
            linked_path.to_str().unwrap(),
            "gh-pages",
        ],
    );
    let before = git(repo.root(), &["rev-parse", "gh-pages"]);
    repo.commit_file(
        "content/pages/about.md",
        "---\ntitle: About\n---\nChanged.\n",
    );
    let run = repo.publish(&[]);
    run.assert_fails();
    run.assert_stderr_has("`gh-pages` is checked out in ");
    run.assert_stderr_has("pages");
    assert_eq!(git(repo.root(), &["rev-parse", "gh-pages"]), before);
}

#[test]
fn refuses_branch_names_git_refuses_and_head() {
    let repo = Repo::new();
    for bad in [
        "HEAD",
        "@",
        "two..dots",
        "-x",
        "a.lock",
        "@{-1}",
        "sp ace",
        "ends/",
    ] {
        let run = repo.publish(&["--no-push", &format!("--branch={bad}")]);
        run.assert_fails();
        run.assert_stderr_has(&format!("`{bad}` is not a valid branch name"));
        run.assert_stderr_has("hint: use a name such as gh-pages");
    }
    let heads = git(
        repo.root(),
        &["for-each-ref", "--format=%(refname)", "refs/heads"],
    );
    assert_eq!(heads, "refs/heads/main", "no branch was created");
    repo.publish(&["--no-push", "--branch", "site/pages"])
        .assert_ok();
}

#[test]
fn refuses_uncommitted_sources_and_lists_them() {
    let repo = Repo::new();
    repo.site.write(
        "content/articles/first.md",
        "---\ntitle: First, edited\ndate: 2023-11-20\n---\nEdited.\n",
    );
    repo.site.write(
        "content/articles/new.md",
        "---\ntitle: New\ndate: 2023-11-21\n---\nNew.\n",
    );
    repo.site.write("templates/extra.html", "<p>extra</p>\n");
    repo.site.write("site.yaml", format!("{SITE_YAML}\n"));
    let before = work_state(repo.root());
    let run = repo.publish(&[]);
    run.assert_fails();
    run.assert_stderr_has("changes that are not committed");
    for f in [
        "content/articles/first.md",
        "content/articles/new.md",
        "templates/extra.html",
        "site.yaml",
    ] {
        run.assert_stderr_has(&format!("\n    {f}"));
    }
    run.assert_stderr_has("--allow-dirty");
    // The fixture's own work in progress (NOTES.md, staged.txt, untracked.txt) is not a source.
    assert!(!run.stderr().contains("NOTES.md"), "{}", run.stderr());
    assert!(!run.stderr().contains("untracked.txt"), "{}", run.stderr());
    assert_eq!(work_state(repo.root()), before);
    assert_eq!(repo.remote_head(), None, "nothing published");

    let run = repo.publish(&["--allow-dirty"]);
    run.assert_ok();
    let message = git(repo.root(), &["log", "-1", "--format=%B", "gh-pages"]);
    assert!(
        message.contains("uncommitted changes (--allow-dirty)"),
        "{message}"
    );
    assert!(message.contains("content/articles/new.md"), "{message}");
    assert!(repo
        .remote_files()
        .contains(&"articles/new/index.html".to_string()));

    // A message of one's own still says so.
    repo.site.write(
        "content/articles/new.md",
        "---\ntitle: Newer\ndate: 2023-11-21\n---\nNewer.\n",
    );
    repo.publish(&["--allow-dirty", "--message", "Evening edition"])
        .assert_ok();
    let message = git(repo.root(), &["log", "-1", "--format=%B", "gh-pages"]);
    assert!(
        message.starts_with("Evening edition\n\nBuilt with uncommitted changes"),
        "{message}"
    );
}

#[test]
fn work_outside_the_sources_does_not_make_the_site_dirty() {
    // Work in progress outside the site's sources never blocks a publish (the fixture has some).
    let repo = Repo::new();
    repo.site.write("content-notes/todo.md", "not a source\n");
    repo.publish(&[]).assert_ok();
    let message = git(repo.root(), &["log", "-1", "--format=%B", "gh-pages"]);
    assert!(!message.contains("allow-dirty"), "{message}");
}

#[test]
fn inherited_git_variables_do_not_redirect_publish() {
    // Run from a git hook, publish would inherit GIT_DIR and GIT_INDEX_FILE pointing at the user's
    // own index; used as they are, they would overwrite it with the built site.
    let repo = Repo::new();
    let elsewhere = tempfile::tempdir().unwrap();
    git(elsewhere.path(), &["init", "--quiet"]);
    let before = work_state(repo.root());
    let index: PathBuf = repo.root().join(".git/index");
    let other_git_dir = elsewhere.path().join(".git");
    let mut env = GIT_ENV.to_vec();
    env.push(("GIT_INDEX_FILE", index.to_str().unwrap()));
    env.push(("GIT_DIR", other_git_dir.to_str().unwrap()));
    let run = repo.site.run_with_env(&["publish"], &env);
    run.assert_ok();
    assert_eq!(work_state(repo.root()), before);
    assert!(
        repo.remote_head().is_some(),
        "published to this site's remote"
    );
}
