//! `cargo xtask`: maintainer commands for the Authlete Rust SDK.
//!
//! ```text
//! cargo xtask generate [--check] [--lenient] [--spec FILE] [--out DIR]
//!     regenerate generated/ from openapi/authlete-tokens.yaml; with --check,
//!     write nothing and exit 1 with a diff if generated/ is stale; with
//!     --lenient (for whole upstream specs), name unnamed operations instead
//!     of refusing them
//! cargo xtask vendor --from UPSTREAM.yaml [--check] [--openapi DIR]
//!     rebuild openapi/authlete-tokens.yaml from Authlete's full spec, for the
//!     operations in openapi/operations.txt, with openapi/overlay.yaml's words
//! cargo xtask drift --from UPSTREAM.yaml [--openapi DIR]
//!     list what changed upstream for the vendored operations; exit 1 if anything did
//! ```
//!
//! Exit codes: 0 success (or nothing changed), 1 a failure or a difference,
//! 2 a usage mistake.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::vendor::{self, OpenapiDir};
use xtask::{XtaskError, drift, normalise, output, pipeline, spec};

const USAGE: &str = "usage:
  cargo xtask generate [--check] [--lenient] [--spec FILE] [--out DIR]
  cargo xtask vendor --from UPSTREAM.yaml [--check] [--openapi DIR]
  cargo xtask drift --from UPSTREAM.yaml [--openapi DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse_args(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match &command {
        Command::Generate(o) => generate(o),
        Command::Vendor(o) => vendor_cmd(o),
        Command::Drift(o) => drift_cmd(o),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        if !matches!(command, Command::Drift(_)) {
            eprintln!("nothing was written.");
        }
        ExitCode::FAILURE
    })
}

enum Command {
    Generate(GenerateOptions),
    Vendor(VendorOptions),
    Drift(VendorOptions),
}

struct GenerateOptions {
    check: bool,
    lenient: bool,
    spec: PathBuf,
    out: PathBuf,
}

struct VendorOptions {
    check: bool,
    from: PathBuf,
    openapi: OpenapiDir,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let (command, rest) = args.split_first().ok_or("no command given")?;
    let root = workspace_root();
    let mut check = false;
    let mut lenient = false;
    let mut spec = root.join("openapi").join(vendor::FRAGMENT_FILE);
    let mut out = root.join("generated");
    let mut from = None;
    let mut openapi = root.join("openapi");
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        let mut value = |what: &str| {
            rest.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{arg} needs {what}"))
        };
        match (command.as_str(), arg.as_str()) {
            ("generate" | "vendor", "--check") => check = true,
            ("generate", "--lenient") => lenient = true,
            ("generate", "--spec") => spec = value("a file")?,
            ("generate", "--out") => out = value("a directory")?,
            ("vendor" | "drift", "--from") => from = Some(value("a file")?),
            ("vendor" | "drift", "--openapi") => openapi = value("a directory")?,
            ("generate" | "vendor" | "drift", other) => {
                return Err(format!("unknown option `{other}` for `{command}`"));
            }
            _ => return Err(format!("unknown command `{command}`")),
        }
    }
    let from = || {
        from.clone()
            .ok_or_else(|| format!("`{command}` needs --from UPSTREAM.yaml"))
    };
    match command.as_str() {
        "generate" => Ok(Command::Generate(GenerateOptions {
            check,
            lenient,
            spec,
            out,
        })),
        "vendor" => Ok(Command::Vendor(VendorOptions {
            check,
            from: from()?,
            openapi: OpenapiDir(openapi),
        })),
        "drift" => Ok(Command::Drift(VendorOptions {
            check,
            from: from()?,
            openapi: OpenapiDir(openapi),
        })),
        other => Err(format!("unknown command `{other}`")),
    }
}

/// How a path is named in headers: relative to the workspace when inside it,
/// so output is the same on every machine.
fn label(path: &Path) -> String {
    match path.strip_prefix(workspace_root()) {
        Ok(inside) => inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.display().to_string(),
    }
}

fn generate(options: &GenerateOptions) -> Result<ExitCode, XtaskError> {
    let steps = if options.lenient {
        normalise::lenient_steps()
    } else {
        normalise::STEPS.to_vec()
    };
    let plan = pipeline::plan_with(&options.spec, &label(&options.spec), &steps)?;
    for (step, change) in &plan.report.changes {
        eprintln!("normalise [{step}] {change}");
    }

    if options.check {
        let drift = plan.check(&options.out);
        if drift.is_empty() {
            eprintln!(
                "{} is up to date with {}",
                options.out.display(),
                label(&options.spec)
            );
            return Ok(ExitCode::SUCCESS);
        }
        for d in &drift {
            println!("{}", d.diff);
        }
        eprintln!(
            "error: {} file(s) in {} differ from what the spec produces; run `cargo xtask generate`",
            drift.len(),
            options.out.display()
        );
        return Ok(ExitCode::FAILURE);
    }

    let changed = plan.write(&options.out)?;
    if changed.is_empty() {
        eprintln!("{} already up to date", options.out.display());
    }
    for path in changed {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn vendor_cmd(options: &VendorOptions) -> Result<ExitCode, XtaskError> {
    let text = vendor::render(&options.from, &options.openapi)?;
    let target = options.openapi.fragment();
    let on_disk = std::fs::read_to_string(&target).unwrap_or_default();
    if options.check {
        if on_disk == text {
            eprintln!(
                "{} is what vendoring {} produces",
                label(&target),
                label(&options.from)
            );
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

fn drift_cmd(options: &VendorOptions) -> Result<ExitCode, XtaskError> {
    let current = spec::load(&options.openapi.fragment())?;
    let newer = spec::load(&options.from)?;
    let listed = vendor::listed_ids(&options.openapi)?;
    let changes = drift::drift(&current, &newer, &listed)?;
    if changes.is_empty() {
        eprintln!(
            "no drift: {} matches {} for the vendored operations",
            label(&options.openapi.fragment()),
            label(&options.from)
        );
        return Ok(ExitCode::SUCCESS);
    }
    for change in &changes {
        println!("{change}");
    }
    eprintln!(
        "{} change(s); review, then `cargo xtask vendor --from {}` and `cargo xtask generate`",
        changes.len(),
        label(&options.from)
    );
    Ok(ExitCode::FAILURE)
}
