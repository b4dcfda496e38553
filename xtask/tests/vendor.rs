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
    for name in ["operations.txt", "overlay.yaml", "not-vendored.txt"] {
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
    std::fs::read_to_string(dir.join("authlete.yaml")).expect("fragment written")
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
    std::fs::copy(dir.path().join("authlete.yaml"), &copy).expect("copy");
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

/// Runs `drift --from fixtures/<from> --openapi <dir>`.
fn drift(from: &Path, dir: &Path) -> Output {
    xtask(&[
        "drift",
        "--from",
        from.to_str().expect("utf-8"),
        "--openapi",
        dir.to_str().expect("utf-8"),
    ])
}

/// A directory vendored from `upstream.yaml`, ready for drift.
fn vendored_dir() -> tempfile::TempDir {
    let dir = openapi_dir();
    let out = vendor(&fixtures().join("upstream.yaml"), dir.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}

#[test]
fn drift_reports_exactly_what_changed() {
    let dir = vendored_dir();
    let same = drift(&fixtures().join("upstream.yaml"), dir.path());
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    assert!(text(&same.stdout).is_empty());
    // Operations left out on purpose are not findings, only counted.
    assert!(
        text(&same.stderr).contains("note: 1 upstream operation(s) left out on purpose"),
        "{}",
        text(&same.stderr)
    );

    let changed = drift(&fixtures().join("upstream_changed.yaml"), dir.path());
    assert_eq!(changed.status.code(), Some(1));
    let report = text(&changed.stdout);
    assert_eq!(
        report.lines().collect::<Vec<_>>(),
        [
            "color: enum values removed: BLUE; added: CYAN",
            "field removed: widget.weight (integer(int64))",
            "new upstream, not yet decided: widget_paint_api (POST /api/{serviceId}/widget/paint, tag Widgets); add it to operations.txt to vendor it, or to not-vendored.txt to leave it out",
        ]
    );
}

#[test]
fn drift_asks_for_a_decision_on_every_operation_in_neither_list_whatever_its_tag() {
    let dir = vendored_dir();
    std::fs::remove_file(dir.path().join("not-vendored.txt")).expect("remove");
    // gadget_get_api has been upstream all along, under a tag no vendored
    // operation has: undecided, and not "added".
    let out = drift(&fixtures().join("upstream.yaml"), dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        [
            "new upstream, not yet decided: gadget_get_api (GET /api/{serviceId}/gadget/get, tag Gadgets); add it to operations.txt to vendor it, or to not-vendored.txt to leave it out"
        ]
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("1 upstream operation(s) in neither ")
            && err.contains("not-vendored.txt: add each to one of them"),
        "{err}"
    );

    // An operation upstream leaves unnamed is decided by METHOD /path.
    let upstream = std::fs::read_to_string(fixtures().join("upstream.yaml")).expect("read");
    let unnamed = dir.path().join("upstream_unnamed.yaml");
    let ping = "  /api/ping:\n    get:\n      tags: [Health]\n      responses:\n        '204': {description: ''}\n";
    std::fs::write(
        &unnamed,
        upstream.replace(
            "  /api/{serviceId}/gadget/get:\n",
            &format!("{ping}  /api/{{serviceId}}/gadget/get:\n"),
        ),
    )
    .expect("write");
    std::fs::write(dir.path().join("not-vendored.txt"), "gadget_get_api\n").expect("write");
    let out = drift(&unnamed, dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        [
            "new upstream, not yet decided: GET /api/ping (tag Health, no operationId, so it cannot be vendored); add `GET /api/ping` to not-vendored.txt to leave it out"
        ]
    );
    std::fs::write(
        dir.path().join("not-vendored.txt"),
        "gadget_get_api\nGET /api/ping  # unnamed upstream\nwidget_old_api\n",
    )
    .expect("write");
    let out = drift(&unnamed, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).is_empty());
    // A left-out operation upstream no longer has is only a note.
    assert!(
        text(&out.stderr).contains("1 operation(s) in not-vendored.txt are not in this upstream spec (dropped, or only in another copy of it): widget_old_api"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn drift_never_calls_an_operation_added_that_was_upstream_all_along() {
    let dir = vendored_dir();
    // Listed, but the fragment was not re-vendored since: the operation is
    // not new upstream, it is just not vendored yet.
    let ops = std::fs::read_to_string(dir.path().join("operations.txt")).expect("read");
    std::fs::write(
        dir.path().join("operations.txt"),
        format!("{ops}widget_paint_api\n"),
    )
    .expect("write");
    let out = drift(&fixtures().join("upstream_changed.yaml"), dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("operation listed in operations.txt but not vendored yet: widget_paint_api (POST /api/{serviceId}/widget/paint); run `cargo xtask vendor`"),
        "{report}"
    );
    assert!(!report.contains("operation added"), "{report}");
    assert!(!report.contains("not yet decided"), "{report}");
}

#[test]
fn drift_refuses_an_operation_in_both_lists() {
    let dir = vendored_dir();
    std::fs::write(
        dir.path().join("not-vendored.txt"),
        "gadget_get_api\nwidget_get_api\n",
    )
    .expect("write");
    let out = drift(&fixtures().join("upstream.yaml"), dir.path());
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let list = dir.path().join("not-vendored.txt").display().to_string();
    assert!(
        err.contains(&format!(
            "{list}:2: `widget_get_api` is also in operations.txt (line 2); an operation is either vendored or left out"
        )),
        "{err}"
    );
}

#[test]
fn drift_usage_mistakes_exit_2() {
    let out = xtask(&["drift"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`drift` needs --from UPSTREAM.yaml"));
    assert!(text(&out.stderr).contains("exit codes:"));
}

#[test]
fn vendor_names_every_stale_overlay_entry_in_one_run() {
    let dir = vendored_dir();
    std::fs::copy(
        fixtures().join("bad/stale_overlay_many.yaml"),
        dir.path().join("overlay.yaml"),
    )
    .expect("copy");
    let before = fragment(dir.path());
    let out = vendor(&fixtures().join("upstream.yaml"), dir.path(), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let overlay = dir.path().join("overlay.yaml").display().to_string();
    let fix = "delete the entry or fix its key";
    for (line, key, problem) in [
        (
            5,
            "operations.widget_gone_api",
            "describes an operation that is not vendored",
        ),
        (9, "schemas.gizmo", "there is no schema `gizmo`"),
        (10, "schemas.gizmo.size", "there is no schema `gizmo`"),
        (
            8,
            "schemas.widget.colour",
            "schema `widget` has no property `colour`",
        ),
    ] {
        let start = format!("{overlay}:{line}: `{key}` ");
        let entry = err
            .lines()
            .find(|l| l.trim_start().starts_with(&start))
            .unwrap_or_else(|| panic!("no line starting `{start}` in\n{err}"));
        assert!(entry.contains(problem) && entry.ends_with(fix), "{entry}");
    }
    assert!(
        err.contains(&format!("4 entries in {overlay} describe nothing")),
        "{err}"
    );
    // The entries that still match are not reported.
    assert!(!err.contains("`schemas.widget` "), "{err}");
    assert!(!err.contains("widget_get_api"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(fragment(dir.path()), before);
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
            "1 operation(s) listed in operations.txt are in none of the upstream copies given: widget_frobnicate_api. No one copy of Authlete's spec has every operation: give the other copy too, with a second `--from`",
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
            "overlay.yaml:2: `operations.widget_gone_api` describes an operation that is not vendored",
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

#[test]
fn enum_value_descriptions_reach_the_fragment_and_stale_ones_are_named() {
    let dir = vendored_dir();
    let overlay = dir.path().join("overlay.yaml");
    let mut words = std::fs::read_to_string(&overlay).expect("overlay");
    words.push_str(
        "enums:\n  color:\n    RED: Our words for red.\n    GREEN: Our words for green.\n",
    );
    std::fs::write(&overlay, &words).expect("write");
    let out = vendor(&fixtures().join("upstream.yaml"), dir.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let vendored: serde_yaml::Value = serde_yaml::from_str(&fragment(dir.path())).expect("yaml");
    let described = &vendored["components"]["schemas"]["color"]["x-enum-descriptions"];
    assert_eq!(described["RED"].as_str(), Some("Our words for red."));
    assert_eq!(described["GREEN"].as_str(), Some("Our words for green."));
    assert!(described.get("BLUE").is_none());

    // Upstream dropping a value, or the enum, makes its entries stale.
    words.push_str("    PURPLE: A value upstream never had.\n  gizmo.size:\n    BIG: Of a schema that is gone.\n");
    std::fs::write(&overlay, &words).expect("write");
    let before = fragment(dir.path());
    let out = vendor(&fixtures().join("upstream.yaml"), dir.path(), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("`enums.color` describes the value `PURPLE`, which `color` does not have"),
        "{err}"
    );
    assert!(
        err.contains("`enums.gizmo.size` describes nothing"),
        "{err}"
    );
    assert!(err.contains("2 entries"), "{err}");
    assert_eq!(fragment(dir.path()), before, "nothing was written");
}

/// A second copy of the fixture spec whose `widget` schema also has a
/// `height` field and requires `weight`: Authlete edited one copy only.
fn edited_copy(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join("upstream.yaml")).expect("fixture");
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("yaml");
    let widget = &mut doc["components"]["schemas"]["widget"];
    widget["properties"]["height"] = serde_yaml::from_str("{type: integer}").expect("yaml");
    widget["required"] = serde_yaml::from_str("[name, weight]").expect("yaml");
    let path = dir.join("spec_next.yaml");
    std::fs::write(&path, serde_yaml::to_string(&doc).expect("yaml")).expect("write");
    path
}

fn vendor_two(first: &Path, second: &Path, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "vendor",
        "--from",
        first.to_str().expect("utf-8"),
        "--from",
        second.to_str().expect("utf-8"),
        "--openapi",
        dir.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

#[test]
fn a_component_the_copies_define_differently_needs_a_recorded_choice() {
    let dir = openapi_dir();
    let second = edited_copy(dir.path());
    let first = fixtures().join("upstream.yaml");

    // Undecided: nothing is written, and the error says what the other
    // copy has and where to decide.
    let out = vendor_two(&first, &second, dir.path(), &[]);
    assert!(!out.status.success(), "vendored an undecided difference");
    let err = text(&out.stderr);
    assert!(
        err.contains("components.schemas.widget: the copies differ"),
        "{err}"
    );
    assert!(err.contains("spec_next.yaml says"), "{err}");
    assert!(err.contains("field added: widget.height"), "{err}");
    assert!(err.contains("widget.weight: now required"), "{err}");
    assert!(err.contains("choices.yaml"), "{err}");
    assert!(
        !dir.path().join("authlete.yaml").exists(),
        "nothing is written"
    );

    // Decided for the second copy: its definition is vendored, and the run
    // says which copy was taken and what the other says.
    std::fs::write(
        dir.path().join("choices.yaml"),
        "components:\n  schemas.widget: {from: spec_next.yaml, why: Authlete edited it there}\n",
    )
    .expect("write");
    let out = vendor_two(&first, &second, dir.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("choices.yaml takes spec_next.yaml's"), "{err}");
    assert!(
        err.contains("upstream.yaml says: widget.weight: no longer required"),
        "{err}"
    );
    assert!(err.contains("field removed: widget.height"), "{err}");
    let vendored = fragment(dir.path());
    assert!(vendored.contains("height"), "{vendored}");

    // Decided for the first copy: its definition, unchanged.
    std::fs::write(
        dir.path().join("choices.yaml"),
        "components:\n  schemas.widget: {from: upstream.yaml, why: the newer copy}\n",
    )
    .expect("write");
    let out = vendor_two(&first, &second, dir.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!fragment(dir.path()).contains("height"));
}

#[test]
fn a_choice_that_decides_nothing_is_refused() {
    let dir = openapi_dir();
    let first = fixtures().join("upstream.yaml");
    std::fs::write(
        dir.path().join("choices.yaml"),
        "components:\n  schemas.widget: {from: upstream.yaml, why: once they differed}\n  schemas.part: {from: elsewhere.yaml, why: a copy not given}\n",
    )
    .expect("write");
    // Two identical copies: nothing differs, so both entries are stale.
    let copy = dir.path().join("copy.yaml");
    std::fs::copy(&first, &copy).expect("copy");
    let out = vendor_two(&first, &copy, dir.path(), &[]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("components.schemas.widget: the copies no longer differ"),
        "{err}"
    );
    assert!(
        err.contains("takes `elsewhere.yaml`, which is none of the copies given"),
        "{err}"
    );
    // One copy: nothing can conflict, and the entries are not judged.
    let out = vendor(&first, dir.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn member_descriptions_reach_every_schema_without_its_own_and_stale_ones_are_named() {
    let dir = vendored_dir();
    let overlay = dir.path().join("overlay.yaml");
    let mut words = std::fs::read_to_string(&overlay).expect("overlay");
    words.push_str(
        "  widget.name: Our words for a widget's name.\nmembers:\n  name: Our words for any name.\n  color: Our words for any color.\n",
    );
    std::fs::write(&overlay, &words).expect("write");
    let out = vendor(&fixtures().join("upstream.yaml"), dir.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let vendored: serde_yaml::Value = serde_yaml::from_str(&fragment(dir.path())).expect("yaml");
    let schemas = &vendored["components"]["schemas"];
    let described = |schema: &str, property: &str| {
        schemas[schema]["properties"][property]["description"]
            .as_str()
            .map(str::to_owned)
    };
    // The schema's own entry wins over the member's.
    assert_eq!(
        described("widget", "name").as_deref(),
        Some("Our words for a widget's name.")
    );
    assert_eq!(
        described("widget_create_request", "name").as_deref(),
        Some("Our words for any name.")
    );
    // Beside a `$ref` too, in every schema that has the member.
    assert_eq!(
        described("widget", "color").as_deref(),
        Some("Our words for any color.")
    );
    assert_eq!(
        described("widget_create_request", "color").as_deref(),
        Some("Our words for any color.")
    );
    assert_eq!(described("widget", "weight"), None);

    // A member no schema has any more is stale, and named with its line.
    words.push_str("  sprocket: Our words for a member upstream dropped.\n");
    std::fs::write(&overlay, &words).expect("write");
    let before = fragment(dir.path());
    let out = vendor(&fixtures().join("upstream.yaml"), dir.path(), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("`members.sprocket` describes nothing in the vendored fragment"),
        "{err}"
    );
    assert_eq!(fragment(dir.path()), before, "nothing written");
}
