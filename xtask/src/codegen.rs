//! Turning a normalised spec into formatted Rust with progenitor.
//!
//! progenitor answers some inputs with a panic rather than an error. Those
//! panics are caught here and, by regenerating one operation at a time, pinned
//! to the operation that caused them, so the maintainer gets an error that
//! names it instead of a backtrace.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::{ToTokens, quote};
use serde_json::Value;

use crate::error::{Blame, XtaskError};
use crate::semantics::EnumNames;
use crate::spec;

/// The progenitor settings the SDK is generated with.
///
/// - builder interface: every operation is `client.op().field(..).send()`;
/// - an inner value of type `crate::hooks::CallContext` that the hand-kept
///   hooks module uses to authenticate and to observe each response;
/// - `schemars::JsonSchema` on every type, so tests can compare the Rust
///   types against the spec they came from; [`gate_schemars`] then puts it
///   behind the generated crate's `schemars` feature.
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

/// The generated sources: progenitor's client and the catalog of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Formatted `client.rs` (without header).
    pub client: String,
    /// Formatted `catalog.rs` (without header), see [`crate::catalog`].
    pub catalog: String,
    /// Which feature gates each operation and type, see [`crate::features`].
    pub gates: crate::features::Gates,
    /// Every generated enum with its values, see [`crate::enum_uses`].
    pub variants: crate::enum_uses::Variants,
}

/// Generates and formats the client for `doc` (already normalised).
pub fn generate(doc: &Value) -> Result<String, XtaskError> {
    generate_all(doc).map(|g| g.client)
}

/// Generates and formats the client for `doc` (already normalised) and its catalog.
pub fn generate_all(doc: &Value) -> Result<Generated, XtaskError> {
    generate_named(doc, &BTreeMap::new(), &BTreeMap::new(), &[])
}

/// [`generate_all`], with enums and variants named as `openapi/semantics.yaml`
/// says, and each operation behind the cargo feature of its group there
/// (`groups`: operationId → group).
pub fn generate_named(
    doc: &Value,
    names: &BTreeMap<String, EnumNames>,
    groups: &BTreeMap<String, String>,
    always: &[String],
) -> Result<Generated, XtaskError> {
    let api = spec::to_openapi(doc)?;
    match generate_tokens(&api) {
        Ok(tokens) => format(doc, tokens, names, groups, always),
        Err(failure) => Err(XtaskError::Generate {
            operations: blame_operations(doc),
            message: failure.to_string(),
        }),
    }
}

enum GenFailure {
    Error(String),
    Panic(String),
}

impl std::fmt::Display for GenFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenFailure::Error(message) => f.write_str(message),
            GenFailure::Panic(message) => write!(f, "progenitor panicked: {message}"),
        }
    }
}

