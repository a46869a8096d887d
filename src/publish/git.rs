//! Runs the `git` binary for `publish`: one command at a time, output captured, failures carrying
//! git's own message. Decides nothing about publishing and never touches the output folder.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Variables that point git at another repository, work tree or index. A parent process (a hook,
/// an editor, a test harness) may have set them; inherited, they would make `publish` write into
/// the wrong place, so every command starts without them and gets only what it is given.
const LOCATION_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
];

/// A git command that could not run or did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {source}\n  = hint: install git and make sure `git --version` works in this shell")]
    Spawn {
        #[source]
        source: std::io::Error,
    },
    #[error("`git {command}` failed ({status}){}", Indented(.stderr))]
    Failed {
        command: String,
        status: String,
        stderr: String,
    },
}

/// git's message, indented under ours so that the two read as one report.
struct Indented<'a>(&'a str);

impl fmt::Display for Indented<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in self.0.lines().filter(|l| !l.trim().is_empty()) {
            write!(f, "\n    {}", line.trim_end())?;
        }
        Ok(())
    }
}

/// The way to run git in one folder, optionally with a fixed repository and extra variables.
#[derive(Debug, Clone)]
pub struct Git {
    cwd: PathBuf,
    env: Vec<(String, PathBuf)>,
    pre_args: Vec<String>,
}

impl Git {
    /// git as a user would run it inside `cwd`.
    pub fn in_dir(cwd: &Path) -> Self {
        Git {
            cwd: cwd.to_path_buf(),
            env: Vec::new(),
            pre_args: Vec::new(),
        }
    }

    /// The same git, with `GIT_INDEX_FILE` set: commands read and write that index, not the user's.
    pub fn with_index(&self, index: &Path) -> Self {
        let mut g = self.clone();
        g.env.push(("GIT_INDEX_FILE".into(), index.to_path_buf()));
        g
    }

    /// The same git, with options placed before the subcommand (`--git-dir=...`, `-c key=value`).
    pub fn with_options<I, S>(&self, options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut g = self.clone();
        g.pre_args.extend(options.into_iter().map(Into::into));
        g
    }

    /// The same git, run in another folder.
    pub fn in_other_dir(&self, cwd: &Path) -> Self {
        let mut g = self.clone();
        g.cwd = cwd.to_path_buf();
        g
    }

    /// Runs `git <args>` and returns its standard output, trimmed; a failure carries git's stderr.
    /// Prompts (a password, an SSH passphrase) still reach the user: git asks on the terminal.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String, GitError> {
        let mut cmd = Command::new("git");
        cmd.current_dir(&self.cwd)
            .args(&self.pre_args)
            .args(args)
            .stdin(Stdio::null());
        for var in LOCATION_VARS {
            cmd.env_remove(var);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let out = cmd.output().map_err(|source| GitError::Spawn { source })?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
        }
        Err(GitError::Failed {
            command: args
                .iter()
                .map(|a| a.as_ref().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" "),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// Runs a command that answers a question by its exit status (`rev-parse --verify --quiet`):
    /// its output when it succeeds, `None` when it says no. Only a git that cannot start is an error.
    pub fn probe<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Option<String>, GitError> {
        match self.run(args) {
            Ok(out) => Ok(Some(out)),
            Err(GitError::Failed { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_message_indents_git_stderr() {
        let e = GitError::Failed {
            command: "push origin gh-pages".into(),
            status: "exit status: 1".into(),
            stderr: "error: failed to push\n\nhint: fetch first\n".into(),
        };
        assert_eq!(
            e.to_string(),
            "`git push origin gh-pages` failed (exit status: 1)\n    error: failed to push\n    hint: fetch first"
        );
    }
}
