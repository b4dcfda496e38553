//! Running many snapshot assertions so that one run names every change.
//!
//! insta panics at the first snapshot that differs. A test that checks one
//! snapshot per type or per operation would then stop at the first changed
//! one, and a spec change touching ten types would take ten runs to review.
//! [`Batch`] runs each assertion under `catch_unwind`, lets insta write its
//! `.snap.new` and print its diff, and fails once at the end naming them all.
//!
//! Pending files from an earlier run (`.snap.new`, `.pending-snap`) are
//! ignored by git, so `git clean` keeps them and they would be reviewed as if
//! this run had written them. [`remove_stale_pending`] deletes the ones of a
//! test binary that are older than the run, once per process, and says so on
//! stderr. Deleting rather than failing: a stale file is by definition not
//! this run's verdict; if its snapshot still differs this run writes a fresh
//! one, and if it no longer differs nothing is left to review. Failing would
//! only make every reviewer delete them by hand.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::SystemTime;

/// Collects the names of failed snapshot assertions.
#[derive(Debug, Default)]
pub struct Batch {
    failures: Vec<String>,
}

impl Batch {
    /// A batch for the snapshots of test binary `binary` (`"schemas"` for
    /// `tests/tests/schemas.rs`); removes that binary's stale pending files.
    pub fn new(binary: &str) -> Self {
        remove_stale_pending(binary);
        Self::default()
    }

    /// Runs `check` (normally one `insta::assert_*_snapshot!`); a panic is
    /// recorded under `name` instead of ending the test.
    pub fn check(&mut self, name: &str, check: impl FnOnce()) {
        if panic::catch_unwind(AssertUnwindSafe(check)).is_err() {
            self.failures.push(name.to_owned());
        }
    }

    /// The names recorded so far.
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// Panics once, naming every failed assertion, if there was any.
    pub fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} snapshot(s) changed or failed: {}\n\
             review each with `cargo insta review` (or read the .snap.new next to the .snap)",
            self.failures.len(),
            self.failures.join(", ")
        );
    }
}

/// The directory insta keeps this crate's snapshots in.
pub fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Deletes `binary`'s `.snap.new` and `.pending-snap` files written before
/// this process's first snapshot assertion; once per process. Every
/// snapshot test of the binary must call it (or [`Batch::new`]) first.
pub fn remove_stale_pending(binary: &str) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Every snapshot test calls this before its first assertion and
        // `call_once` makes the others wait, so nothing this process writes
        // is older than this instant.
        let started = SystemTime::now();
        let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        for path in stale_pending(&snapshot_dir(), &tests_dir, binary, started) {
            match std::fs::remove_file(&path) {
                Ok(()) => eprintln!(
                    "removed {} (left by an earlier run; this run writes its own if the snapshot still differs)",
                    path.display()
                ),
                Err(e) => eprintln!("could not remove stale {}: {e}", path.display()),
            }
        }
    });
}

/// Pending files of `binary` modified before `before`.
pub fn stale_pending(
    snapshot_dir: &Path,
    tests_dir: &Path,
    binary: &str,
    before: SystemTime,
) -> Vec<PathBuf> {
    let prefix = format!("{binary}__");
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(snapshot_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) && name.ends_with(".snap.new") {
                out.push(entry.path());
            }
        }
    }
    // Inline snapshots' pending file sits beside the test source.
    out.push(tests_dir.join(format!(".{binary}.pending-snap")));
    out.retain(|p| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified < before)
    });
    out.sort();
    out
}
