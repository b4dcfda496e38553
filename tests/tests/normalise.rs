//! Each normalisation step on the project's own fixture specs.
//!
//! A snapshot holds what the step reported and the document it left (or the
//! error it refused with), so a change to a step's behaviour is a diff here.

use std::fmt::Write;

use serde_json::Value;
use xtask::normalise::Step;

fn step(name: &str) -> Step {
    xtask::normalise::STEPS
        .iter()
        .copied()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no step named {name}"))
}

fn load(fixture: &str) -> Value {
    let path = authlete_tests::fixture(&format!("normalise/{fixture}.yaml"));
    xtask::spec::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs one step on one fixture and renders the outcome for a snapshot.
fn run(step_name: &str, fixture: &str) -> String {
    let mut doc = load(fixture);
    let mut out = String::new();
    match (step(step_name).run)(&mut doc) {
        Ok(changes) => {
            writeln!(out, "changes:").ok();
            for c in &changes {
                writeln!(out, "- {c}").ok();
            }
            writeln!(out, "document:").ok();
            out.push_str(&serde_yaml::to_string(&doc).expect("serialisable"));
        }
        Err(e) => {
            writeln!(out, "refused: {e}").ok();
        }
    }
    out
}

macro_rules! step_snapshots {
    ($($test:ident: $step:literal on $fixture:literal;)*) => {$(
        #[test]
        fn $test() {
            authlete_tests::snapshots::remove_stale_pending("normalise");
            insta::assert_snapshot!(run($step, $fixture));
        }
    )*};
}

step_snapshots! {
    keeps_json_where_several_media_types: "keep_json_request_body" on "keep_json_request_body";
    refuses_bodies_without_json: "keep_json_request_body" on "keep_json_request_body_without_json";
    renames_prelude_clashes: "rename_prelude_clashes" on "rename_prelude_clashes";
    refuses_rename_onto_taken_name: "rename_prelude_clashes" on "rename_prelude_clashes_taken";
    refuses_missing_operation_id: "require_operation_ids" on "require_operation_ids_missing";
    refuses_duplicate_operation_id: "require_operation_ids" on "require_operation_ids_duplicate";
    accepts_unique_operation_ids: "require_operation_ids" on "require_operation_ids_ok";
    refuses_dangling_refs: "require_local_refs_resolve" on "require_local_refs_resolve";
    names_unnamed_operations: "name_unnamed_operations" on "name_unnamed_operations";
    refuses_two_schemas_with_one_rust_name: "require_distinct_rust_names" on "require_distinct_rust_names";
    accepts_distinct_rust_names: "require_distinct_rust_names" on "rename_prelude_clashes";
    drops_bodiless_errors_beside_typed_ones: "drop_bodiless_error_responses" on "drop_bodiless_error_responses";
    drops_bodiless_successes_beside_typed_ones: "drop_bodiless_success_responses" on "drop_bodiless_success_responses";
    keeps_only_the_status_of_text_responses: "drop_text_response_bodies" on "drop_text_response_bodies";
    drops_the_body_of_no_content: "drop_no_content_bodies" on "drop_no_content_bodies";
    drops_query_twins_of_path_parameters: "drop_query_twins_of_path_parameters" on "drop_query_twins_of_path_parameters";
    drops_required_names_that_are_not_properties: "drop_undeclared_required" on "drop_undeclared_required";
    accepts_refs_that_resolve: "require_local_refs_resolve" on "rename_prelude_clashes";
    keeps_the_members_object_schemas_do_not_name: "keep_unknown_members" on "keep_unknown_members";
    makes_nullable_enums_plain_unless_required: "plain_nullable_enums" on "plain_nullable_enums";
    shares_an_enum_repeated_under_one_member: "share_repeated_enums" on "share_repeated_enums";
    names_schemas_in_words: "name_schemas_in_words" on "name_schemas_in_words";
}

#[test]
fn every_step_has_a_fixture() {
    let tests = include_str!("normalise.rs");
    for s in xtask::normalise::STEPS {
        assert!(
            tests.contains(&format!("\"{}\" on", s.name)),
            "step `{}` has no fixture snapshot",
            s.name
        );
    }
}

#[test]
fn normalising_twice_changes_nothing_the_second_time() {
    let mut doc = authlete_tests::fragment();
    let first = xtask::normalise::normalise(&mut doc).expect("fragment normalises");
    assert!(!first.changes.is_empty(), "the fragment needs normalising");
    let again = xtask::normalise::normalise(&mut doc).expect("still normalises");
    assert!(again.changes.is_empty(), "{:?}", again.changes);
}

#[test]
fn a_query_twin_of_a_path_parameter_no_longer_stops_progenitor() {
    // Without the step progenitor panics on the operation, and the error
    // names it; after all steps the spec generates.
    let raw = load("drop_query_twins_of_path_parameters");
    let Err(error) = xtask::codegen::generate(&raw) else {
        panic!("progenitor took a parameter declared in path and query");
    };
    let message = error.to_string();
    assert!(message.contains("`delete_grant`"), "{message}");
    assert!(!message.contains("list_grants"), "{message}");

    let mut doc = raw.clone();
    xtask::normalise::normalise(&mut doc).unwrap_or_else(|e| panic!("{e}"));
    xtask::codegen::generate(&doc).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn every_operation_progenitor_fails_on_is_named_in_one_run() {
    // Two operations with the same defect: one run names both.
    let mut doc = load("drop_query_twins_of_path_parameters");
    let twin = doc["paths"]["/grants/{clientId}/{subject}"]["delete"].clone();
    let mut second = twin.clone();
    second["operationId"] = "delete_grant_again".into();
    doc["paths"]["/grants/{clientId}/{subject}"]["post"] = second;
    let Err(error) = xtask::codegen::generate(&doc) else {
        panic!("progenitor took a parameter declared in path and query");
    };
    let message = error.to_string();
    assert!(
        message.contains("progenitor failed on 2 operations"),
        "{message}"
    );
    assert!(message.contains("`delete_grant`"), "{message}");
    assert!(message.contains("`delete_grant_again`"), "{message}");
}
