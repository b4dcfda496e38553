//! Turning a normalised spec into formatted Rust with progenitor.
//!
//! progenitor answers some inputs with a panic rather than an error. Those
//! panics are caught here and, by regenerating one operation at a time, pinned
//! to the operation that caused them, so the maintainer gets an error that
//! names it instead of a backtrace.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

use crate::error::{Blame, XtaskError};
use crate::spec;

/// The progenitor settings the SDK is generated with.
///
/// - builder interface: every operation is `client.op().field(..).send()`;
/// - an inner value of type `crate::hooks::CallContext` that the hand-kept
///   hooks module uses to authenticate and to observe each response;
/// - `schemars::JsonSchema` on every type, so tests can compare the Rust
///   types against the spec they came from.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::hooks::CallContext))
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");
    settings
}

/// Generates and formats the client for `doc` (already normalised).
pub fn generate(doc: &Value) -> Result<String, XtaskError> {
    let api = spec::to_openapi(doc)?;
    match generate_tokens(&api) {
        Ok(tokens) => format(tokens),
        Err(GenFailure::Error(message)) => Err(XtaskError::Generate {
            operation: blame_operation(doc),
            message,
        }),
        Err(GenFailure::Panic(message)) => Err(XtaskError::Generate {
            operation: blame_operation(doc),
            message: format!("progenitor panicked: {message}"),
        }),
    }
}

enum GenFailure {
    Error(String),
    Panic(String),
}

fn generate_tokens(api: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, GenFailure> {
    let attempt = catch_quietly(|| Generator::new(&settings()).generate_tokens(api));
    match attempt {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(GenFailure::Error(e.to_string())),
        Err(message) => Err(GenFailure::Panic(message)),
    }
}

/// Finds the first operation that progenitor fails (or panics) on by itself.
fn blame_operation(doc: &Value) -> Option<Blame> {
    spec::operations(doc).into_iter().find_map(|op| {
        let mut single = doc.clone();
        let item = single
            .pointer(&format!("/paths/{}", spec::escape(&op.path)))?
            .clone();
        let mut only = serde_json::Map::new();
        for (key, value) in item.as_object()? {
            // Keep shared parameters, drop the sibling operations.
            if !spec::METHODS.contains(&key.as_str()) || key == op.method {
                only.insert(key.clone(), value.clone());
            }
        }
        let mut paths = serde_json::Map::new();
        paths.insert(op.path.clone(), Value::Object(only));
        single["paths"] = Value::Object(paths);
        let api = spec::to_openapi(&single).ok()?;
        match generate_tokens(&api) {
            Err(_) => {
                let id = spec::operation_id(doc, &op).unwrap_or("(no operationId)");
                Some(Blame {
                    operation_id: id.to_owned(),
                    pointer: op.pointer(),
                })
            }
            _ => None,
        }
    })
}

thread_local! {
    /// Set while this thread runs generator code whose panics we report as errors.
    static CAPTURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into `Err(message)` without printing it.
///
/// The panic hook is process-wide, so it is installed once and stays quiet
/// only for the thread that is capturing; other threads' panics (a failing
/// test, say) are still printed by the previous hook.
fn catch_quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let captured = CAPTURE.with(|c| {
                let mut slot = c.borrow_mut();
                match slot.as_mut() {
                    Some(message) => {
                        *message = match info.location() {
                            Some(loc) => format!(
                                "{} ({}:{})",
                                payload(info.payload()),
                                loc.file(),
                                loc.line()
                            ),
                            None => payload(info.payload()),
                        };
                        true
                    }
                    None => false,
                }
            });
            if !captured {
                previous(info);
            }
        }));
    });
    CAPTURE.with(|c| *c.borrow_mut() = Some(String::new()));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let message = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
    result.map_err(|_| message)
}

fn payload(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-text panic payload)".to_owned()
    }
}

fn format(tokens: proc_macro2::TokenStream) -> Result<String, XtaskError> {
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| XtaskError::Format {
        message: e.to_string(),
    })?;
    crate::open_enums::open_enums(&mut file).map_err(|message| XtaskError::Format { message })?;
    Ok(prettyplease::unparse(&file))
}
