//! `cargo xtask`: maintainer commands for the Authlete Rust SDK.
//!
//! ```text
//! cargo xtask generate [--check] [--spec FILE] [--out DIR] [--facade DIR]
//!     regenerate generated/ from openapi/authlete.yaml, and the
//!     facade's emitted files (facade/src/**/operations.rs, operations.rs,
//!     enums.rs, model.rs) from it and openapi/semantics.yaml; with --out and
//!     no --facade, the facade is left alone; with --check,
//!     write nothing and exit 1 with a diff if generated/ is stale or
//!     generated/src holds a file generate does not produce (a whole upstream
//!     spec needs no option: unnamed operations are named from method and
//!     path on every run)
//! cargo xtask vendor --from UPSTREAM.yaml [--from MORE.yaml ...] [--check] [--openapi DIR]
//!     rebuild openapi/authlete.yaml from Authlete's full spec, for the
//!     operations in openapi/operations.txt, with openapi/overlay.yaml's words
//! cargo xtask drift --from UPSTREAM.yaml [--from MORE.yaml ...] [--openapi DIR]
//!     list what changed upstream for the vendored operations, and the
//!     upstream operations neither openapi/operations.txt nor
//!     openapi/not-vendored.txt decides about
//! cargo xtask review [--accept]
//!     run every snapshot and spec-derived test to the end, the facade's
//!     public API first, and list every change in one summary; --accept
//!     takes the .snap.new files once read
//! cargo xtask help
//! ```
//!
//! The workspace (and so the default `openapi/` and `generated/`) is found
//! at run time, from the current directory upwards: the nearest directory
//! whose `Cargo.toml` has a `[workspace]` table and which holds `xtask/` and
//! `openapi/`. It is not taken from where the binary was built, because
//! clones that share one `CARGO_TARGET_DIR` share this binary too, and a
//! maintainer in one clone must never check or rewrite another.
//!
//! Exit codes, for every command:
//!
//! - 0: success; for `--check`, the files are current; for `drift`, nothing
//!   to do (no vendored operation changed upstream and every upstream
//!   operation is either vendored or listed in `not-vendored.txt`).
//! - 1: a failure (unreadable or invalid input, not inside the workspace,
//!   a write that failed), or a finding: `--check` found stale or stray
//!   files; `drift` found a vendored operation that changed upstream, or an
//!   upstream operation in neither list.
//! - 2: a usage mistake (unknown command or option, missing value).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::vendor::{self, OpenapiDir};
use xtask::{XtaskError, copies, drift, output, pipeline, review, spec};

const USAGE: &str = "usage:
  cargo xtask generate [--check] [--spec FILE] [--out DIR] [--facade DIR]
  cargo xtask vendor --from UPSTREAM.yaml [--from MORE.yaml ...] [--check] [--openapi DIR]
  cargo xtask drift --from UPSTREAM.yaml [--from MORE.yaml ...] [--openapi DIR]
  cargo xtask review [--accept]
  cargo xtask help
exit codes:
  0  success; --check: up to date; drift: nothing to do
  1  failure, or a finding: --check found stale or stray files; drift found a
     vendored operation changed upstream or an upstream operation listed in
     neither openapi/operations.txt nor openapi/not-vendored.txt; review found
     a changed snapshot or a failing test
  2  usage mistake";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(
        args.first().map(String::as_str),
        Some("help" | "--help" | "-h")
    ) {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let command = match parse_args(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let workspace = Workspace::find();
    let result = match &command {
        Command::Generate(o) => o.resolve(&workspace).and_then(|o| generate(&o, &workspace)),
        Command::Vendor(o) => o
            .resolve(&workspace)
            .and_then(|o| vendor_cmd(&o, &workspace)),
        Command::Drift(o) => o
            .resolve(&workspace)
            .and_then(|o| drift_cmd(&o, &workspace)),
        Command::Review { accept } => review_cmd(*accept, &workspace),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        if !matches!(command, Command::Drift(_) | Command::Review { .. }) {
            eprintln!("nothing was written.");
        }
        ExitCode::FAILURE
    })
}

