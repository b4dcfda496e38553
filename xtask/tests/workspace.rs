//! Which workspace `cargo xtask` works on: the one around the current
//! directory, found at run time, never the one the binary was built in.
//!
//! Clones that share one `CARGO_TARGET_DIR` share the xtask binary too, so
//! these tests run the one binary under test in two scratch copies of the
//! workspace (the "two clones, one target dir" case) and check that each run
//! reads and writes only the copy it was started in.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{root, snapshot_dir, text};

/// Runs the xtask binary in `dir` with `args`.
fn xtask_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("xtask runs")
}

/// A scratch workspace with what `generate` needs: the project's openapi/,
/// the generated crate, a root manifest with a `[workspace]` table and an
/// (empty) xtask/, brought up to date by running `generate` in it.
fn scratch_workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    for part in ["openapi", "generated"] {
        for (rel, bytes) in snapshot_dir(&root().join(part)) {
            let to = tmp.path().join(part).join(rel);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::write(to, bytes).expect("copy");
        }
    }
    std::fs::create_dir_all(tmp.path().join("xtask")).expect("mkdir");
    std::fs::write(
        tmp.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"generated\"]\n",
    )
    .expect("manifest");
    // The checked-in generated/ may be mid-edit by someone; start current.
    let out = xtask_in(tmp.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    tmp
}

/// `path` as the binary sees it from inside (no symlinks in the way).
fn real(path: &Path) -> PathBuf {
    path.canonicalize().expect("canonical path")
}

#[test]
fn one_binary_two_workspaces_each_run_works_on_the_tree_it_is_started_in() {
    let a = scratch_workspace();
    let b = scratch_workspace();
    let b_before = snapshot_dir(b.path());

    // Make A stale.
    let client = a.path().join("generated/src/client.rs");
    let code = std::fs::read_to_string(&client).expect("read");
    std::fs::write(&client, format!("{code}\n// a stale edit\n")).expect("write");

    let in_a = xtask_in(a.path(), &["generate", "--check"]);
    assert_eq!(in_a.status.code(), Some(1), "{}", text(&in_a.stderr));
    let err = text(&in_a.stderr);
    let a_generated = real(a.path()).join("generated");
    assert!(
        err.contains(&a_generated.display().to_string()),
        "the error names A's generated/: {err}"
    );
    assert!(
        !err.contains(&real(b.path()).display().to_string()),
        "{err}"
    );
    assert!(text(&in_a.stdout).contains("-// a stale edit"));

    // The same binary, started in B, checks B, which is current.
    let in_b = xtask_in(b.path(), &["generate", "--check"]);
    assert_eq!(in_b.status.code(), Some(0), "{}", text(&in_b.stderr));
    assert!(
        text(&in_b.stderr).contains(&real(b.path()).join("generated").display().to_string()),
        "{}",
        text(&in_b.stderr)
    );

    // Regenerating in A (from a subdirectory, as a maintainer might) fixes
    // A and leaves B alone, byte for byte.
    let fix = xtask_in(&a.path().join("generated/src"), &["generate"]);
    assert!(fix.status.success(), "{}", text(&fix.stderr));
    assert!(
        text(&fix.stderr).contains(&a_generated.join("src/client.rs").display().to_string()),
        "{}",
        text(&fix.stderr)
    );
    assert!(
        !std::fs::read_to_string(&client)
            .expect("read")
            .contains("a stale edit")
    );
    assert!(
        xtask_in(a.path(), &["generate", "--check"])
            .status
            .success()
    );
    assert_eq!(snapshot_dir(b.path()), b_before, "running in A changed B");
}

#[test]
fn outside_a_workspace_is_a_clear_error_naming_where_it_looked() {
    let outside = tempfile::tempdir().expect("tempdir");
    // A Rust workspace that is not this project's (no xtask/, no openapi/)
    // is not taken for it, so the search goes on upwards and fails.
    std::fs::write(outside.path().join("Cargo.toml"), "[workspace]\n").expect("manifest");
    let nested = outside.path().join("some/where");
    std::fs::create_dir_all(&nested).expect("mkdir");
    for args in [
        &["generate", "--check"][..],
        &["generate"][..],
        &["drift", "--from", "upstream.yaml"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .current_dir(&nested)
            // Test processes inherit this from cargo; it must not count.
            .env("CARGO_MANIFEST_DIR", root().join("xtask"))
            .args(args)
            .output()
            .expect("xtask runs");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(&format!(
                "not inside the SDK's workspace: looked in {} and every directory above it",
                real(&nested).display()
            )),
            "{args:?}: {err}"
        );
        assert!(err.contains("[workspace]"), "{err}");
    }
    assert_eq!(
        snapshot_dir(outside.path()).len(),
        1,
        "nothing was written outside"
    );
}

#[test]
fn with_every_path_given_the_commands_run_anywhere() {
    let outside = tempfile::tempdir().expect("tempdir");
    let spec = root().join("openapi/authlete.yaml");
    let out_dir = outside.path().join("out");
    let out = xtask_in(
        outside.path(),
        &[
            "generate",
            "--spec",
            spec.to_str().expect("utf-8"),
            "--out",
            out_dir.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out_dir.join("src/client.rs").is_file());
}
