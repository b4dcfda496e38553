//! The catalog: a table of what the generated crate contains, emitted as
//! `generated/src/catalog.rs`.
//!
//! Tests, property tests and the fuzz target need to reach every operation
//! and every type. Naming them by hand makes each spec change a compile
//! error in the tests, which hides every snapshot diff behind it. The
//! catalog names them instead, by string: operations (id, method, path,
//! parameters, request and response bodies), type names, enum values, a
//! decode/encode round trip per type, a way to send any operation with a
//! JSON body, and (behind the `schemars` feature) each type's JSON Schema.
//!
//! It is read from two places: the normalised spec (operation ids, paths,
//! parameter wire names, status codes) and progenitor's output after the
//! open-enum pass (Rust names of types, builders and setters), so it names
//! exactly what the client has.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;
use syn::{GenericArgument, ImplItem, ImplItemFn, Item, PathArguments, Type, WherePredicate};

use crate::normalise::rust_type_name;
use crate::open_enums::{CATCH_ALL, serde_rename};
use crate::spec;
use crate::syn_util::{generic_args, last_ident, module};

/// Name of the catalog file inside the generated crate's `src/`.
pub const CATALOG_FILE: &str = "catalog.rs";

/// One operation as the catalog lists it.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's operationId.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The name of progenitor's request builder (`builder::<name>`).
    pub builder: String,
    client_method: syn::Ident,
    /// Path parameters in spec order.
    pub path_params: Vec<Param>,
    /// Query parameters in spec order.
    pub query_params: Vec<Param>,
    /// The request body's Rust type, as the builder's `body` setter takes it.
    pub body: Option<Type>,
    /// The success body's Rust type, as `send` returns it (`()` for none).
    pub success: Type,
    /// The first success status, and an example body for it from the spec
    /// ([`crate::examples`]), as JSON text.
    pub example: Option<(u16, Option<String>)>,
    /// The request body's Rust type name.
    pub request_body: Option<String>,
    /// `(status or "default", body type name)` in spec order.
    pub responses: Vec<(String, Option<String>)>,
}

/// One path or query parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire (`serviceId`).
    pub wire: String,
    setter: syn::Ident,
    ty: Type,
}

/// Everything the catalog file lists.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// Every type of the `types` module that derives serde's traits, in generated order.
    pub types: Vec<String>,
    /// The subset of [`Catalog::types`] that derives `schemars::JsonSchema`.
    pub schema_types: Vec<String>,
    /// Every open string enum with its known wire values.
    pub enums: Vec<(String, Vec<String>)>,
}