fn generate_tokens(api: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, GenFailure> {
    let attempt = catch_quietly(|| Generator::new(&settings()).generate_tokens(api));
    match attempt {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(GenFailure::Error(e.to_string())),
        Err(message) => Err(GenFailure::Panic(message)),
    }
}

/// Every operation that progenitor fails (or panics) on by itself, so that
/// one run names all of them rather than the first.
fn blame_operations(doc: &Value) -> Vec<Blame> {
    spec::operations(doc)
        .into_iter()
        .filter_map(|op| {
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
            let failure = generate_tokens(&api).err()?;
            let id = spec::operation_id(doc, &op).unwrap_or("(no operationId)");
            Some(Blame {
                operation_id: id.to_owned(),
                pointer: op.pointer(),
                message: failure.to_string(),
            })
        })
        .collect()
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

fn format(
    doc: &Value,
    tokens: proc_macro2::TokenStream,
    names: &BTreeMap<String, EnumNames>,
    groups: &BTreeMap<String, String>,
    always: &[String],
) -> Result<Generated, XtaskError> {
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| XtaskError::Format {
        message: e.to_string(),
    })?;
    let docs = crate::open_enums::value_docs(doc);
    crate::open_enums::open_enums_named(&mut file, names, &docs)
        .map_err(|message| XtaskError::Format { message })?;
    gate_schemars(&mut file.items);
    drop_type_builders(&mut file.items);
    complete_unknown_members(&mut file.items);
    describe_reference_fields(doc, &mut file.items);
    drop_api_version_header(&mut file);
    decode_by_moving_headers(&mut file);
    let scoped = scope_the_request(&mut file);
    // A builder whose shape this step half knows (the type rewritten, not
    // its placeholder) fails to compile, which the corpus test catches.
    crate::builder_errors::borrow_placeholder_errors(&mut file);
    crate::lean_requests::lean_requests(&mut file);
    let catalog =
        crate::catalog::read(doc, &file).map_err(|message| XtaskError::Format { message })?;
    // The step rewrites the shape of progenitor's `send`: if that shape
    // changes, say so rather than quietly generating the larger futures.
    if scoped != catalog.operations.len() {
        return Err(XtaskError::Format {
            message: format!(
                "the normalise step scope_the_request matched {scoped} of {} operations' \
                 `send`: progenitor's `send` has a shape it does not know \
                 (see xtask/src/codegen.rs)",
                catalog.operations.len()
            ),
        });
    }
    let builders: Vec<(&str, &str)> = catalog
        .operations
        .iter()
        .map(|op| (op.id.as_str(), op.builder.as_str()))
        .collect();
    let gates = crate::features::gate(&mut file, &builders, groups, always);
    let catalog = crate::catalog::render(&catalog, &gates)
        .map_err(|message| XtaskError::Format { message })?;
    crate::doc_examples::compile_examples(&mut file);
    Ok(Generated {
        client: prettyplease::unparse(&file),
        catalog,
        gates,
        variants: crate::enum_uses::variants(&file),
    })
}

/// Gives each field whose property is a `$ref` the description written
/// beside the reference.
///
/// OpenAPI 3.0 reads `{$ref, description}` as the reference alone, so
/// progenitor never sees the description that `overlay.yaml` puts there and
/// the field would go undocumented (`authorizationDetails`, `client`,
/// `service`, ...). Fields with docs of their own are left alone.
pub fn describe_reference_fields(doc: &Value, items: &mut [syn::Item]) {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return;
    };
    let described: BTreeMap<String, &serde_json::Map<String, Value>> = schemas
        .iter()
        .filter_map(|(name, schema)| {
            let properties = schema.get("properties")?.as_object()?;
            Some((crate::normalise::rust_type_name(name), properties))
        })
        .collect();
    let Some(types) = items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return;
    };
    for item in types.iter_mut() {
        let syn::Item::Struct(structure) = item else {
            continue;
        };
        let Some(properties) = described.get(&structure.ident.to_string()) else {
            continue;
        };
        for field in structure.fields.iter_mut() {
            if field.attrs.iter().any(|a| a.path().is_ident("doc")) {
                continue;
            }
            let Some(ident) = &field.ident else {
                continue;
            };
            let wire = crate::syn_util::serde_value(&field.attrs, "rename")
                .unwrap_or_else(|| ident.to_string());
            let text = properties
                .get(&wire)
                .and_then(|p| p.get("description"))
                .and_then(Value::as_str)
                .filter(|d| !d.trim().is_empty());
            if let Some(text) = text {
                field.attrs.insert(0, syn::parse_quote!(#[doc = #text]));
            }
        }
    }
}

/// Removes the `api-version` header progenitor adds to every request.
///
/// Authlete defines no such header, so the hooks used to remove it again
/// before sending: a header map allocated, merged into the request and
/// searched on every call for nothing. Each request's header map is sized
/// one smaller, so a request with no other header allocates none.
pub fn drop_api_version_header(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;

    struct Drop;
    impl VisitMut for Drop {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block.stmts.retain(|stmt| !is_api_version_append(stmt));
            if block.stmts.len() < before {
                // Still `mut` only if another header is added to it.
                let still_added = block.stmts.iter().any(|stmt| {
                    quote::ToTokens::to_token_stream(stmt)
                        .to_string()
                        .contains("header_map . append")
                });
                for stmt in &mut block.stmts {
                    shrink_header_map(stmt, still_added);
                }
            }
            syn::visit_mut::visit_block_mut(self, block);
        }
    }
    Drop.visit_file_mut(file);
}

