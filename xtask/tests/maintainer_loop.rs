//! The maintainer's loop, end to end, on a copy of the workspace: Authlete
//! changes its spec, `cargo xtask generate` runs, and the facade follows
//! with no hand-written Rust changed.
//!
//! One copy takes every kind of change Authlete makes to its spec at once
//! (an enum value added, optional fields added to a request and a response,
//! a field becoming required, a field's type changing from an array of
//! objects to a string, a schema added, a schema removed, a status code
//! added) plus one more operation vendored from "upstream" with a few lines
//! of semantics. Then a small crate that depends on the regenerated facade
//! reaches every new value by name and calls the new operation against
//! `MockAuthlete`. It compiles against the copy only if the facade really
//! followed, and its test asserts what goes over the wire.
//!
//! The copy lives under the target directory (`maintainer-loop/`) with its
//! own target dir, so later runs reuse the compiled dependencies.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, text};
use serde_yaml::{Mapping, Value};

fn scratch() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("maintainer-loop")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("a name");
        if name == "target" {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(name));
        } else {
            std::fs::copy(&path, to.join(name)).expect("copy");
        }
    }
}

/// The copy: the workspace manifest and lock file, `openapi/`, `generated/`,
/// `facade/`, an empty `xtask/` (so the binary recognises the workspace),
/// and the consumer crate.
fn make_copy(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir.join("ws"));
    let ws = dir.join("ws");
    for part in ["openapi", "generated", "facade"] {
        copy_dir(&root().join(part), &ws.join(part));
    }
    std::fs::create_dir_all(ws.join("xtask")).expect("mkdir");
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("manifest");
    let members = manifest
        .lines()
        .find(|l| l.starts_with("members"))
        .expect("a members line");
    let manifest = manifest.replace(members, r#"members = ["generated", "facade", "consumer"]"#);
    std::fs::write(ws.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::copy(root().join("Cargo.lock"), ws.join("Cargo.lock")).expect("lock");
}

fn map<'a>(value: &'a mut Value, path: &[&str]) -> &'a mut Mapping {
    let mut here = value;
    for key in path {
        here = here
            .get_mut(*key)
            .unwrap_or_else(|| panic!("no `{key}` on the way to {path:?}"));
    }
    here.as_mapping_mut().expect("a mapping")
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("test YAML")
}

/// Every kind of change Authlete makes, applied to the fragment.
fn change_spec(spec: &mut Value) {
    let schemas = ["components", "schemas"];
    // An enum value added to an action.
    let action = map(
        spec,
        &[
            schemas[0],
            schemas[1],
            "token_fail_response",
            "properties",
            "action",
        ],
    );
    action
        .get_mut("enum")
        .and_then(Value::as_sequence_mut)
        .expect("an enum")
        .push("TRY_LATER".into());
    // Optional fields added to a request and to a response.
    map(
        spec,
        &[schemas[0], schemas[1], "token_fail_request", "properties"],
    )
    .insert("hint".into(), yaml("type: string"));
    let fail_response = map(
        spec,
        &[schemas[0], schemas[1], "token_fail_response", "properties"],
    );
    fail_response.insert("retryAfter".into(), yaml("type: integer\nformat: int64"));
    // A schema added, and used.
    fail_response.insert(
        "retryHint".into(),
        yaml("$ref: '#/components/schemas/retry_hint'"),
    );
    map(spec, &schemas).insert(
        "retry_hint".into(),
        yaml("type: object\nproperties:\n  seconds:\n    type: integer\n    format: int64"),
    );
    // A field becoming required.
    map(spec, &[schemas[0], schemas[1], "token_create_request"])
        .insert("required".into(), yaml("[clientId]"));
    // A type change: an array of objects becomes a string.
    map(
        spec,
        &[schemas[0], schemas[1], "token_request", "properties"],
    )
    .insert("properties".into(), yaml("type: string"));
    // A schema removed, with the fields that used it.
    map(spec, &schemas).remove("token_info");
    let token_response = map(
        spec,
        &[schemas[0], schemas[1], "token_response", "properties"],
    );
    token_response.remove("subjectTokenInfo");
    token_response.remove("actorTokenInfo");
    // A status code added.
    map(
        spec,
        &["paths", "/api/{serviceId}/auth/token/get/list", "get", "responses"],
    )
    .insert(
        "429".into(),
        yaml("description: ''\ncontent:\n  application/json:\n    schema:\n      $ref: '#/components/schemas/result'"),
    );
}