/// Reads the catalog out of the normalised spec and the generated client.
pub fn read(doc: &Value, file: &syn::File) -> Result<Catalog, String> {
    let mut catalog = Catalog::default();
    let types = module(&file.items, "types").unwrap_or(&[]);
    for item in types {
        let (ident, attrs) = match item {
            Item::Struct(s) => (&s.ident, &s.attrs),
            Item::Enum(e) => (&e.ident, &e.attrs),
            _ => continue,
        };
        let derives = derives(attrs);
        if !(derives.contains("Serialize") && derives.contains("Deserialize")) {
            continue;
        }
        catalog.types.push(ident.to_string());
        if derives.contains("JsonSchema") {
            catalog.schema_types.push(ident.to_string());
        }
        if let Item::Enum(e) = item
            && e.variants.iter().any(|v| v.ident == CATCH_ALL)
        {
            let values = e
                .variants
                .iter()
                .filter(|v| v.ident != CATCH_ALL)
                .filter_map(|v| serde_rename(&v.attrs))
                .collect();
            catalog.enums.push((e.ident.to_string(), values));
        }
    }

    let builders = module(&file.items, "builder").unwrap_or(&[]);
    for op in spec::operations(doc) {
        let object = spec::operation(doc, &op).ok_or("operation vanished")?;
        let id = spec::operation_id(doc, &op)
            .ok_or_else(|| format!("{} has no operationId", op.pointer()))?
            .to_owned();
        let builder = builder_for(builders, &id)
            .ok_or_else(|| format!("no generated builder sends operation `{id}`"))?;
        let client_method = client_method(&file.items, &builder.0)
            .ok_or_else(|| format!("no `Client` method returns builder `{}`", builder.0))?;
        let fns: Vec<&ImplItemFn> = builder.1;
        let send = fns
            .iter()
            .find(|f| f.sig.ident == "send")
            .ok_or_else(|| format!("builder `{}` has no `send`", builder.0))?;
        let (success, error) = send_types(send).ok_or_else(|| {
            format!(
                "`{}::send` does not return Result<ResponseValue<_>, Error<_>>",
                builder.0
            )
        })?;

        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        for param in parameters(doc, &op) {
            let (Some(wire), Some(place)) = (
                param.get("name").and_then(Value::as_str),
                param.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            let list = match place {
                "path" => &mut path_params,
                "query" => &mut query_params,
                _ => continue,
            };
            let (setter, ty) = setter_for(&fns, wire).ok_or_else(|| {
                format!("operation `{id}`: no builder setter for parameter `{wire}`")
            })?;
            list.push(Param {
                wire: wire.to_owned(),
                setter,
                ty,
            });
        }

        let body = setter_for(&fns, "body").map(|(_, ty)| ty);
        let request_body = body.as_ref().map(type_name);
        let responses = object
            .get("responses")
            .and_then(Value::as_object)
            .map(|responses| {
                responses
                    .iter()
                    .map(|(status, response)| {
                        let response = resolve(doc, response);
                        let body = response_schema(response).and_then(|schema| {
                            match schema.get("$ref").and_then(Value::as_str) {
                                Some(r) => {
                                    r.strip_prefix("#/components/schemas/").map(rust_type_name)
                                }
                                None if status.starts_with('2') => rust_name(&success),
                                None => rust_name(&error),
                            }
                        });
                        (status.clone(), body)
                    })
                    .collect()
            })
            .unwrap_or_default();

        catalog.operations.push(Operation {
            id,
            method: op.method.to_uppercase(),
            path: op.path.clone(),
            builder: builder.0.clone(),
            client_method,
            path_params,
            query_params,
            body,
            success: success.clone(),
            example: example_success(doc, object),
            request_body,
            responses,
        });
    }
    Ok(catalog)
}

/// The last path segment of everything derived, `cfg_attr`-gated or not.
fn derives(attrs: &[syn::Attribute]) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for attr in attrs {
        if !(attr.path().is_ident("derive") || attr.path().is_ident("cfg_attr")) {
            continue;
        }
        let tokens = attr.meta.to_token_stream().to_string();
        if !tokens.contains("derive") {
            continue;
        }
        for word in ["Serialize", "Deserialize", "JsonSchema"] {
            if tokens.contains(word) {
                out.insert(word.to_owned());
            }
        }
    }
    out
}

