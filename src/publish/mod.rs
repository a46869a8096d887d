//! Publishing to a branch (GitHub Pages' "deploy from a branch"): builds the published site into a
//! temporary folder, commits that folder as the whole tree of the branch on top of its last commit,
//! and pushes the branch. It goes through git plumbing with a temporary index, so the user's working
//! tree, index and current branch are never touched. It never writes an output folder itself (the
//! build's `OutputDir` does) and never judges the content (the build does).

pub mod git;
pub mod summary;

use crate::error::{BuildError, Diagnostics};
use crate::site::{build_linked, BuildOptions};
use crate::write::MARKER;
use git::{Git, GitError};
use std::fmt;
use std::path::{Path, PathBuf};

/// What `publish` is asked to do.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// The site: the folder holding site.yaml, inside a git repository.
    pub root: PathBuf,
    /// The remote to push to, and to start the branch from when it is not in this repository yet.
    pub remote: String,
    /// The branch that holds the built site, e.g. `gh-pages`.
    pub branch: String,
    /// The commit message; default `Publish <site title> from <source commit>`.
    pub message: Option<String>,
    /// Push the branch after committing.
    pub push: bool,
    /// Overrides site.yaml's base_url.
    pub base_url: Option<String>,
    /// Publish even with uncommitted changes to the site's sources (the commit message says so).
    pub allow_dirty: bool,
}

/// What happened to the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new commit; `parent` is the previous publish, `None` when this is the branch's first commit.
    Committed {
        commit: String,
        parent: Option<String>,
    },
    /// The site is the same as in the branch's last commit, so nothing was committed.
    Unchanged { commit: String },
}

/// What a finished publish reports.
#[derive(Debug)]
pub struct PublishReport {
    pub branch: String,
    pub outcome: Outcome,
    /// The branch was not in this repository, so it was fetched from this remote first.
    pub fetched_from: Option<String>,
    /// The remote the branch was pushed to; `None` with `--no-push`.
    pub pushed_to: Option<String>,
    /// The site's base URL as built.
    pub site_url: String,
    pub pages: usize,
    pub files: usize,
    /// The build succeeded, but an editor should look.
    pub warnings: Diagnostics,
}

/// Why a publish stopped. Each message says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("the site was not built, so nothing was committed")]
    Build(#[source] BuildError),
    #[error("{} is not a folder\n  = hint: pass --root with the folder that holds site.yaml", .path.display())]
    NoSuchFolder { path: PathBuf },
    #[error("{} is not inside a git repository\n  = hint: publish commits the built site to a branch of the site's repository: run it inside one (`git init`, then `git remote add origin <url>`)", .path.display())]
    NotARepo { path: PathBuf },
    #[error("there is no remote named `{remote}`{}\n  = hint: add it with `git remote add {remote} <url>`, name another with --remote, or pass --no-push to commit to the local branch only", Remotes(.existing))]
    RemoteMissing {
        remote: String,
        existing: Vec<String>,
    },
    #[error("`{branch}` is not a valid branch name (`git check-ref-format --branch` refuses it{})\n  = hint: use a name such as gh-pages", if .branch == "HEAD" || .branch == "@" { ", and it means the checked-out commit" } else { "" })]
    BadBranch { branch: String },
    #[error("the site's sources have changes that are not committed, so the published site would match no commit:{}\n  = hint: commit them (or stash them) first, or pass --allow-dirty to publish them anyway", Files(.files))]
    Dirty { files: Vec<String> },
    #[error("`{branch}` is checked out in {}, and publish replaces its whole tree\n  = hint: switch that working tree to the branch with the site's sources (e.g. `git switch main`), or publish to another --branch", .worktree.display())]
    CheckedOut { branch: String, worktree: PathBuf },
    #[error("cannot create a temporary folder for the build")]
    Temp(#[source] std::io::Error),
    #[error("could not start `{branch}` from the remote `{remote}`")]
    Fetch {
        branch: String,
        remote: String,
        #[source]
        source: GitError,
    },
    #[error("could not commit the site to `{branch}`")]
    Commit {
        branch: String,
        #[source]
        source: GitError,
    },
    #[error("the site is committed to the local branch `{branch}`, but pushing it to `{remote}` failed\n  = hint: {}", push_hint(.source, .remote, .branch))]
    Push {
        branch: String,
        remote: String,
        #[source]
        source: GitError,
    },
    #[error(transparent)]
    Git(#[from] GitError),
}

/// The uncommitted files, one a line.
struct Files<'a>(&'a [String]);

impl fmt::Display for Files<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in self.0 {
            write!(f, "\n    {file}")?;
        }
        Ok(())
    }
}