/// The operation "upstream" adds, and the semantics a maintainer writes for it.
const NEW_OPERATION: &str = r#"
post:
  operationId: token_preview_api
  parameters:
  - in: path
    name: serviceId
    required: true
    schema:
      type: string
  requestBody:
    required: true
    content:
      application/json:
        schema:
          $ref: '#/components/schemas/preview_request'
  responses:
    '200':
      description: ''
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/preview_response'
    '400':
      $ref: '#/components/responses/400'
"#;

const NEW_SCHEMAS: &str = r#"
preview_request:
  type: object
  required: [token]
  properties:
    token:
      type: string
    scopes:
      type: array
      items:
        type: string
preview_response:
  type: object
  properties:
    action:
      type: string
      enum: [INTERNAL_SERVER_ERROR, BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, OK]
    subject:
      type: string
    responseContent:
      type: string
"#;

/// All a maintainer writes by hand to add the operation: ten lines.
const NEW_SEMANTICS: &str = r#"
  preview: { type: Preview, summary: Previews of what a token would allow. }
"#;

const NEW_OPERATION_SEMANTICS: &str = r#"
  token_preview_api:
    group: preview
    verb: check
    builder: PreviewRequest
    args: [token]
    replay: idempotent
    why: A read; asking twice gives the same answer.
    secrets: [token, responseContent]
    show: [action, subject]
"#;

const CONSUMER_MANIFEST: &str = r#"[package]
name = "consumer"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
authlete = { path = "../facade", default-features = false, features = ["testing", "tokens", "preview"] }
tokio = { version = "1", features = ["macros", "rt"] }
serde_json = "1"
"#;

/// Reaches every change by name, and calls the new operation.
const CONSUMER_TEST: &str = r#"
use authlete::operations::{preview, tokens};
use authlete::testing::{MockAuthlete, MockReply};
use authlete::{GrantType, TokenFailAction, TokenFailReason};

#[tokio::test(flavor = "current_thread")]
async fn the_facade_followed_the_spec() {
    let authlete = MockAuthlete::start().await.expect("mock");
    let client = authlete.client().expect("client");

    // The new enum value is a named variant, and decodes as one.
    assert_eq!(TokenFailAction::TryLater.as_str(), "TRY_LATER");
    authlete.script(
        &tokens::FAIL,
        MockReply::json(200, serde_json::json!({
            "action": "TRY_LATER", "retryAfter": 30, "retryHint": {"seconds": 5}
        })),
    );
    // The new request field has a setter; the new response fields accessors.
    let response = client
        .tokens()
        .fail("ticket", TokenFailReason::Unknown)
        .hint("later")
        .send()
        .await
        .expect("fail");
    assert_eq!(response.action(), Some(TokenFailAction::TryLater));
    assert_eq!(response.retry_after(), Some(30));
    assert_eq!(response.retry_hint().and_then(|h| h.seconds), Some(5));
    assert_eq!(authlete.requests_to(&tokens::FAIL)[0].json()["hint"], "later");

    // The field that became required is an argument; the retyped one takes text.
    let _create = client.tokens().create(GrantType::ClientCredentials, 4326385670);
    let _process = client.tokens().process("grant_type=password").properties("now text");

    // The vendored operation: a method, in the table, answered by the mock.
    authlete.script(
        &preview::CHECK,
        MockReply::json(200, serde_json::json!({"action": "OK", "subject": "john"})),
    );
    let answer = client
        .preview()
        .check("access-token")
        .scopes(["profile"])
        .send()
        .await
        .expect("preview");
    assert_eq!(answer.subject(), Some("john"));
    let sent = authlete.requests_to(&preview::CHECK)[0].json();
    assert_eq!(sent, serde_json::json!({"token": "access-token", "scopes": ["profile"]}));
    assert!(!format!("{answer:?}").contains("access-token"));
}
"#;

