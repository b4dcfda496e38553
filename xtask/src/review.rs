//! `cargo xtask review`: every change a spec change made, in one run.
//!
//! `cargo test --workspace` stops at the first failing test binary, so the
//! snapshot a maintainer should read first (the facade's public API) was
//! never shown when an earlier binary failed. Review runs the facade's API
//! snapshot first, then every other snapshot and spec-derived test of the
//! `authlete-tests` crate to the end (`--no-fail-fast`, insta writing a
//! `.snap.new` beside each snapshot that differs), and closes with one list:
//! the changed snapshots, facade API first, and the other failed tests.
//! `--accept` then takes the `.snap.new` files a maintainer has read.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The crate whose tests are the review.
pub const TESTS_CRATE: &str = "authlete-tests";

/// The snapshot users' code depends on, reviewed first.
pub const FIRST: &str = "facade_api";

/// Where the review's snapshots live, under the workspace root.
pub const SNAPSHOTS: &str = "tests/tests/snapshots";

/// What one review run found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// `.snap.new` files written by this run, facade API first, relative to
    /// the workspace root.
    pub changed: Vec<String>,
    /// Every test that failed, `binary::test`
    /// (`coverage::the_semantics_file_has_nothing_the_spec_outgrew`).
    pub failed: Vec<String>,
}

impl Findings {
    /// Nothing to review.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.failed.is_empty()
    }

    /// The closing summary, one line per finding.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "review: no snapshot changed and every spec-derived test passes".to_owned();
        }
        let mut out = String::new();
        if !self.changed.is_empty() {
            out.push_str(&format!(
                "review: {} snapshot(s) changed; read each diff above, the facade's API first \
                 (it is what users notice and what decides the version number):\n",
                self.changed.len()
            ));
            for file in &self.changed {
                out.push_str(&format!("  {file}\n"));
            }
        }
        if !self.failed.is_empty() {
            out.push_str(&format!(
                "review: {} test(s) failed; their messages are above:\n",
                self.failed.len()
            ));
            for test in &self.failed {
                // A snapshot test fails because its snapshot differs; any
                // other failure needs reading on its own.
                let binary = test.split("::").next().unwrap_or_default();
                let cause = if self
                    .changed
                    .iter()
                    .any(|f| f.contains(&format!("/{binary}__")))
                {
                    " (its binary's snapshots changed, listed above)"
                } else {
                    ""
                };
                out.push_str(&format!("  {test}{cause}\n"));
            }
        }
        out.push_str(
            "then: `cargo xtask review --accept` takes the .snap.new files, and CHANGELOG.md \
             gets a line for each change users will notice",
        );
        out
    }
}

/// The test targets of the review crate (`tests/tests/*.rs`), [`FIRST`]
/// first, then by name.
pub fn targets(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("tests/tests"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    names.sort_by_key(|n| (n != FIRST, n.clone()));
    names
}

/// Pending snapshot files under `root`'s [`SNAPSHOTS`], the facade's API
/// first.
pub fn pending(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root.join(SNAPSHOTS))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(".snap.new")
                .then(|| format!("{SNAPSHOTS}/{name}"))
        })
        .collect();
    files.sort_by_key(|f| (!f.contains(&format!("/{FIRST}__")), f.clone()));
    files
}

/// The names of the failed tests in one test binary's output.
pub fn failed_tests(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|line| {
            line.trim()
                .strip_prefix("test ")?
                .strip_suffix(" ... FAILED")
        })
        .map(str::to_owned)
        .collect()
}

/// `cargo test` on [`TESTS_CRATE`] with `args`, its test output echoed as
/// it comes (cargo's own messages go to stderr as usual); returns its
/// success and what the tests printed.
fn cargo_test(root: &Path, args: &[&str]) -> std::io::Result<(bool, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut child = Command::new(cargo)
        .current_dir(root)
        .args(["test", "-p", TESTS_CRATE])
        .args(args)
        // A `.snap.new` beside every snapshot that differs, also where `CI`
        // is set (insta writes none there by default).
        .env("INSTA_UPDATE", "new")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let mut seen = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            seen.push_str(&line);
            seen.push('\n');
        }
    }
    Ok((child.wait()?.success(), seen))
}