/// The remotes a repository has, for the message that says the asked-for one is missing.
struct Remotes<'a>(&'a [String]);

impl fmt::Display for Remotes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => f.write_str(" (this repository has no remotes)"),
            list => write!(f, " (this repository has: {})", list.join(", ")),
        }
    }
}

/// Builds the published site (never drafts) and commits it as the whole tree of `opts.branch`.
pub fn publish(opts: &PublishOptions) -> Result<PublishReport, PublishError> {
    let repo = Repository::check(opts)?;

    // The build goes to a folder of its own that disappears afterwards: the site's public/ is
    // neither needed nor touched.
    let tmp = tempfile::Builder::new()
        .prefix("briefing-publish-")
        .tempdir()
        .map_err(PublishError::Temp)?;
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        out: Some(tmp.path().join("site")),
        base_url: opts.base_url.clone(),
        ..BuildOptions::new(&opts.root)
    };
    let (build, graph) = build_linked(&build_opts).map_err(PublishError::Build)?;

    let (parent, fetched_from) = repo.starting_point(&opts.branch)?;
    let commit_err = |source| PublishError::Commit {
        branch: opts.branch.clone(),
        source,
    };
    let git = &repo.git;
    let tree =
        tree_of(git, &repo.git_dir, &build.out, &tmp.path().join("index")).map_err(commit_err)?;
    let parent_tree = match &parent {
        Some(p) => Some(git.run(&["rev-parse", &format!("{p}^{{tree}}")])?),
        None => None,
    };
    let outcome = match parent {
        Some(commit) if parent_tree.as_ref() == Some(&tree) => {
            if fetched_from.is_some() {
                // The remote's branch already holds this site: keep a local branch of it.
                update_branch(git, &repo.branch_ref, &commit, None).map_err(commit_err)?;
            }
            Outcome::Unchanged { commit }
        }
        parent => {
            let message = commit_message(opts, git, &graph.config.title, &repo.dirty)?;
            let mut args = vec!["commit-tree", tree.as_str(), "-m", message.as_str()];
            if let Some(p) = &parent {
                args.extend(["-p", p.as_str()]);
            }
            let commit = git.run(&args).map_err(commit_err)?;
            // A branch just fetched is not local yet: it must still not exist when we create it.
            let expected_old = parent.as_deref().filter(|_| fetched_from.is_none());
            update_branch(git, &repo.branch_ref, &commit, expected_old).map_err(commit_err)?;
            Outcome::Committed { commit, parent }
        }
    };

    let pushed_to = match repo.remote {
        Some(remote) if opts.push => {
            let refspec = format!("{0}:{0}", repo.branch_ref);
            git.run(&["push", remote.as_str(), refspec.as_str()])
                .map_err(|source| PublishError::Push {
                    branch: opts.branch.clone(),
                    remote: remote.clone(),
                    source,
                })?;
            Some(remote)
        }
        _ => None,
    };

    Ok(PublishReport {
        branch: opts.branch.clone(),
        outcome,
        fetched_from,
        pushed_to,
        site_url: graph.base.url.clone(),
        pages: build.pages,
        files: build.files,
        warnings: build.warnings,
    })
}

/// The repository a publish works in, checked before anything is built.
struct Repository {
    git: Git,
    git_dir: String,
    /// `refs/heads/<branch>`.
    branch_ref: String,
    /// The remote, when the repository has it (it must, unless `--no-push`).
    remote: Option<String>,
    /// The sources with uncommitted changes (published anyway: `--allow-dirty`).
    dirty: Vec<String>,
}