/// Makes every operation read its JSON response with `crate::hooks::decode`
/// instead of progenitor's `ResponseValue::from_response`.
///
/// `from_response` clones the response's header map before reading the
/// body, then drops the response with the original: an allocation and a
/// copy of every header on each call. `decode` moves the map out instead,
/// and its future is smaller (it holds no second map while the body is
/// read), which every call's future is built around. An operation with
/// no JSON answer has nothing to swap, so this step cannot tell a shape it
/// does not know from nothing to do; the calls stay correct either way.
pub fn decode_by_moving_headers(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;

    struct Swap;
    impl VisitMut for Swap {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            if let syn::Expr::Path(func) = call.func.as_mut() {
                let names: Vec<String> = func
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if names.ends_with(&["ResponseValue".into(), "from_response".into()]) {
                    func.path = syn::parse_quote!(crate::hooks::decode);
                }
            }
            syn::visit_mut::visit_expr_call_mut(self, call);
        }
    }
    Swap.visit_file_mut(file);
}

/// Rewrites each `send`'s request, from checking its arguments to `let
/// response = result?;`, so that nothing of it is left in the operation's
/// future while the body is read: the arguments and the request are built
/// in a block of their own, and the hooks' round trip (`pre`, `exec`,
/// `post`) is one call to `crate::hooks::round_trip`, whose future holds the
/// request and the raw result only while they are needed.
///
/// A local that was borrowed keeps its room in an `async fn`'s future until
/// its scope ends, even once moved, and a local live across more than one
/// `await` gets a room no other state shares. As progenitor writes it, the
/// token-fail call's future was 1,752 bytes; with the request in a plain
/// block, 1,072 (the version before this one); with it built apart and the
/// round trip a future of its own, 768, within glibc's per-thread cache.
/// Returns how many `send`s it rewrote.
pub fn scope_the_request(file: &mut syn::File) -> usize {
    use syn::visit_mut::VisitMut;

    struct Scope(usize);
    impl VisitMut for Scope {
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            if function.sig.ident == "send"
                && function.sig.asyncness.is_some()
                && let Some(error) = error_body(&function.sig.output)
                && scope_request_in(&mut function.block, &error)
            {
                self.0 += 1;
            }
            syn::visit_mut::visit_impl_item_fn_mut(self, function);
        }
    }
    let mut scope = Scope(0);
    scope.visit_file_mut(file);
    scope.0
}

/// `E` of a `send`'s `Result<ResponseValue<T>, Error<E>>`.
fn error_body(output: &syn::ReturnType) -> Option<syn::Type> {
    let last_argument = |ty: &syn::Type, name: &str| {
        let syn::Type::Path(path) = ty else {
            return None;
        };
        let segment = path.path.segments.last()?;
        if segment.ident != name {
            return None;
        }
        let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else {
            return None;
        };
        match arguments.args.last()? {
            syn::GenericArgument::Type(ty) => Some(ty.clone()),
            _ => None,
        }
    };
    let syn::ReturnType::Type(_, result) = output else {
        return None;
    };
    last_argument(&last_argument(result, "Result")?, "Error")
}