fn run(dir: &Path, program: &str, args: &[&str], target: &Path) -> (bool, String) {
    let output = Command::new(program)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_MANIFEST_DIR")
        .args(args)
        .output()
        .expect("runs");
    (
        output.status.success(),
        format!("{}{}", text(&output.stdout), text(&output.stderr)),
    )
}

#[test]
fn a_changed_spec_flows_through_to_facade_users() {
    let dir = scratch();
    make_copy(&dir);
    let ws = dir.join("ws");
    let target = dir.join("target");

    // Authlete's new spec, with one more operation than the fragment holds.
    let fragment = ws.join("openapi/authlete.yaml");
    let mut spec: Value =
        serde_yaml::from_str(&std::fs::read_to_string(&fragment).expect("fragment")).expect("yaml");
    change_spec(&mut spec);
    map(&mut spec, &["paths"]).insert("/api/{serviceId}/token/preview".into(), yaml(NEW_OPERATION));
    for (name, schema) in yaml(NEW_SCHEMAS).as_mapping().expect("schemas") {
        map(&mut spec, &["components", "schemas"]).insert(name.clone(), schema.clone());
    }
    let upstream = dir.join("upstream.yaml");
    std::fs::write(&upstream, serde_yaml::to_string(&spec).expect("yaml")).expect("write");

    // The maintainer lists the operation and writes its semantics...
    let operations = ws.join("openapi/operations.txt");
    let mut listed = std::fs::read_to_string(&operations).expect("operations.txt");
    listed.push_str("\ntoken_preview_api\n");
    std::fs::write(&operations, listed).expect("write");
    let semantics = ws.join("openapi/semantics.yaml");
    let decided = std::fs::read_to_string(&semantics)
        .expect("semantics")
        .replacen("groups:\n", &format!("groups:{NEW_SEMANTICS}"), 1)
        .replacen(
            "operations:\n",
            &format!("operations:{NEW_OPERATION_SEMANTICS}"),
            1,
        );
    std::fs::write(&semantics, decided).expect("write");

    // ...then vendors and generates, as the README says.
    let xtask = env!("CARGO_BIN_EXE_xtask");
    let upstream_arg = upstream.to_str().expect("utf-8");
    let (ok, out) = run(&ws, xtask, &["vendor", "--from", upstream_arg], &target);
    // Upstream dropped `token_info`: the correction of its
    // `authorizationDetails` corrects nothing now, and vendor says so first.
    assert!(!ok, "vendor accepted a correction of nothing:\n{out}");
    assert!(
        out.contains("`token_info.authorizationDetails` is not in the vendored fragment"),
        "{out}"
    );
    let corrections_path = ws.join("openapi/corrections.yaml");
    let mut corrections: Value =
        serde_yaml::from_str(&std::fs::read_to_string(&corrections_path).expect("corrections"))
            .expect("yaml");
    corrections["corrections"]
        .as_sequence_mut()
        .expect("a list")
        .retain(|c| c["schema"].as_str() != Some("token_info"));
    std::fs::write(
        &corrections_path,
        serde_yaml::to_string(&corrections).expect("yaml"),
    )
    .expect("write");
    let (ok, out) = run(&ws, xtask, &["vendor", "--from", upstream_arg], &target);
    // Upstream dropped `token_info` (and with it the only use of `scope`):
    // vendor names every overlay entry that now describes nothing, at once.
    assert!(!ok, "vendor accepted a stale overlay:\n{out}");
    let stale: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split("`schemas.").nth(1)?.split('`').next())
        .collect();
    assert!(stale.contains(&"token_info"), "{out}");
    // The maintainer deletes them, as the message says, and vendors again.
    let overlay_path = ws.join("openapi/overlay.yaml");
    let mut overlay: Value =
        serde_yaml::from_str(&std::fs::read_to_string(&overlay_path).expect("overlay"))
            .expect("yaml");
    let described = map(&mut overlay, &["schemas"]);
    for key in &stale {
        described.remove(*key);
    }
    std::fs::write(
        &overlay_path,
        serde_yaml::to_string(&overlay).expect("yaml"),
    )
    .expect("write");
    let (ok, out) = run(&ws, xtask, &["vendor", "--from", upstream_arg], &target);
    assert!(ok, "vendor failed:\n{out}");
    let (ok, out) = run(&ws, xtask, &["generate"], &target);
    assert!(ok, "generate failed:\n{out}");
    assert!(
        out.contains("`clientId` is required by the spec, so it became the verb's last argument"),
        "generate says what it decided:\n{out}"
    );
    // The new token-fail action has no arm in the hand-written match that
    // turns actions into statuses: generate names the file and the value
    // (and the coverage test fails until someone writes the arm).
    assert!(
        out.lines().any(
            |l| l.contains("src/tokens/fail.rs: the match on TokenFailAction")
                && l.contains("does not decide TokenFailAction::TryLater")
        ),
        "generate names the hand-written match the new value reaches:\n{out}"
    );
    // And lists what users will see changed, for CHANGELOG.md: here the new
    // action value, with the enum it is in.
    let listed: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.contains("what users of the facade see changed"))
        .collect();
    assert!(
        listed
            .iter()
            .any(|l| l.trim() == "+ TryLater = \"TRY_LATER\""),
        "generate lists the user-visible changes:\n{out}"
    );
    let (ok, out) = run(&ws, xtask, &["generate", "--check"], &target);
    assert!(ok, "generate is not idempotent:\n{out}");

    // A user's crate, untouched hand-written facade code.
    let consumer = ws.join("consumer");
    std::fs::create_dir_all(consumer.join("src")).expect("mkdir");
    std::fs::create_dir_all(consumer.join("tests")).expect("mkdir");
    std::fs::write(consumer.join("Cargo.toml"), CONSUMER_MANIFEST).expect("write");
    std::fs::write(consumer.join("src/lib.rs"), "//! A user of `authlete`.\n").expect("write");
    std::fs::write(consumer.join("tests/reach.rs"), CONSUMER_TEST).expect("write");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let (ok, out) = run(
        &ws,
        &cargo,
        &["test", "--offline", "--quiet", "-p", "consumer"],
        &target,
    );
    assert!(
        ok,
        "the consumer does not build or pass against the regenerated facade:\n{out}"
    );
}