impl Repository {
    /// Refuses early, with a message saying what to do: not a folder, not a repository, a bad
    /// branch name, the branch checked out here, no such remote, or uncommitted sources.
    fn check(opts: &PublishOptions) -> Result<Self, PublishError> {
        if !opts.root.is_dir() {
            return Err(PublishError::NoSuchFolder {
                path: opts.root.clone(),
            });
        }
        let git = Git::in_dir(&opts.root);
        let git_dir = git
            .probe(&["rev-parse", "--absolute-git-dir"])?
            .ok_or_else(|| PublishError::NotARepo {
                path: opts.root.clone(),
            })?;
        let branch_ref = valid_branch(&git, &opts.branch)?;
        // Moving a branch that a working tree (this one or a linked one) has checked out would
        // leave that tree's files and index out of step with its branch.
        let worktrees = git.run(&["worktree", "list", "--porcelain"])?;
        if let Some(worktree) = checked_out_in(&worktrees, &branch_ref) {
            return Err(PublishError::CheckedOut {
                branch: opts.branch.clone(),
                worktree,
            });
        }
        let remotes: Vec<String> = git.run(&["remote"])?.lines().map(str::to_string).collect();
        let remote = remotes.iter().find(|r| **r == opts.remote).cloned();
        if opts.push && remote.is_none() {
            return Err(PublishError::RemoteMissing {
                remote: opts.remote.clone(),
                existing: remotes,
            });
        }
        let dirty = uncommitted_sources(&git)?;
        if !dirty.is_empty() && !opts.allow_dirty {
            return Err(PublishError::Dirty { files: dirty });
        }
        Ok(Repository {
            git,
            git_dir,
            branch_ref,
            remote,
            dirty,
        })
    }

    /// The commit the new one goes on top of: the local branch; else the remote's, fetched (and
    /// the remote's name); else none, for a first publish.
    fn starting_point(
        &self,
        branch: &str,
    ) -> Result<(Option<String>, Option<String>), PublishError> {
        let local = self.git.probe(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{}^{{commit}}", self.branch_ref),
        ])?;
        match (local, &self.remote) {
            (Some(commit), _) => Ok((Some(commit), None)),
            (None, Some(remote)) => {
                let fetched = fetch_branch(&self.git, remote, branch).map_err(|source| {
                    PublishError::Fetch {
                        branch: branch.to_string(),
                        remote: remote.clone(),
                        source,
                    }
                })?;
                let from = fetched.as_ref().map(|_| remote.clone());
                Ok((fetched, from))
            }
            (None, None) => Ok((None, None)),
        }
    }
}

/// `refs/heads/<branch>`, when `branch` is a name `git branch` would accept. `HEAD` and `@` pass
/// git's check on some versions but name the checked-out commit in every other command, and a name
/// that `check-ref-format --branch` rewrites (`@{-1}`) is not the name the user will look for.
fn valid_branch(git: &Git, branch: &str) -> Result<String, PublishError> {
    let bad = || PublishError::BadBranch {
        branch: branch.to_string(),
    };
    // A leading `-` would be read as an option by the git commands that take the name.
    if branch.starts_with('-') || branch == "HEAD" || branch == "@" {
        return Err(bad());
    }
    let branch_ref = format!("refs/heads/{branch}");
    let checked = git.probe(&["check-ref-format", "--branch", branch])?;
    let full = git.probe(&["check-ref-format", branch_ref.as_str()])?;
    match (checked, full) {
        (Some(name), Some(_)) if name == branch => Ok(branch_ref),
        _ => Err(bad()),
    }
}

/// The site's sources (content/, templates/, static/, site.yaml, relative to the site's folder)
/// that differ from the checked-out commit: modified, staged, deleted or untracked.
fn uncommitted_sources(git: &Git) -> Result<Vec<String>, GitError> {
    let status = git.run(&[
        "--no-optional-locks",
        "status",
        "--porcelain",
        "--untracked-files=all",
        "--",
        "content",
        "templates",
        "static",
        crate::load::CONFIG_FILE,
    ])?;
    Ok(status
        .lines()
        // `XY path`; the output comes trimmed, so the first line may have lost a leading space.
        .filter_map(|l| l.trim_start().split_once(' '))
        .map(|(_, path)| path.trim_start().to_string())
        .collect())
}

/// The working tree that has `branch_ref` checked out, from `git worktree list --porcelain`
/// (blocks of `worktree <path>`, `HEAD <id>`, `branch <ref>` lines).
fn checked_out_in(porcelain: &str, branch_ref: &str) -> Option<PathBuf> {
    let mut path = None;
    for line in porcelain.lines() {
        if let Some(p) = line.strip_prefix("worktree ") {
            path = Some(PathBuf::from(p));
        } else if line.strip_prefix("branch ") == Some(branch_ref) {
            return path;
        }
    }
    None
}