/// The builder whose `send` reports `operation_id: "<id>"`, with its methods.
fn builder_for<'a>(items: &'a [Item], id: &str) -> Option<(String, Vec<&'a ImplItemFn>)> {
    // progenitor records the operation under its Rust name (`loop_` for
    // `loop`, `_2_get_odd_things` for `2-get odd.things`): compare the
    // letters and digits, which the normaliser keeps distinct per operation.
    let key = |name: &str| -> String {
        name.trim_start_matches("r#")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = key(id);
    let recorded = |body: &str| -> Option<String> {
        let start = body.find("operation_id : \"")? + "operation_id : \"".len();
        let end = body[start..].find('"')?;
        Some(body[start..start + end].to_owned())
    };
    items.iter().find_map(|item| {
        let Item::Impl(imp) = item else { return None };
        if imp.trait_.is_some() {
            return None;
        }
        let fns: Vec<&ImplItemFn> = imp
            .items
            .iter()
            .filter_map(|i| match i {
                ImplItem::Fn(f) => Some(f),
                _ => None,
            })
            .collect();
        let sends = fns.iter().any(|f| {
            f.sig.ident == "send"
                && recorded(&f.block.to_token_stream().to_string())
                    .is_some_and(|name| key(&name) == wanted)
        });
        sends.then(|| (last_ident(&imp.self_ty), fns))
    })
}

/// The `Client` method that returns `builder::<name>`.
fn client_method(items: &[Item], builder: &str) -> Option<syn::Ident> {
    items.iter().find_map(|item| {
        let Item::Impl(imp) = item else { return None };
        if imp.trait_.is_some() || last_ident(&imp.self_ty) != "Client" {
            return None;
        }
        imp.items.iter().find_map(|i| match i {
            ImplItem::Fn(f) => match &f.sig.output {
                syn::ReturnType::Type(_, ty) if last_ident(ty) == builder => {
                    Some(f.sig.ident.clone())
                }
                _ => None,
            },
            _ => None,
        })
    })
}

/// `(T, E)` of `send(self) -> Result<ResponseValue<T>, Error<E>>`.
fn send_types(send: &ImplItemFn) -> Option<(Type, Type)> {
    let syn::ReturnType::Type(_, ret) = &send.sig.output else {
        return None;
    };
    let [ok, err] = &generic_args(ret)?[..] else {
        return None;
    };
    Some((
        generic_args(ok)?.first()?.clone(),
        generic_args(err)?.first()?.clone(),
    ))
}

/// The setter for wire name `wire` and the `T` of its `V: TryInto<T>` bound.
///
/// progenitor names setters in snake case; names are compared without
/// underscores and case so that `serviceId` finds `service_id`.
fn setter_for(fns: &[&ImplItemFn], wire: &str) -> Option<(syn::Ident, Type)> {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let f = fns
        .iter()
        .find(|f| squash(&f.sig.ident.to_string()) == squash(wire))?;
    let bound = f
        .sig
        .generics
        .where_clause
        .as_ref()?
        .predicates
        .iter()
        .find_map(|p| match p {
            WherePredicate::Type(t) => t.bounds.iter().find_map(|b| match b {
                syn::TypeParamBound::Trait(tr) => {
                    let seg = tr.path.segments.last()?;
                    if seg.ident != "TryInto" {
                        return None;
                    }
                    match &seg.arguments {
                        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                            GenericArgument::Type(t) => Some(t.clone()),
                            _ => None,
                        }),
                        _ => None,
                    }
                }
                _ => None,
            }),
            _ => None,
        })?;
    Some((f.sig.ident.clone(), bound))
}

/// The type's name as the catalog lists it (`types::TokenRequest` -> `TokenRequest`).
fn type_name(ty: &Type) -> String {
    last_ident(ty)
}

/// A body type's name, or `None` for `()`.
fn rust_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => None,
        ty => Some(type_name(ty)),
    }
}

/// Follows one local `$ref`.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| doc.pointer(pointer))
        .unwrap_or(value)
}

/// The operation's parameters, the path item's shared ones first, resolved.
fn parameters<'a>(doc: &'a Value, op: &spec::OperationRef) -> Vec<&'a Value> {
    let item = doc.get("paths").and_then(|p| p.get(&op.path));
    let shared = item
        .and_then(|i| i.get("parameters"))
        .and_then(Value::as_array);
    let own = spec::operation(doc, op)
        .and_then(|o| o.get("parameters"))
        .and_then(Value::as_array);
    let mut out: Vec<&Value> = Vec::new();
    for p in own.into_iter().flatten().map(|p| resolve(doc, p)) {
        out.push(p);
    }
    for p in shared.into_iter().flatten().map(|p| resolve(doc, p)) {
        let overridden = out
            .iter()
            .any(|o| o.get("name") == p.get("name") && o.get("in") == p.get("in"));
        if !overridden {
            out.insert(0, p);
        }
    }
    out
}