#[test]
fn a_value_removed_from_the_spec_is_named_where_hand_written_code_uses_it() {
    // spec_next of 2025-11-09 has no NATIVE_SSO among the token actions; the
    // hand-written token endpoint decides it. generate must say where, with
    // file and line, before rustc stops at the first use.
    let dir = scratch().join("removed-value");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("openapi/authlete.yaml")).expect("fragment"),
    )
    .expect("yaml");
    let action = map(
        &mut spec,
        &[
            "components",
            "schemas",
            "token_response",
            "properties",
            "action",
        ],
    );
    let values = action
        .get_mut("enum")
        .and_then(Value::as_sequence_mut)
        .expect("an enum");
    let before = values.len();
    values.retain(|v| v.as_str() != Some("NATIVE_SSO"));
    assert_eq!(values.len(), before - 1, "the fragment had NATIVE_SSO");
    let spec_path = dir.join("authlete.yaml");
    std::fs::write(&spec_path, serde_yaml::to_string(&spec).expect("yaml")).expect("write");
    // A name decided for the dropped value, and one for a value still there.
    let decided =
        std::fs::read_to_string(root().join("openapi/semantics.yaml")).expect("semantics");
    let entry = "  TokenResponseAction:\n    name: TokenAction\n";
    assert!(
        decided.contains(entry),
        "semantics names TokenResponseAction"
    );
    let decided = decided.replacen(
        entry,
        &format!(
            "{entry}    variants:\n      NATIVE_SSO: NativeSignOn\n      PASSWORD: Password\n"
        ),
        1,
    );
    std::fs::write(dir.join("semantics.yaml"), decided).expect("write");

    let plan = xtask::pipeline::plan(&spec_path, "authlete.yaml").expect("generates");
    let stale: Vec<&String> = plan
        .notes
        .iter()
        .filter(|n| n.contains(".variants."))
        .collect();
    assert_eq!(
        stale,
        [
            &"enums.TokenResponseAction.variants.NATIVE_SSO: the enum has no such value any more; \
           the entry is unused (drop it)"
                .to_owned()
        ],
        "the name for the dropped value, and only it, is a note"
    );
    let problems = plan.enum_uses(&root().join("facade"));
    let endpoint = std::fs::read_to_string(root().join("facade/src/endpoint/token.rs"))
        .expect("token endpoint");
    let uses: Vec<usize> = endpoint
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("TokenAction::NativeSso") && !l.trim_start().starts_with("//"))
        .map(|(i, _)| i + 1)
        .collect();
    assert!(!uses.is_empty(), "the token endpoint decides NATIVE_SSO");
    for line in uses {
        let expected = format!(
            "src/endpoint/token.rs:{line}: TokenAction::NativeSso is no longer a value of TokenAction"
        );
        assert!(
            problems.iter().any(|p| p.starts_with(&expected)),
            "{expected} not among:\n{}",
            problems.join("\n")
        );
    }
    assert!(
        problems.iter().all(|p| p.contains("NativeSso")),
        "only the removed value is reported:\n{}",
        problems.join("\n")
    );
}

