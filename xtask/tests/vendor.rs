//! `cargo xtask vendor` and `cargo xtask drift` on the project's own
//! upstream-like fixture specs (`tests/fixtures/vendor/`), through the binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{text, xtask};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vendor")
}

/// A scratch copy of the fixture's openapi/ directory.
fn openapi_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["operations.txt", "overlay.yaml"] {
        std::fs::copy(fixtures().join("openapi").join(name), dir.path().join(name)).expect("copy");
    }
    dir
}

fn vendor(from: &Path, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "vendor",
        "--from",
        from.to_str().expect("utf-8"),
        "--openapi",
        dir.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

fn fragment(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("authlete-tokens.yaml")).expect("fragment written")
}

#[test]
fn vendors_the_listed_operations_with_their_closure_and_no_upstream_prose() {
    let dir = openapi_dir();
    let out = vendor(&fixtures().join("upstream.yaml"), dir.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let vendored = fragment(dir.path());
    assert!(!vendored.contains("UPSTREAM PROSE"), "{vendored}");
    assert!(!vendored.contains("x-code-samples"));
    assert!(
        !vendored.contains("gadget"),
        "operations not listed stay out"
    );
    assert!(
        !vendored.contains("unused"),
        "components nothing refers to stay out"
    );
    assert!(vendored.contains("Our words for the field called description."));
    insta::assert_snapshot!(vendored);
}

#[test]
fn vendoring_is_stable_and_reproduces_itself() {
    let dir = openapi_dir();
    let upstream = fixtures().join("upstream.yaml");
    assert!(vendor(&upstream, dir.path(), &[]).status.success());
    let first = fragment(dir.path());

    let again = vendor(&upstream, dir.path(), &[]);
    assert!(text(&again.stderr).contains("already up to date"));
    assert_eq!(fragment(dir.path()), first);
    assert!(vendor(&upstream, dir.path(), &["--check"]).status.success());

    // The fragment is itself upstream-shaped: vendoring from it gives it back.
    let copy = dir.path().join("copy.yaml");
    std::fs::copy(dir.path().join("authlete-tokens.yaml"), &copy).expect("copy");
    assert!(vendor(&copy, dir.path(), &["--check"]).status.success());
}

#[test]
fn check_reports_a_stale_fragment_with_a_diff() {
    let dir = openapi_dir();
    assert!(
        vendor(&fixtures().join("upstream.yaml"), dir.path(), &[])
            .status
            .success()
    );
    let out = vendor(
        &fixtures().join("upstream_changed.yaml"),
        dir.path(),
        &["--check"],
    );
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.contains("-      - BLUE") && diff.contains("+      - CYAN"),
        "{diff}"
    );
}

#[test]
fn drift_reports_exactly_what_changed() {
    let dir = openapi_dir();
    assert!(
        vendor(&fixtures().join("upstream.yaml"), dir.path(), &[])
            .status
            .success()
    );
    let args = |from: &str| {
        xtask(&[
            "drift",
            "--from",
            fixtures().join(from).to_str().expect("utf-8"),
            "--openapi",
            dir.path().to_str().expect("utf-8"),
        ])
    };
    let same = args("upstream.yaml");
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    assert!(text(&same.stdout).is_empty());

    let changed = args("upstream_changed.yaml");
    assert_eq!(changed.status.code(), Some(1));
    let report = text(&changed.stdout);
    assert_eq!(
        report.lines().collect::<Vec<_>>(),
        [
            "operation added upstream, not vendored: widget_paint_api (POST /api/{serviceId}/widget/paint) in tag Widgets",
            "color: enum values removed: BLUE; added: CYAN",
            "field removed: widget.weight (integer(int64))",
        ]
    );
}

/// What is wrong, the upstream to vendor from, a file of openapi/ to replace, the expected message.
type BadCase = (
    &'static str,
    PathBuf,
    Option<(&'static str, PathBuf)>,
    &'static str,
);

#[test]
fn bad_input_is_a_clear_error_and_leaves_openapi_untouched() {
    let bad = fixtures().join("bad");
    let upstream = fixtures().join("upstream.yaml");
    let cases: [BadCase; 4] = [
        (
            "unknown operation",
            upstream.clone(),
            Some(("operations.txt", bad.join("unknown_operation.txt"))),
            "operationId `widget_frobnicate_api` (listed in operations.txt) is not in the upstream spec",
        ),
        (
            "dangling $ref",
            bad.join("dangling_ref.yaml"),
            None,
            "`$ref: #/components/schemas/partz` does not point at anything upstream",
        ),
        (
            "not 3.0",
            bad.join("openapi_3_1.yaml"),
            None,
            "version `3.1.0` is not supported",
        ),
        (
            "stale overlay",
            upstream.clone(),
            Some(("overlay.yaml", bad.join("stale_overlay.yaml"))),
            "overlay.yaml describes operation `widget_gone_api`, which is not vendored",
        ),
    ];
    for (what, from, replace, expected) in cases {
        let dir = openapi_dir();
        assert!(vendor(&upstream, dir.path(), &[]).status.success());
        if let Some((name, source)) = replace {
            std::fs::copy(source, dir.path().join(name)).expect("copy");
        }
        let before = fragment(dir.path());
        let out = vendor(&from, dir.path(), &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(
            err.contains(expected),
            "{what}: expected `{expected}` in {err}"
        );
        assert!(err.contains("nothing was written"), "{what}: {err}");
        assert_eq!(fragment(dir.path()), before, "{what} changed the fragment");
    }
}