/// The whole review, run in the workspace at `root`: every target of
/// [`TESTS_CRATE`] built at once, then run one by one to the end, the
/// facade's API snapshot first.
pub fn run(root: &Path) -> std::io::Result<Findings> {
    let mut failed = Vec::new();
    let (built, _) = cargo_test(root, &["--tests", "--no-run"])?;
    if !built {
        failed.push("the tests did not build; cargo's message is above".to_owned());
        return Ok(Findings {
            changed: Vec::new(),
            failed,
        });
    }
    for target in targets(root) {
        let (passed, seen) = cargo_test(root, &["--test", &target])?;
        let names = failed_tests(&seen);
        if !passed && names.is_empty() {
            failed.push(format!("{target} (no test named; its output is above)"));
        }
        failed.extend(names.into_iter().map(|name| format!("{target}::{name}")));
    }
    Ok(Findings {
        changed: pending(root),
        failed,
    })
}

/// Replaces each snapshot with its `.snap.new` under `root`; returns the
/// snapshots replaced, relative to `root`.
pub fn accept(root: &Path) -> std::io::Result<Vec<String>> {
    let mut accepted = Vec::new();
    for pending in pending(root) {
        let from: PathBuf = root.join(&pending);
        let Some(to) = pending.strip_suffix(".new") else {
            continue;
        };
        std::fs::rename(&from, root.join(to))?;
        accepted.push(to.to_owned());
    }
    Ok(accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_tests_are_read_from_the_harness_output() {
        let output = "running 3 tests\n\
                      test generated_api_surface ... FAILED\n\
                      test surface_lists_every_operation_of_the_fragment ... ok\n\
                      test one_more ... FAILED\n\
                      failures:\n    generated_api_surface\n";
        assert_eq!(
            failed_tests(output),
            vec!["generated_api_surface".to_owned(), "one_more".to_owned()]
        );
    }

    #[test]
    fn the_facade_api_is_first_among_targets_and_pending_snapshots() {
        let root = std::env::temp_dir().join(format!("xtask-review-{}", std::process::id()));
        let snapshots = root.join(SNAPSHOTS);
        std::fs::create_dir_all(&snapshots).expect("mkdir");
        for name in ["api_surface.rs", "facade_api.rs", "coverage.rs"] {
            std::fs::write(root.join("tests/tests").join(name), "").expect("write");
        }
        for name in [
            "api_surface__generated_api_surface.snap.new",
            "facade_api__facade_public_api.snap.new",
            "schemas__token.snap",
        ] {
            std::fs::write(snapshots.join(name), "x").expect("write");
        }
        assert_eq!(targets(&root), ["facade_api", "api_surface", "coverage"]);
        assert_eq!(
            pending(&root),
            [
                format!("{SNAPSHOTS}/facade_api__facade_public_api.snap.new"),
                format!("{SNAPSHOTS}/api_surface__generated_api_surface.snap.new"),
            ]
        );
        let accepted = accept(&root).expect("accepts");
        assert_eq!(accepted.len(), 2);
        assert!(
            snapshots
                .join("facade_api__facade_public_api.snap")
                .exists()
        );
        assert!(pending(&root).is_empty());
        std::fs::remove_dir_all(&root).expect("cleanup");
    }

    #[test]
    fn the_summary_lists_every_change_and_says_what_comes_next() {
        let findings = Findings {
            changed: vec![
                "s/schemas__a.snap.new".into(),
                "s/schemas__b.snap.new".into(),
            ],
            failed: vec!["coverage::x".into(), "schemas::every".into()],
        };
        let summary = findings.summary();
        for expected in [
            "2 snapshot(s) changed",
            "schemas__a.snap.new",
            "schemas__b.snap.new",
            "  coverage::x\n",
            "  schemas::every (its binary's snapshots changed",
            "--accept",
            "CHANGELOG.md",
        ] {
            assert!(summary.contains(expected), "{expected}: {summary}");
        }
        assert!(
            Findings::default()
                .summary()
                .contains("no snapshot changed")
        );
    }
}
