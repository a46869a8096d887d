//! `SiteTest`: writes a fixture site to a temporary folder, runs the real binary, reads the output.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct SiteTest {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.output.status.success()
    }
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    /// Panics with both streams unless the run succeeded.
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.ok(),
            "expected success, got {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code(),
            self.stdout(),
            self.stderr()
        );
        self
    }
    /// Panics unless the run failed with exit status 1.
    #[track_caller]
    pub fn assert_fails(&self) -> &Self {
        assert_eq!(
            self.code(),
            Some(1),
            "expected exit 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
    #[track_caller]
    pub fn assert_stderr_has(&self, needle: &str) -> &Self {
        let err = self.stderr();
        assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
        self
    }
}

pub const SITE_YAML: &str =
    "title: Test Briefing\nbase_url: https://example.com/\nlanguage: en\npaginate: 2\n";

impl SiteTest {
    /// An empty site: only site.yaml.
    pub fn new() -> Self {
        let t = SiteTest {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        t.write("site.yaml", SITE_YAML);
        t
    }

    /// A small complete site: two companies, two models, a theme, two articles and an about page.
    pub fn minimal() -> Self {
        SiteTest::new()
            .file("content/companies/huawei-cloud.md", "---\nname: Huawei Cloud\naliases: [华为云]\ncountry: China\nsummary: Cloud arm of Huawei.\n---\nMakers of [Pangu](../models/pangu-medical-model.md).\n")
            .file("content/companies/alibaba-cloud.md", "---\nname: Alibaba Cloud\naliases: [Aliyun, 阿里云]\n---\nProfile of Alibaba Cloud.\n")
            .file("content/models/pangu-medical-model.md", "---\nname: Pangu Medical Model\ncompany: huawei-cloud\nreleased: 2023-09-21\nmodalities: [text]\ndomain: medical\n---\nA clinical model.\n")
            .file("content/models/tongyi-wanxiang.md", "---\nname: Tongyi Wanxiang\ncompany: alibaba-cloud\nmodalities: [image]\n---\nPainting model.\n")
            .file("content/themes/computing-power.md", "---\nname: Computing power\nsummary: GPUs.\n---\n")
            .file("content/articles/first.md", "---\ntitle: First Story\ndate: 2023-09-25\nsummary: The first one.\ncompanies: [huawei-cloud]\nmodels: [pangu-medical-model]\nthemes: [computing-power]\nauthors: [Desk]\n---\nBody of the first. See [the second](second.md#details) and [Tongyi](../models/tongyi-wanxiang.md).\n")
            .file("content/articles/second.md", "---\ntitle: Second Story\ndate: 2023-10-01\ncompanies: [alibaba-cloud, huawei-cloud]\nmodels: [tongyi-wanxiang]\n---\nOpening paragraph of the second.\n\n## Details\n\nMore.\n")
            .file("content/pages/about.md", "---\ntitle: About\n---\nWe write briefings.\n")
    }

    pub fn file(self, rel: &str, text: &str) -> Self {
        self.write(rel, text);
        self
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.root().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.root().join(rel)).unwrap();
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Runs `briefing <args>` with the site as the working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run briefing");
        Run { output }
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// A file of the output, as text; panics with the list of files if it is missing.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let p = self.public().join(rel);
        fs::read_to_string(&p).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; output has:\n{}",
                p.display(),
                self.list_output().join("\n")
            )
        })
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }

    /// Every file under public/, relative and sorted.
    pub fn list_output(&self) -> Vec<String> {
        list_files(&self.public())
    }
}

pub fn list_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// Every `href="..."` and `src="..."` value in an HTML page.
pub fn links_in(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Checks that every internal link and asset in `public` resolves to a file, given the base path.
/// Returns the broken ones as "page -> link".
pub fn broken_internal_links(public: &Path, base_path: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for rel in list_files(public)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
    {
        let html = fs::read_to_string(public.join(&rel)).unwrap();
        for link in links_in(&html) {
            if link.starts_with("http")
                || link.starts_with("mailto:")
                || link.starts_with('#')
                || link.starts_with("//")
            {
                continue;
            }
            let Some(path) = link.strip_prefix(base_path) else {
                broken.push(format!("{rel} -> {link} (outside base path {base_path})"));
                continue;
            };
            let path = path.split(['#', '?']).next().unwrap();
            let target = if path.is_empty() || path.ends_with('/') {
                public.join(path).join("index.html")
            } else {
                public.join(path)
            };
            if !target.is_file() {
                broken.push(format!("{rel} -> {link}"));
            }
        }
    }
    broken
}