/// Whether it found the request's statements in the shape progenitor
/// writes them, and rewrote them.
fn scope_request_in(block: &mut syn::Block, error: &syn::Type) -> bool {
    let binds = |stmt: &syn::Stmt, name: &str| match stmt {
        syn::Stmt::Local(local) => match &local.pat {
            syn::Pat::Ident(binding) => binding.ident == name,
            _ => false,
        },
        _ => false,
    };
    let text = |stmt: &syn::Stmt| quote::ToTokens::to_token_stream(stmt).to_string();
    // From the statement after `let Self { .. } = self;`: the arguments
    // the builder checked (a body, a path parameter) are only needed to
    // build the request, and go out of scope with it.
    let Some(built) = block.stmts.iter().position(|s| binds(s, "request")) else {
        return false;
    };
    let first = block
        .stmts
        .iter()
        .position(
            |s| matches!(s, syn::Stmt::Local(local) if matches!(&local.pat, syn::Pat::Struct(_))),
        )
        .map_or(built, |i| i + 1);
    // What follows the request, exactly as progenitor writes it: what
    // `round_trip` does in its place.
    let round_trip = [
        "client . pre (& mut request , & info) . await ? ;",
        "let result = client . exec (request , & info) . await ;",
        "client . post (& result , & info) . await ? ;",
        "let response = result ? ;",
    ];
    let info = built + 1;
    let last = info + round_trip.len();
    if built < first
        || block.stmts.len() <= last
        || !binds(&block.stmts[info], "info")
        || (0..round_trip.len()).any(|i| text(&block.stmts[info + 1 + i]) != round_trip[i])
    {
        return false;
    }
    // The request's expression ends the block that builds it.
    let syn::Stmt::Local(syn::Local {
        init: Some(request),
        ..
    }) = &block.stmts[built]
    else {
        return false;
    };
    let request = request.expr.clone();
    let mut building: Vec<syn::Stmt> = block.stmts.drain(first..=built).collect();
    building.pop();
    // `info` is now at `first`; the round trip's statements follow it.
    let info = block.stmts.remove(first);
    block.stmts.drain(first..first + round_trip.len());
    let scoped: syn::Stmt = syn::parse_quote! {
        let response = {
            let request = {
                #(#building)*
                #request
            };
            #info
            crate::hooks::round_trip::<#error>(client, request, info).await?
        };
    };
    block.stmts.insert(first, scoped);
    true
}

/// `header_map.append(HeaderName::from_static("api-version"), ..);`
fn is_api_version_append(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    call.method == "append"
        && call.args.first().is_some_and(|name| {
            quote::ToTokens::to_token_stream(name)
                .to_string()
                .contains("\"api-version\"")
        })
}

/// `let mut header_map = HeaderMap::with_capacity(N);` becomes `N - 1`,
/// and loses its `mut` unless `mutated`.
fn shrink_header_map(stmt: &mut syn::Stmt, mutated: bool) {
    let syn::Stmt::Local(local) = stmt else {
        return;
    };
    if let syn::Pat::Ident(binding) = &mut local.pat
        && binding.ident == "header_map"
        && !mutated
    {
        binding.mutability = None;
    }
    let Some(init) = local.init.as_mut() else {
        return;
    };
    let syn::Expr::Call(call) = init.expr.as_mut() else {
        return;
    };
    let syn::Expr::Path(func) = call.func.as_ref() else {
        return;
    };
    let is_header_map = func.path.segments.len() >= 2
        && func.path.segments[func.path.segments.len() - 2].ident == "HeaderMap"
        && func.path.segments[func.path.segments.len() - 1].ident == "with_capacity";
    if !is_header_map {
        return;
    }
    let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(size),
        ..
    })) = call.args.first_mut()
    else {
        return;
    };
    if let Ok(n) = size.base10_parse::<usize>() {
        let smaller = n.saturating_sub(1);
        *size = syn::LitInt::new(&format!("{smaller}usize"), size.span());
    }
}

/// Removes typify's `X::builder()` constructors from the `types` module.
///
/// Nothing calls them (the client starts its body builders from
/// `Default`), and the facade re-exports these types: left in, every model
/// would offer users a way into `authlete_generated::types::builder`.
pub fn drop_type_builders(items: &mut [syn::Item]) {
    for item in items.iter_mut() {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, types)) = m.content.as_mut() else {
            continue;
        };
        types.retain(|item| {
            let syn::Item::Impl(imp) = item else {
                return true;
            };
            let only_builder = imp.trait_.is_none()
                && imp.items.len() == 1
                && matches!(&imp.items[0], syn::ImplItem::Fn(f) if f.sig.ident == "builder");
            !only_builder
        });
    }
}