/// The remote's `branch`, fetched into its remote-tracking ref; `None` when the remote has no such
/// branch (the first publish).
fn fetch_branch(git: &Git, remote: &str, branch: &str) -> Result<Option<String>, GitError> {
    let wanted = format!("refs/heads/{branch}");
    let heads = git.run(&["ls-remote", "--heads", remote, wanted.as_str()])?;
    if !heads
        .lines()
        .any(|l| l.split('\t').nth(1) == Some(wanted.as_str()))
    {
        return Ok(None);
    }
    let tracking = format!("refs/remotes/{remote}/{branch}");
    let refspec = format!("+{wanted}:{tracking}");
    git.run(&["fetch", "--quiet", "--no-tags", remote, refspec.as_str()])?;
    git.run(&["rev-parse", "--verify", &format!("{tracking}^{{commit}}")])
        .map(Some)
}

/// Writes every file of `out` (except the build's marker) into the repository as one tree, through
/// a temporary index, and returns the tree's id. The user's index is never read or written.
fn tree_of(git: &Git, git_dir: &str, out: &Path, index: &Path) -> Result<String, GitError> {
    let staging = git
        .with_index(index)
        .with_options([
            format!("--git-dir={git_dir}"),
            format!("--work-tree={}", out.display()),
            // The output is published byte for byte: no line-ending conversion, no sparse-checkout
            // rules, and (with --force below) no .gitignore patterns may change what goes in.
            "-c".into(),
            "core.autocrlf=false".into(),
            "-c".into(),
            "core.safecrlf=false".into(),
            "-c".into(),
            "core.sparseCheckout=false".into(),
        ])
        .in_other_dir(out);
    staging.run(&[
        "add",
        "--all",
        "--force",
        "--",
        ".",
        &format!(":(exclude){MARKER}"),
    ])?;
    staging.run(&["write-tree"])
}

/// Points `branch_ref` at `commit`, but only if it still is where we found it (`old`; `None`: it
/// must not exist), so that a publish running at the same time cannot be overwritten.
fn update_branch(
    git: &Git,
    branch_ref: &str,
    commit: &str,
    old: Option<&str>,
) -> Result<(), GitError> {
    git.run(&[
        "update-ref",
        "-m",
        "briefing publish",
        branch_ref,
        commit,
        old.unwrap_or(""),
    ])
    .map(|_| ())
}

/// What to do after a failed push. git's own advice for a rejected push (`git pull`) would merge
/// into the branch checked out here, so a rejection gets advice that fits a branch of built files.
fn push_hint(e: &GitError, remote: &str, branch: &str) -> String {
    let rejected = matches!(e, GitError::Failed { stderr, .. }
        if stderr.contains("[rejected]") || stderr.contains("non-fast-forward"));
    if rejected {
        format!(
            "`{remote}` has {branch} commits that the local {branch} lacks (published from elsewhere?): \
             to build on them, run `git branch -D {branch}` and publish again; \
             to replace them, run `git push --force-with-lease {remote} {branch}`"
        )
    } else {
        format!("fix the cause below, then run `git push {remote} {branch}` or publish again")
    }
}

/// `Publish <title> from <short commit>`: says which sources the published site was built from.
fn default_message(git: &Git, title: &str) -> Result<String, GitError> {
    Ok(
        match git.probe(&["rev-parse", "--verify", "--quiet", "--short", "HEAD"])? {
            Some(head) => format!("Publish {title} from {head}"),
            None => format!("Publish {title}"),
        },
    )
}

/// `--message` or the default, and the note on uncommitted sources when there were any.
fn commit_message(
    opts: &PublishOptions,
    git: &Git,
    title: &str,
    dirty: &[String],
) -> Result<String, GitError> {
    let message = match &opts.message {
        Some(m) => m.clone(),
        None => default_message(git, title)?,
    };
    Ok(match dirty {
        [] => message,
        files => message + &dirty_note(files),
    })
}

/// The commit message's last paragraph when `--allow-dirty` let uncommitted sources in: the source
/// commit alone does not rebuild this site, and these files are why.
fn dirty_note(files: &[String]) -> String {
    format!(
        "\n\nBuilt with uncommitted changes (--allow-dirty) to:{}",
        Files(files)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_worktree_that_has_a_branch() {
        let list = "worktree /src/site\nHEAD 1111\nbranch refs/heads/main\n\n\
                    worktree /src/pages\nHEAD 2222\nbranch refs/heads/gh-pages\n\n\
                    worktree /src/detached\nHEAD 3333\ndetached\n";
        assert_eq!(
            checked_out_in(list, "refs/heads/gh-pages"),
            Some(PathBuf::from("/src/pages"))
        );
        assert_eq!(
            checked_out_in(list, "refs/heads/main"),
            Some(PathBuf::from("/src/site"))
        );
        assert_eq!(checked_out_in(list, "refs/heads/gh"), None);
    }
}