/// The fragment without the operation `id`, with the semantics file beside
/// it (edited by `semantics`), in `dir`; returns the spec's path.
fn fragment_without(
    dir: &Path,
    id: &str,
    not_vendored: &str,
    semantics: impl Fn(String) -> String,
) -> PathBuf {
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("openapi/authlete.yaml")).expect("fragment"),
    )
    .expect("yaml");
    let mut removed = 0;
    for (_, item) in map(&mut spec, &["paths"]).iter_mut() {
        if let Some(item) = item.as_mapping_mut() {
            let before = item.len();
            item.retain(|_, op| op.get("operationId").and_then(Value::as_str) != Some(id));
            removed += before - item.len();
        }
    }
    assert_eq!(removed, 1, "{id} is in the fragment");
    let path = dir.join("authlete.yaml");
    std::fs::write(&path, serde_yaml::to_string(&spec).expect("yaml")).expect("write");
    let decided =
        std::fs::read_to_string(root().join("openapi/semantics.yaml")).expect("semantics");
    std::fs::write(dir.join("semantics.yaml"), semantics(decided)).expect("write");
    std::fs::write(dir.join("not-vendored.txt"), not_vendored).expect("write");
    path
}

#[test]
fn retiring_an_operation_keeps_its_decisions_and_automatic_names_are_notes() {
    // Upstream dropped the batch token operations in 2025-11 and restored
    // them in 2026-01. Listed in not-vendored.txt, an operation's entry stays
    // without a word, so a restored operation keeps the names users wrote.
    let base = scratch().join("retire");
    let retired = "auth_token_create_batch_status_api";
    let spec = fragment_without(
        &base.join("listed"),
        retired,
        &format!("{retired}\n"),
        |s| {
            // And a field whose name every response's method takes, without its
            // recorded rename: the name the tool picks is printed, to be recorded.
            s.replacen(
                "    rename:\n      requestId: token_batch_request_id\n",
                "",
                1,
            )
        },
    );
    let plan = xtask::pipeline::plan(&spec, "authlete.yaml").expect("generates");
    assert!(
        !plan.notes.iter().any(|n| n.contains(retired)),
        "a retired operation's entry is kept quietly:\n{}",
        plan.notes.join("\n")
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("operations.auth_token_create_batch_api:")
                && n.contains("`requestId`")
                && n.contains("`requestId: body_request_id`")),
        "the automatic name is a note saying what to record:\n{}",
        plan.notes.join("\n")
    );

    // Dropped from the fragment without being listed: the entry is unused,
    // and the note says how to keep it.
    let spec = fragment_without(&base.join("unlisted"), retired, "", |s| s);
    let plan = xtask::pipeline::plan(&spec, "authlete.yaml").expect("generates");
    assert!(
        plan.notes.iter().any(|n| n
            .starts_with(&format!("operations.{retired}: no such operation"))
            && n.contains("not-vendored.txt")),
        "{}",
        plan.notes.join("\n")
    );
}