/// Finishes the structs that keep the members their schema does not name
/// (normalise's `keep_unknown_members`): typify's flattened `extra` map gets
/// a doc comment, and the struct gets back the `Default` typify leaves off
/// because of the map (it counts it as a required field): every other field
/// is optional or has a default, and an empty map is the map's default.
pub fn complete_unknown_members(items: &mut [syn::Item]) {
    let Some(types) = items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return;
    };
    // typify's body builders (`types::builder`, behind progenitor's
    // `body_map`) start each required field as an error until set; the map
    // of unknown members starts empty instead.
    struct EmptyUnknownMembers;
    impl syn::visit_mut::VisitMut for EmptyUnknownMembers {
        fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
            let is_extra = matches!(&field.member, syn::Member::Named(i) if i == "extra");
            let is_err = matches!(&field.expr, syn::Expr::Call(c)
                if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Err")));
            if is_extra && is_err {
                field.expr = syn::parse_quote!(Ok(Default::default()));
            }
            syn::visit_mut::visit_field_value_mut(self, field);
        }
    }
    for item in types.iter_mut() {
        if let syn::Item::Mod(m) = item
            && m.ident == "builder"
        {
            syn::visit_mut::VisitMut::visit_item_mod_mut(&mut EmptyUnknownMembers, m);
        }
    }
    for item in types.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        let has_serde = |f: &syn::Field, word: &str| {
            f.attrs.iter().any(|a| {
                a.path().is_ident("serde")
                    && a.meta
                        .to_token_stream()
                        .to_string()
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(|w| w == word)
            })
        };
        let Some(extra) = fields
            .named
            .iter_mut()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == "extra") && has_serde(f, "flatten"))
        else {
            continue;
        };
        extra.attrs.insert(
            0,
            syn::parse_quote!(#[doc = "Members Authlete sent that the spec does not name, kept as received so that encoding this value sends them back."]),
        );
        let all_optional = fields.named.iter().all(|f| {
            has_serde(f, "flatten")
                || has_serde(f, "default")
                || matches!(&f.ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|seg| seg.ident == "Option"))
        });
        let Some(derive) = s.attrs.iter_mut().find(|a| a.path().is_ident("derive")) else {
            continue;
        };
        let Ok(mut derived) = derive.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        if all_optional && !derived.iter().any(|p| p.is_ident("Default")) {
            derived.push(syn::parse_quote!(Default));
            *derive = syn::parse_quote!(#[derive(#derived)]);
        }
    }
}

/// Puts every use of schemars behind the generated crate's `schemars` feature.
///
/// `#[derive(.., schemars::JsonSchema)]` loses that path and gains
/// `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]` right
/// after it; `#[schemars(..)]` helper attributes become
/// `#[cfg_attr(feature = "schemars", schemars(..))]`. Applications then build
/// without schemars; the tests turn the feature on to compare schemas.
///
/// A serde type without the derive (one added by a pass after typify, such
/// as the open enums' catch-all value) gets the gated derive too, so that
/// every type that holds it still derives `JsonSchema` with the feature on.
pub fn gate_schemars(items: &mut [syn::Item]) {
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                gate_attrs(&mut s.attrs);
                for field in s.fields.iter_mut() {
                    gate_attrs(&mut field.attrs);
                }
            }
            syn::Item::Enum(e) => {
                gate_attrs(&mut e.attrs);
                for variant in e.variants.iter_mut() {
                    gate_attrs(&mut variant.attrs);
                    for field in variant.fields.iter_mut() {
                        gate_attrs(&mut field.attrs);
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = m.content.as_mut() {
                    gate_schemars(items);
                }
            }
            _ => {}
        }
    }
}

fn is_schemars(path: &syn::Path) -> bool {
    path.segments.first().is_some_and(|s| s.ident == "schemars")
}