/// The schema of a response's JSON body (or its only body), if it has one.
fn response_schema(response: &Value) -> Option<&Value> {
    let content = response.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
}

/// The first 2xx status of an operation object and an example of its body.
fn example_success(doc: &Value, operation: &Value) -> Option<(u16, Option<String>)> {
    let (status, response) = operation
        .get("responses")?
        .as_object()?
        .iter()
        .find(|(code, _)| code.starts_with('2'))?;
    let status: u16 = status.parse().ok()?;
    let body = response_schema(resolve(doc, response))
        .map(|schema| crate::examples::body_example(doc, schema, "value").to_string());
    Some((status, body))
}

/// Renders the catalog as the source of `generated/src/catalog.rs` (without
/// header). The tables list everything; the functions that name a type or
/// call an operation have an arm for it only when its feature is on
/// (`gates`, see [`crate::features`]).
pub fn render(catalog: &Catalog, gates: &crate::features::Gates) -> Result<String, String> {
    let code = [
        template(PREAMBLE)?,
        tables(catalog),
        by_type_name(catalog, gates),
        sending(catalog, gates),
        template(HELPERS)?,
    ];
    let file: syn::File = syn::parse2(code.into_iter().collect())
        .map_err(|e| format!("catalog does not parse: {e}"))?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// The catalog's fixed start: module docs, imports, and the types the
/// tables are made of. A real file, so that it reads, and is formatted, as
/// the Rust it is.
const PREAMBLE: &str = include_str!("../templates/catalog_preamble.rs");

/// The catalog's fixed end: the private functions the lookups and senders
/// share.
const HELPERS: &str = include_str!("../templates/catalog_helpers.rs");

/// A template's tokens. Only its tokens count: prettyplease lays the
/// catalog out, so the template's own layout and plain comments never
/// reach the output.
fn template(text: &str) -> Result<TokenStream, String> {
    text.parse()
        .map_err(|e| format!("catalog template does not parse: {e}"))
}

/// The tables of operations, types and enums, and the lookups into them.
fn tables(catalog: &Catalog) -> TokenStream {
    let operations = catalog.operations.iter().map(operation_entry);
    let type_names = &catalog.types;
    let enums = catalog
        .enums
        .iter()
        .map(|(name, values)| quote!(Enum { name: #name, values: &[#(#values),*] }));
    let examples = catalog.operations.iter().filter_map(example_arm);
    quote! {
        /// Every operation, in spec order.
        pub const OPERATIONS: &[Operation] = &[#(#operations),*];

        /// Every type of [`types`] that serde reads and writes, in generated order.
        pub const TYPES: &[&str] = &[#(#type_names),*];

        /// Every string enum of [`types`].
        pub const ENUMS: &[Enum] = &[#(#enums),*];

        /// The first success status of operation `operation_id` and an example
        /// body for it, made from the spec's schema (every property, enums at
        /// their first value): what a stand-in for Authlete can answer.
        pub fn example_response(operation_id: &str) -> Option<(u16, Option<&'static str>)> {
            match operation_id {
                #(#examples)*
                _ => None,
            }
        }

        /// The operation with this `operationId`.
        pub fn operation(operation_id: &str) -> Option<&'static Operation> {
            OPERATIONS.iter().find(|op| op.operation_id == operation_id)
        }
    }
}

/// One entry of `OPERATIONS`.
fn operation_entry(op: &Operation) -> TokenStream {
    let id = &op.id;
    let method = &op.method;
    let path = &op.path;
    let path_params = op.path_params.iter().map(|p| &p.wire);
    let query_params = op.query_params.iter().map(|p| &p.wire);
    let body = option_str(op.request_body.as_deref());
    let responses = op.responses.iter().map(|(status, body)| {
        let body = option_str(body.as_deref());
        quote!(Response { status: #status, body: #body })
    });
    quote! {
        Operation {
            operation_id: #id,
            method: #method,
            path: #path,
            path_params: &[#(#path_params),*],
            query_params: &[#(#query_params),*],
            request_body: #body,
            responses: &[#(#responses),*],
        }
    }
}

/// The arm of `example_response` for `op`, if the spec has an example
/// success for it.
fn example_arm(op: &Operation) -> Option<TokenStream> {
    let id = &op.id;
    let (status, body) = op.example.as_ref()?;
    let body = match body {
        Some(json) => quote!(Some(#json)),
        None => quote!(None),
    };
    Some(quote!(#id => Some((#status, #body)),))
}

/// The functions that take a type's name and reach the type: round trip,
/// `Debug`, enum values and JSON Schemas, each arm behind its feature.
fn by_type_name(catalog: &Catalog, gates: &crate::features::Gates) -> TokenStream {
    let ident = |t: &String| syn::Ident::new(t, Span::call_site());
    let type_names = &catalog.types;
    let type_idents: Vec<syn::Ident> = catalog.types.iter().map(ident).collect();
    let type_cfgs: Vec<TokenStream> = catalog.types.iter().map(|t| gates.type_cfg(t)).collect();
    let schema_names = &catalog.schema_types;
    let schema_idents: Vec<syn::Ident> = catalog.schema_types.iter().map(ident).collect();
    let schema_cfgs: Vec<TokenStream> = catalog
        .schema_types
        .iter()
        .map(|t| gates.type_cfg(t))
        .collect();
    let enum_names: Vec<&String> = catalog.enums.iter().map(|(n, _)| n).collect();
    let enum_idents: Vec<syn::Ident> = catalog.enums.iter().map(|(n, _)| ident(n)).collect();
    let enum_cfgs: Vec<TokenStream> = catalog
        .enums
        .iter()
        .map(|(n, _)| gates.type_cfg(n))
        .collect();
    let catch_all = format_ident!("{CATCH_ALL}");
    quote! {
        /// Decodes `json` as the type named `type_name` and encodes it again.
        ///
        /// `None` if no type has that name (or its group's feature is off).
        pub fn roundtrip(type_name: &str, json: &str) -> Option<Result<String, serde_json::Error>> {
            Some(match type_name {
                #(#type_cfgs #type_names => reencode::<types::#type_idents>(json),)*
                _ => return None,
            })
        }

        /// Decodes `json` as the type named `type_name` and shows it with `{:?}`.
        ///
        /// `None` if no type has that name (or its group's feature is off).
        pub fn debug(type_name: &str, json: &str) -> Option<Result<String, serde_json::Error>> {
            Some(match type_name {
                #(#type_cfgs #type_names => serde_json::from_str::<types::#type_idents>(json).map(|v| format!("{v:?}")),)*
                _ => return None,
            })
        }

        /// Decodes `json` as the enum named `enum_name`: `true` for a value
        /// the enum knows, `false` for one kept in its catch-all variant.
        ///
        /// `None` if no enum has that name (or its group's feature is off).
        pub fn is_known(enum_name: &str, json: &str) -> Option<Result<bool, serde_json::Error>> {
            Some(match enum_name {
                #(#enum_cfgs #enum_names => serde_json::from_str::<types::#enum_idents>(json)
                    .map(|v| !matches!(v, types::#enum_idents::#catch_all(_))),)*
                _ => return None,
            })
        }

        /// The JSON Schema of every type that has one, as schemars derives it.
        #[cfg(feature = "schemars")]
        #[allow(clippy::vec_init_then_push, reason = "each push has its own feature gate")]
        pub fn json_schemas() -> Vec<(&'static str, Value)> {
            let mut schemas = Vec::new();
            #(#schema_cfgs schemas.push((#schema_names, schemars::schema_for!(types::#schema_idents).to_value()));)*
            schemas
        }
    }
}

/// `send`, which calls any operation by id, and one sender per operation,
/// each behind its feature.
fn sending(catalog: &Catalog, gates: &crate::features::Gates) -> TokenStream {
    let op_cfgs: Vec<TokenStream> = catalog
        .operations
        .iter()
        .map(|o| gates.operation_cfg(&o.id))
        .collect();
    let op_ids: Vec<&String> = catalog.operations.iter().map(|o| &o.id).collect();
    let op_fns: Vec<syn::Ident> = catalog
        .operations
        .iter()
        .map(|o| format_ident!("send_{}", o.client_method))
        .collect();
    let senders = catalog
        .operations
        .iter()
        .zip(&op_fns)
        .zip(&op_cfgs)
        .map(|((op, f), cfg)| {
            let sender = send_fn(op, f);
            quote!(#cfg #sender)
        });
    quote! {
        /// What a call got back: a status the spec describes and its decoded body.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Reply {
            /// The HTTP status.
            pub status: u16,
            /// The body, decoded as the spec's type and encoded as JSON again; `None` if empty.
            pub body: Option<Value>,
        }

        /// Sends one operation through its builder.
        ///
        /// `params` are `(wire name, value)` pairs for path and query
        /// parameters; each value is read as the parameter's type (a string
        /// as is, anything else as JSON). `body` is decoded into the
        /// operation's body type. `None` if no operation has that id (or
        /// its group's feature is off); an error names what went wrong (a
        /// bad parameter, a body that does not decode, a transport error, a
        /// status the spec does not list).
        pub async fn send(
            client: &Client,
            operation_id: &str,
            params: &[(&str, &str)],
            body: Option<Value>,
        ) -> Option<Result<Reply, String>> {
            Some(match operation_id {
                #(#op_cfgs #op_ids => #op_fns(client, params, body).await,)*
                _ => return None,
            })
        }

        #(#senders)*
    }
}

/// Puts a blank line between top-level items, as a person would write them
/// (prettyplease leaves none).
fn space_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 20);
    let mut previous: Option<&str> = None;
    for line in code.lines() {
        if let Some(prev) = previous {
            let item_ended =
                prev == "}" || prev == "];" || (prev.ends_with(';') && !prev.starts_with(' '));
            let module_doc_ended = prev.starts_with("//!") && !line.starts_with("//!");
            let same_group = prev.starts_with("use ") && line.starts_with("use ");
            if (item_ended || module_doc_ended) && !same_group && !line.is_empty() {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn send_fn(op: &Operation, name: &syn::Ident) -> TokenStream {
    let id = &op.id;
    let method = &op.client_method;
    let doc = format!("Sends `{id}` (`{} {}`).", op.method, op.path);
    let arms = op.path_params.iter().chain(&op.query_params).map(|p| {
        let wire = &p.wire;
        let setter = &p.setter;
        let ty = &p.ty;
        quote!(#wire => call.#setter(param::<#ty>(name, value)?),)
    });
    let body = match &op.body {
        Some(ty) => quote! {
            if let Some(body) = body {
                call = call.body(json_body::<#ty>(body)?);
            }
        },
        None => {
            let message = format!("operation `{id}` takes no body");
            quote! {
                if body.is_some() {
                    return Err(#message.to_owned());
                }
            }
        }
    };
    let mutability =
        if op.body.is_some() || !op.path_params.is_empty() || !op.query_params.is_empty() {
            quote!(mut)
        } else {
            quote!()
        };
    let params_loop = if op.path_params.is_empty() && op.query_params.is_empty() {
        quote! {
            if let Some((name, _)) = params.first() {
                return Err(unknown_param(#id, name));
            }
        }
    } else {
        quote! {
            for &(name, value) in params {
                call = match name {
                    #(#arms)*
                    _ => return Err(unknown_param(#id, name)),
                };
            }
        }
    };
    quote! {
        #[doc = #doc]
        async fn #name(client: &Client, params: &[(&str, &str)], body: Option<Value>) -> Result<Reply, String> {
            let #mutability call = client.#method();
            #params_loop
            #body
            reply(call.send().await)
        }
    }
}