enum Command {
    Generate(GenerateArgs),
    Vendor(VendorArgs),
    Drift(VendorArgs),
    Review { accept: bool },
}

/// `generate` as given; paths left out default to the workspace's.
struct GenerateArgs {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    facade: Option<PathBuf>,
}

struct GenerateOptions {
    check: bool,
    spec: PathBuf,
    out: PathBuf,
    /// Where the facade's emitted files go; `None` writes none.
    facade: Option<PathBuf>,
}

/// `vendor` or `drift` as given; paths left out default to the workspace's.
struct VendorArgs {
    check: bool,
    /// Upstream specs, in priority order.
    from: Vec<PathBuf>,
    openapi: Option<PathBuf>,
}

struct VendorOptions {
    check: bool,
    /// Upstream specs, in priority order.
    from: Vec<PathBuf>,
    openapi: OpenapiDir,
}

impl GenerateArgs {
    fn resolve(&self, workspace: &Workspace) -> Result<GenerateOptions, XtaskError> {
        let spec = match &self.spec {
            Some(spec) => spec.clone(),
            None => workspace
                .root()?
                .join("openapi")
                .join(vendor::FRAGMENT_FILE),
        };
        let out = match &self.out {
            Some(out) => out.clone(),
            None => workspace.root()?.join("generated"),
        };
        // With `--out` elsewhere, the workspace's facade is left alone
        // unless `--facade` says where the facade goes too.
        let facade = match (&self.facade, &self.out) {
            (Some(facade), _) => Some(facade.clone()),
            (None, None) => Some(workspace.root()?.join("facade")),
            (None, Some(_)) => None,
        };
        Ok(GenerateOptions {
            check: self.check,
            spec,
            out,
            facade,
        })
    }
}

impl VendorOptions {
    /// The upstream specs, named for messages (`a.yaml + b.yaml`).
    fn sources(&self, workspace: &Workspace) -> String {
        self.from
            .iter()
            .map(|p| label(p, workspace))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// The copies as `vendor` takes them again: `--from A --from B`.
    fn vendor_args(&self, workspace: &Workspace) -> String {
        self.from
            .iter()
            .map(|p| format!("--from {}", label(p, workspace)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl VendorArgs {
    fn resolve(&self, workspace: &Workspace) -> Result<VendorOptions, XtaskError> {
        let openapi = match &self.openapi {
            Some(dir) => dir.clone(),
            None => workspace.root()?.join("openapi"),
        };
        Ok(VendorOptions {
            check: self.check,
            from: self.from.clone(),
            openapi: OpenapiDir(openapi),
        })
    }
}

/// The workspace the current directory is in, or why there is none.
///
/// Looked up once, but only an error when a command needs a default path:
/// with every path given explicitly, the commands run anywhere.
struct Workspace(Result<PathBuf, (PathBuf, Option<std::io::Error>)>);

impl Workspace {
    fn find() -> Workspace {
        match std::env::current_dir() {
            Ok(cwd) => Workspace(find_workspace_root(&cwd).ok_or((cwd, None))),
            Err(e) => Workspace(Err((PathBuf::from("."), Some(e)))),
        }
    }

    fn root(&self) -> Result<&Path, XtaskError> {
        match &self.0 {
            Ok(root) => Ok(root),
            Err((cwd, Some(e))) => Err(XtaskError::Read {
                path: cwd.clone(),
                source: std::io::Error::new(e.kind(), e.to_string()),
            }),
            Err((cwd, None)) => Err(XtaskError::NotInWorkspace { start: cwd.clone() }),
        }
    }
}

/// The nearest directory at or above `start` that is this project's
/// workspace: a `Cargo.toml` with a `[workspace]` table, beside `xtask/` and
/// `openapi/` (so that a workspace nested in another, or some other Rust
/// workspace above a copy of `openapi/`, is not mistaken for it).
fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let is_root = dir.join("xtask").is_dir()
            && dir.join("openapi").is_dir()
            && std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|manifest| declares_workspace(&manifest));
        is_root.then(|| dir.to_path_buf())
    })
}

/// Whether a manifest has a `[workspace]` table (or one of its sub-tables,
/// which TOML counts as defining it). A line check is enough for the
/// manifests cargo itself accepts, and keeps a TOML parser out of the xtask.
fn declares_workspace(manifest: &str) -> bool {
    manifest.lines().any(|line| {
        let line = line.split('#').next().unwrap_or_default().trim();
        line == "[workspace]" || line.starts_with("[workspace.")
    })
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let (command, rest) = args.split_first().ok_or("no command given")?;
    if command == "review" {
        return match rest {
            [] => Ok(Command::Review { accept: false }),
            [flag] if flag == "--accept" => Ok(Command::Review { accept: true }),
            [other, ..] => Err(format!("unknown option `{other}` for `review`")),
        };
    }
    let mut check = false;
    let mut spec = None;
    let mut out = None;
    let mut facade = None;
    let mut from = Vec::new();
    let mut openapi = None;
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        let mut value = |what: &str| {
            rest.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{arg} needs {what}"))
        };
        match (command.as_str(), arg.as_str()) {
            ("generate" | "vendor", "--check") => check = true,
            ("generate", "--spec") => spec = Some(value("a file")?),
            ("generate", "--out") => out = Some(value("a directory")?),
            ("generate", "--facade") => facade = Some(value("a directory")?),
            ("vendor" | "drift", "--from") => from.push(value("a file")?),
            ("vendor" | "drift", "--openapi") => openapi = Some(value("a directory")?),
            ("generate" | "vendor" | "drift", other) => {
                return Err(format!("unknown option `{other}` for `{command}`"));
            }
            _ => return Err(format!("unknown command `{command}`")),
        }
    }
    let from = || {
        if from.is_empty() {
            Err(format!("`{command}` needs --from UPSTREAM.yaml"))
        } else {
            Ok(from.clone())
        }
    };
    match command.as_str() {
        "generate" => Ok(Command::Generate(GenerateArgs {
            check,
            spec,
            out,
            facade,
        })),
        "vendor" => Ok(Command::Vendor(VendorArgs {
            check,
            from: from()?,
            openapi,
        })),
        "drift" => Ok(Command::Drift(VendorArgs {
            check,
            from: from()?,
            openapi,
        })),
        other => Err(format!("unknown command `{other}`")),
    }
}