fn gate_attrs(attrs: &mut Vec<syn::Attribute>) {
    use syn::punctuated::Punctuated;
    let derives = |a: &syn::Attribute, name: &str| {
        a.path().is_ident("derive")
            && a.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
                })
    };
    if attrs.iter().any(|a| derives(a, "Serialize"))
        && !attrs.iter().any(|a| derives(a, "JsonSchema"))
        && let Some(last) = attrs.iter().rposition(|a| a.path().is_ident("derive"))
    {
        attrs.insert(last + 1, syn::parse_quote!(#[derive(schemars::JsonSchema)]));
    }
    let mut out = Vec::with_capacity(attrs.len() + 1);
    for attr in attrs.drain(..) {
        if attr.path().is_ident("derive") {
            let Ok(paths) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                out.push(attr);
                continue;
            };
            let (gated, kept): (Vec<syn::Path>, Vec<syn::Path>) =
                paths.into_iter().partition(is_schemars);
            if gated.is_empty() {
                out.push(attr);
                continue;
            }
            if !kept.is_empty() {
                out.push(syn::parse_quote!(#[derive(#(#kept),*)]));
            }
            out.push(syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(#(#gated),*))]));
        } else if attr.path().is_ident("schemars") {
            let syn::Meta::List(list) = &attr.meta else {
                out.push(attr);
                continue;
            };
            let tokens = &list.tokens;
            out.push(syn::parse_quote!(#[cfg_attr(feature = "schemars", schemars(#tokens))]));
        } else {
            out.push(attr);
        }
    }
    *attrs = out;
}

#[cfg(test)]
mod tests {
    #[test]
    fn responses_are_decoded_by_the_hooks() {
        let mut file: syn::File = syn::parse_quote! {
            async fn send() {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    204u16 => Ok(ResponseValue::empty(response)),
                    400u16 => Err(Error::ErrorResponse(
                        progenitor_client::ResponseValue::from_response(response).await?,
                    )),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        };
        super::decode_by_moving_headers(&mut file);
        let text = prettyplease::unparse(&file);
        assert!(!text.contains("from_response"), "{text}");
        assert_eq!(
            text.matches("crate::hooks::decode(response).await").count(),
            2,
            "{text}"
        );
        assert!(text.contains("ResponseValue::empty(response)"), "{text}");
    }

    #[test]
    fn the_request_ends_before_the_body_is_read() {
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> Op<'a> {
                pub async fn send(self) -> Result<(), Error<()>> {
                    let Self { client, body } = self;
                    let url = format!("{}/x", client.baseurl);
                    let mut request = client.client.post(url).build()?;
                    let info = OperationInfo { operation_id: "x" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        };
        assert_eq!(super::scope_the_request(&mut file), 1);
        let text = prettyplease::unparse(&file);
        let expected =
            "let response = {\n            let request = {\n                let url = format!";
        assert!(text.contains(expected), "{text}");
        assert!(
            text.contains(
                "client.client.post(url).build()?\n            };\n            let info = OperationInfo"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "crate::hooks::round_trip::<()>(client, request, info).await?\n        };\n        match response"
            ),
            "{text}"
        );
        assert!(!text.contains("client.pre("), "{text}");
    }

    #[test]
    fn a_send_of_another_shape_is_left_alone_and_not_counted() {
        // No `post` hook: progenitor's shape changed, and the step must say
        // so (through its count) rather than drop or reorder a hook.
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> Op<'a> {
                pub async fn send(self) -> Result<(), Error<()>> {
                    let Self { client, body } = self;
                    let mut request = client.client.post(url).build()?;
                    let info = OperationInfo { operation_id: "x" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    let response = result?;
                    match response.status().as_u16() {
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        };
        let before = prettyplease::unparse(&file);
        assert_eq!(super::scope_the_request(&mut file), 0);
        assert_eq!(prettyplease::unparse(&file), before);
    }

    #[test]
    fn the_api_version_header_is_dropped_and_its_map_shrinks() {
        let mut file: syn::File = syn::parse_quote! {
            fn with_another_header() {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                header_map.append("x-other", value);
                let request = client.get(url).headers(header_map).build()?;
            }
            fn with_none() {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                let request = client.get(url).headers(header_map).build()?;
            }
        };
        super::drop_api_version_header(&mut file);
        let text = prettyplease::unparse(&file);
        assert!(!text.contains("api-version"), "{text}");
        assert!(
            text.contains(
                "let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);"
            ),
            "{text}"
        );
        assert!(
            text.contains("let header_map = ::reqwest::header::HeaderMap::with_capacity(0usize);"),
            "{text}"
        );
        assert!(
            text.contains("header_map.append(\"x-other\", value);"),
            "{text}"
        );
    }
}