/// `review`: the whole review in one run, or `--accept` after reading it.
fn review_cmd(accept: bool, workspace: &Workspace) -> Result<ExitCode, XtaskError> {
    let root = workspace.root()?;
    let io = |source| XtaskError::Read {
        path: root.join(review::SNAPSHOTS),
        source,
    };
    if accept {
        let accepted = review::accept(root).map_err(io)?;
        if accepted.is_empty() {
            eprintln!("no .snap.new to accept; run `cargo xtask review` first");
        }
        for file in &accepted {
            eprintln!("accepted {file}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let findings = review::run(root).map_err(io)?;
    eprintln!("\n{}", findings.summary());
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// How a path is named in headers and messages: relative to the workspace
/// when inside it, so output is the same on every machine.
fn label(path: &Path, workspace: &Workspace) -> String {
    let inside = workspace
        .0
        .as_ref()
        .ok()
        .and_then(|root| path.strip_prefix(root).ok());
    match inside {
        Some(inside) => inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => path.display().to_string(),
    }
}

fn generate(options: &GenerateOptions, workspace: &Workspace) -> Result<ExitCode, XtaskError> {
    let spec_label = label(&options.spec, workspace);
    let plan = pipeline::plan(&options.spec, &spec_label)?;
    for (step, change) in &plan.report.changes {
        eprintln!("normalise [{step}] {change}");
    }
    for note in &plan.notes {
        eprintln!("note: openapi/semantics.yaml: {note}");
    }
    if let Some(facade) = &options.facade {
        let undeclared = plan.undeclared_modules(facade);
        if !undeclared.is_empty() {
            return Err(XtaskError::Spec {
                pointer: format!("openapi/{}", xtask::semantics::FILE),
                message: format!(
                    "{} hand-written file(s) not declared, fix them all and regenerate:\n  - {}",
                    undeclared.len(),
                    undeclared.join("\n  - ")
                ),
            });
        }
    }
    // Before rustc stops at the first of them: every place hand-written
    // code must change for the spec's enums as they are now.
    if let Some(facade) = &options.facade {
        for problem in plan.enum_uses(facade) {
            eprintln!("warning: hand-written code: {}/{problem}", facade.display());
        }
    }

    if options.check {
        // Stray files are checked here, not in Plan::check, which also
        // serves directories whose src/ is written by hand.
        let mut drift = plan.check(&options.out);
        drift.extend(output::check_stray(&options.out, &plan.files));
        if let Some(facade) = &options.facade {
            drift.extend(plan.check_facade(facade));
        }
        drift.extend(marked_drift(options, &plan));
        if drift.is_empty() {
            eprintln!("{} is up to date with {spec_label}", options.out.display());
            return Ok(ExitCode::SUCCESS);
        }
        for d in &drift {
            println!("{}", d.diff);
        }
        eprintln!(
            "error: {} file(s) in {} differ from what the spec produces or are not the generator's; run `cargo xtask generate`",
            drift.len(),
            options.out.display()
        );
        return Ok(ExitCode::FAILURE);
    }

    let surface_before = options
        .facade
        .as_ref()
        .and_then(|facade| users_view(facade, &options.out));
    let mut changed = plan.write(&options.out)?;
    if let Some(facade) = &options.facade {
        changed.extend(plan.write_facade(facade)?);
    }
    for file in marked_files(options, &plan) {
        if file.on_disk != file.expected {
            output::write_atomically(&file.path, file.expected.as_bytes())?;
            changed.push(file.path);
        }
    }
    for path in &changed {
        eprintln!("wrote {}", path.display());
    }
    // src/ is the generator's: stray `.rs` files and the debris of
    // interrupted runs go.
    let removed = output::remove_stray(&options.out, &plan.files)?;
    for path in &removed {
        eprintln!(
            "removed {} (not produced by `cargo xtask generate`, not hand-kept)",
            path.display()
        );
    }
    // What write leaves alone (not Rust, so maybe someone's notes) still
    // makes --check fail: say so now rather than in CI.
    let left = output::stray_files(&options.out, &plan.files);
    for relative in &left {
        eprintln!(
            "error: {} is not produced by `cargo xtask generate` and is not hand-kept; move it out of {}",
            options.out.join(relative).display(),
            options.out.join("src").display()
        );
    }
    if !left.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    if changed.is_empty() && removed.is_empty() {
        eprintln!("{} already up to date", options.out.display());
    }
    for line in after_write_notes(options, &changed) {
        eprintln!("note: {line}");
    }
    if let (Some(before), Some(facade), false) =
        (surface_before, &options.facade, changed.is_empty())
        && let Some(after) = users_view(facade, &options.out)
    {
        let lines = surface_changes(&before, &after);
        if !lines.is_empty() {
            eprintln!(
                "note: what users of the facade see changed ({} line(s); each goes in CHANGELOG.md):",
                lines.len()
            );
            for line in lines {
                eprintln!("  {line}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The facade's public API as its snapshot shows it, read from disk with
/// the generated client under `out`; `None` where either does not parse
/// (a first run into an empty directory).
fn users_view(facade: &Path, out: &Path) -> Option<String> {
    let client = std::fs::read_to_string(out.join("src/client.rs")).ok()?;
    xtask::facade_surface::facade_surface(facade, &client).ok()
}

/// The lines of the facade's API summary that differ, `+` added and `-`
/// removed, each with the module it is in (a line alone, such as a field
/// of a model type, does not say where it is).
fn surface_changes(before: &str, after: &str) -> Vec<String> {
    let diff = similar::TextDiff::from_lines(before, after);
    let mut module = String::new();
    let mut out = Vec::new();
    let mut last_module = String::new();
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end();
        if line.starts_with("mod ") {
            module = line.to_owned();
        }
        let sign = match change.tag() {
            similar::ChangeTag::Equal => continue,
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Delete => '-',
        };
        if module != last_module {
            out.push(format!("in {module}:"));
            last_module.clone_from(&module);
        }
        out.push(format!("{sign} {}", line.trim_start()));
    }
    out
}

/// What the maintainer should do next, given what `generate` wrote.
fn after_write_notes(options: &GenerateOptions, changed: &[PathBuf]) -> Vec<String> {
    let mut notes = Vec::new();
    // Only `src/` is the generator's: the manifest and `hooks.rs` are kept
    // by hand in generated/, so a fresh --out directory cannot be built as is.
    let missing: Vec<&str> = ["Cargo.toml", "src/hooks.rs"]
        .into_iter()
        .filter(|f| !options.out.join(f).exists())
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "{} has the generated sources but not {} (hand-kept in generated/); copy {} from generated/ to build it as a crate",
            options.out.display(),
            missing.join(" or "),
            missing.join(" and ")
        ));
    }
    let facade_changed = options
        .facade
        .as_ref()
        .is_some_and(|facade| changed.iter().any(|p| p.starts_with(facade)));
    if facade_changed {
        notes.push(
            "the facade's emitted code changed: read the public API snapshot diff \
             (`cargo xtask review` runs every snapshot test to the end) and name each change \
             users will see in CHANGELOG.md, under Unreleased"
                .to_owned(),
        );
    }
    notes
}

/// A hand-kept file `generate` owns marked parts of, as it is on disk and
/// as the spec and semantics would have it.
struct MarkedFile {
    path: PathBuf,
    label: &'static str,
    on_disk: String,
    expected: String,
}

/// The hand-kept files `generate` owns marked parts of: the README's
/// operation and features tables and each crate's features block in
/// `Cargo.toml`. Every block of one file is applied to one reading of it,
/// so that writing one block cannot undo another; a block whose markers
/// the file lacks is left out.
fn marked_files(options: &GenerateOptions, plan: &pipeline::Plan) -> Vec<MarkedFile> {
    use xtask::features::{CARGO_END, CARGO_START, with_block};
    type Block = (&'static str, &'static str, String);
    let mut files: Vec<(PathBuf, &'static str, Vec<Block>)> = Vec::new();
    let mut add = |path: PathBuf, label: &'static str, block: Block| {
        if block.2.is_empty() {
            return;
        }
        match files.iter_mut().find(|(p, _, _)| *p == path) {
            Some((_, _, blocks)) => blocks.push(block),
            None => files.push((path, label, vec![block])),
        }
    };
    let generated = plan.generated_features.clone();
    add(
        options.out.join("Cargo.toml"),
        "generated/Cargo.toml",
        (CARGO_START, CARGO_END, generated),
    );
    if let Some(facade) = &options.facade {
        let features = plan.facade_features.clone();
        add(
            facade.join("Cargo.toml"),
            "facade/Cargo.toml",
            (CARGO_START, CARGO_END, features),
        );
        if let Some(root) = facade.parent() {
            let readme = root.join("README.md");
            let (operations, features) = (&plan.readme_table, &plan.readme_features);
            for (start, end, table) in [
                (
                    xtask::facade::README_START,
                    xtask::facade::README_END,
                    operations,
                ),
                (
                    xtask::features::README_START,
                    xtask::features::README_END,
                    features,
                ),
            ] {
                let body = if table.is_empty() {
                    String::new()
                } else {
                    format!("\n{table}\n")
                };
                add(readme.clone(), "README.md", (start, end, body));
            }
        }
    }
    files
        .into_iter()
        .filter_map(|(path, label, blocks)| {
            let on_disk = std::fs::read_to_string(&path).ok()?;
            let mut applied = false;
            let mut expected = on_disk.clone();
            for (start, end, body) in &blocks {
                if let Some(text) = with_block(&expected, start, end, body) {
                    expected = text;
                    applied = true;
                }
            }
            applied.then_some(MarkedFile {
                path,
                label,
                on_disk,
                expected,
            })
        })
        .collect()
}

/// The marked parts that are not what the spec and semantics produce.
fn marked_drift(options: &GenerateOptions, plan: &pipeline::Plan) -> Vec<output::Drift> {
    marked_files(options, plan)
        .into_iter()
        .filter(|file| file.on_disk != file.expected)
        .map(|file| output::Drift {
            relative: file.label.into(),
            diff: similar::TextDiff::from_lines(&file.on_disk, &file.expected)
                .unified_diff()
                .header(
                    &format!("{} (checked in)", file.label),
                    &format!("{} (from the spec)", file.label),
                )
                .to_string(),
        })
        .collect()
}

fn vendor_cmd(options: &VendorOptions, workspace: &Workspace) -> Result<ExitCode, XtaskError> {
    let label = |path: &Path| label(path, workspace);
    let vendor::Rendered { text, notes } = vendor::render(&options.from, &options.openapi)?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    let sources = options.sources(workspace);
    let target = options.openapi.fragment();
    let on_disk = std::fs::read_to_string(&target).unwrap_or_default();
    if options.check {
        if on_disk == text {
            eprintln!("{} is what vendoring {} produces", label(&target), sources);
            return Ok(ExitCode::SUCCESS);
        }
        let diff = similar::TextDiff::from_lines(&on_disk, &text);
        println!(
            "{}",
            diff.unified_diff()
                .header(&format!("{} (checked in)", label(&target)), "vendored")
        );
        eprintln!(
            "error: {} is not what vendoring produces; run `cargo xtask vendor`",
            label(&target)
        );
        return Ok(ExitCode::FAILURE);
    }
    if on_disk == text {
        eprintln!("{} already up to date", label(&target));
    } else {
        output::write_atomically(&target, text.as_bytes())?;
        eprintln!("wrote {}; now run `cargo xtask generate`", label(&target));
    }
    Ok(ExitCode::SUCCESS)
}

fn drift_cmd(options: &VendorOptions, workspace: &Workspace) -> Result<ExitCode, XtaskError> {
    let label = |path: &Path| label(path, workspace);
    let current = spec::load(&options.openapi.fragment())?;
    let choices = copies::read_choices(&options.openapi.choices())?;
    let upstreams = copies::load(&options.from, &choices)?;
    // Upstream as `vendor` would take it: corrected, so that a correction
    // is no change; an entry upstream caught up with or contradicts is one.
    let corrections = xtask::corrections::read(&options.openapi.corrections())?;
    let stale_corrections = xtask::corrections::report(&upstreams.merged, &corrections);
    let mut corrected = upstreams.merged.clone();
    xtask::corrections::correct(&mut corrected, &corrections);
    let newer = &corrected;
    let sources = options.sources(workspace);
    let lists = drift::Lists::read(&options.openapi)?;
    let mut report = drift::drift(&current, newer, &lists)?;
    report.changes.extend(stale_corrections);
    // The copies' differences among the components the fragment uses: the
    // decided ones for information, the undecided ones to act on.
    for conflict in upstreams.conflicts_in(&current) {
        let lines = conflict.describe();
        if conflict.recorded {
            report.notes.extend(lines);
        } else {
            report.changes.extend(
                lines
                    .into_iter()
                    .map(|l| format!("{l}; decide in {}", label(&options.openapi.choices()))),
            );
        }
    }
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    for change in report.changes.iter().chain(&report.undecided) {
        println!("{change}");
    }
    if !report.changes.is_empty() {
        eprintln!(
            "{} change(s) to the vendored operations; review, then `cargo xtask vendor {}` and `cargo xtask generate`",
            report.changes.len(),
            options.vendor_args(workspace)
        );
    }
    if !report.undecided.is_empty() {
        eprintln!(
            "{} upstream operation(s) in neither {} nor {}: add each to one of them",
            report.undecided.len(),
            label(&options.openapi.operations()),
            label(&options.openapi.not_vendored())
        );
    }
    if report.changes.is_empty() && report.undecided.is_empty() {
        eprintln!(
            "no drift: {} matches {} for the vendored operations, and every upstream operation is decided",
            label(&options.openapi.fragment()),
            sources
        );
        return Ok(ExitCode::SUCCESS);
    }
    Ok(ExitCode::FAILURE)
}
