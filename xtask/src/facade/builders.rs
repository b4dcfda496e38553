//! The request builders: for each operation, its verb method on the group
//! and the builder it starts (fields, `new`, setters, a `Debug` that shows
//! only what the semantics file allows, `send`, and the per-call option
//! setters), after checking the semantics file's entry against the spec.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{
    Field, Op, Shape, Types, conversion, docs, field_docs, method_name, response_name, shape,
    snake, spelled,
};
use crate::semantics::{self, Replay};

/// The setters of the per-call options, on every builder: the names no
/// field's setter may take.
const PER_CALL_SETTERS: &[&str] = &["timeout", "retry_policy", "service_id", "header", "options"];

/// The one line that gives a builder the per-call option setters, written
/// once in `facade/src/per_call.rs`; `service_id` only where the path names
/// a service.
fn per_call_setters(builder: &syn::Ident, service_param: bool) -> TokenStream {
    if service_param {
        quote!(crate::per_call::per_call_setters!(#builder);)
    } else {
        quote!(crate::per_call::per_call_setters!(#builder, without_service_id);)
    }
}

/// An operation's verb method on the group, and its builder: the struct,
/// `Debug`, `new`, the setters, `send` and the per-call option setters.
///
/// Entries of the semantics file that name what the operation no longer has
/// are left out with a note; contradictions are returned as problems.
pub(super) fn emit_operation(
    op: &Op,
    decided: &semantics::Operation,
    group: &semantics::Group,
    types: &Types,
    notes: &mut Vec<String>,
) -> Result<(TokenStream, TokenStream), Vec<String>> {
    let (decided, body_fields) = checked_decisions(op, decided, types, notes)?;
    Builder {
        op,
        decided: &decided,
        group,
        types,
        body_fields: &body_fields,
        service_param: op.params.iter().any(|p| p.wire == "serviceId"),
    }
    .emit()
}

/// The semantics entry for `op`, without what names no field or parameter
/// of it any more and with every required value an argument, and the
/// fields of its request body.
fn checked_decisions(
    op: &Op,
    decided: &semantics::Operation,
    types: &Types,
    notes: &mut Vec<String>,
) -> Result<(semantics::Operation, Vec<Field>), Vec<String>> {
    let mut problems = Vec::new();
    let mut decided = decided.clone();
    let at = |what: &str| format!("operations.{}.{what}", op.id);
    let body_fields = match &op.body {
        Some(name) => match types.structs.get(name) {
            Some((_, fields)) => fields.clone(),
            None => {
                problems.push(format!(
                    "{}: request body type `{name}` is not a generated struct",
                    at("args")
                ));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    drop_unknown_names(op, &mut decided, &body_fields, types, notes);
    for name in &decided.show {
        if decided.secrets.contains(name) {
            problems.push(format!(
                "{}: `{name}` is a secret and cannot be shown",
                at("show")
            ));
        }
    }
    // Required values must be arguments: a builder that could be sent
    // without them would only fail at Authlete.
    for name in required_names(op, &body_fields, types) {
        if !decided.args.contains(&name) {
            // Required values are arguments; the spec says which, the file
            // only orders them.
            notes.push(format!(
                "{}: `{name}` is required by the spec, so it became the verb's last argument; list it in `args` to place it",
                at("args")
            ));
            decided.args.push(name);
        }
    }
    if problems.is_empty() {
        Ok((decided, body_fields))
    } else {
        Err(problems)
    }
}

/// Drops from `decided` what names no field or parameter of the operation
/// (its request body, parameters or response) any more, with a note for
/// each name.
fn drop_unknown_names(
    op: &Op,
    decided: &mut semantics::Operation,
    body_fields: &[Field],
    types: &Types,
    notes: &mut Vec<String>,
) {
    let response_fields = op
        .success
        .as_ref()
        .and_then(|n| types.structs.get(n))
        .map(|(_, f)| f.as_slice())
        .unwrap_or_default();
    let known: BTreeSet<&str> = body_fields
        .iter()
        .map(|f| f.wire.as_str())
        .chain(op.params.iter().map(|p| p.wire.as_str()))
        .chain(response_fields.iter().map(|f| f.wire.as_str()))
        .collect();
    let renamed: Vec<String> = decided.rename.keys().cloned().collect();
    for (list, names) in [
        ("rename", &renamed),
        ("args", &decided.args),
        ("secrets", &decided.secrets),
        ("show", &decided.show),
    ] {
        for name in names {
            if !known.contains(name.as_str()) {
                notes.push(format!(
                    "operations.{}.{list}: `{name}` is no field or parameter of this operation any more (upstream renamed or dropped it); the entry is unused (drop it)",
                    op.id
                ));
            }
        }
    }
    decided.args.retain(|a| known.contains(a.as_str()));
    decided.show.retain(|a| known.contains(a.as_str()));
    decided.rename.retain(|a, _| known.contains(a.as_str()));
}

/// The wire names of the values the operation cannot be sent without:
/// required parameters but the service ID, then body fields that are
/// neither optional, lists nor defaulted.
fn required_names(op: &Op, body_fields: &[Field], types: &Types) -> Vec<String> {
    op.params
        .iter()
        .filter(|p| p.required && p.wire != "serviceId")
        .map(|p| p.wire.clone())
        .chain(
            body_fields
                .iter()
                .filter(|f| {
                    !matches!(shape(&f.ty, types), Shape::Opt(_) | Shape::Vec(_))
                        && f.default_fn.is_none()
                })
                .map(|f| f.wire.clone()),
        )
        .collect()
}

/// A builder's fields, how `new` sets each, and the setters of those the
/// caller may set.
#[derive(Default)]
struct Members {
    fields: Vec<TokenStream>,
    inits: Vec<TokenStream>,
    setters: Vec<TokenStream>,
    /// The body keeps the members the spec does not name.
    keeps_unknown: bool,
    /// The body's generated type, which `body` takes whole.
    whole_body: Option<syn::Ident>,
}

/// The verb's arguments, in order: how each is declared, and the
/// expression that stores it, keyed `body:<wire>` or `param:<wire>`.
struct Arguments {
    params: Vec<TokenStream>,
    inits: BTreeMap<String, TokenStream>,
}

/// What renders one operation's verb and builder, from its checked
/// semantics entry.
struct Builder<'a> {
    op: &'a Op,
    decided: &'a semantics::Operation,
    group: &'a semantics::Group,
    types: &'a Types,
    /// The fields of the request body, when it is a generated struct.
    body_fields: &'a [Field],
    /// Whether the path names a service (`{serviceId}`).
    service_param: bool,
}

impl Builder<'_> {
    /// The verb method and the builder's code.
    fn emit(&self) -> Result<(TokenStream, TokenStream), Vec<String>> {
        let builder = format_ident!("{}", self.decided.builder);
        let mut arguments = self.arguments();
        let mut members = Members::default();
        self.body_members(&arguments, &mut members);
        let whole_body = self.whole_body(&mut members);
        self.param_members(&arguments, &mut members);
        self.check_setter_names(&members.setters)?;
        members.fields.push(quote!(options: CallOptions));
        members.inits.push(quote!(options: CallOptions::default()));
        let mut arg_idents: Vec<syn::Ident> = self
            .decided
            .args
            .iter()
            .map(|a| format_ident!("{}", snake(a)))
            .collect();
        if let Some(param) = whole_body {
            arg_idents.push(format_ident!("body"));
            arguments.params.push(param);
        }
        let verb_fn = self.verb_fn(&builder, &arguments.params, &arg_idents);
        let code = self.builder_code(&builder, &arguments.params, &members);
        Ok((verb_fn, code))
    }

    /// The verb's arguments: the values the semantics file lists under
    /// `args`, parameters or body fields.
    fn arguments(&self) -> Arguments {
        let mut params = Vec::new();
        let mut inits = BTreeMap::new();
        for name in &self.decided.args {
            let value = format_ident!("{}", snake(name));
            if let Some(p) = self.op.params.iter().find(|p| &p.wire == name) {
                let (param, expr) = if p.ty.to_string() == "String" && names_client(name) {
                    (
                        quote!(impl Into<crate::ClientRef>),
                        quote!(crate::ClientRef::into_string(#value.into())),
                    )
                } else if p.ty.to_string() == "String" {
                    (quote!(impl Into<String>), quote!(#value.into()))
                } else {
                    (p.ty.clone(), quote!(#value))
                };
                params.push(quote!(#value: #param));
                inits.insert(format!("param:{name}"), expr);
            } else if let Some(f) = self.body_fields.iter().find(|f| &f.wire == name) {
                let shape = shape(&f.ty, self.types);
                let (param, expr) = if matches!(shape, Shape::Text) && names_client(name) {
                    (
                        quote!(impl Into<crate::ClientRef>),
                        quote!(crate::ClientRef::into_string(#value.into())),
                    )
                } else {
                    conversion(&shape, &value)
                };
                params.push(quote!(#value: #param));
                inits.insert(format!("body:{name}"), expr);
            }
        }
        Arguments { params, inits }
    }

    /// The body field, when the body is a generated struct: set from the
    /// arguments and defaults, with a setter for every other field.
    fn body_members(&self, arguments: &Arguments, members: &mut Members) {
        let Some(body_name) = &self.op.body else {
            return;
        };
        let body_ty = format_ident!("{body_name}");
        // A body with `Default` is spelled with only the fields that differ.
        let has_default = self.types.defaults.contains(body_name);
        let field_inits = self.body_fields.iter().filter_map(|f| {
            let ident = &f.ident;
            Some(
                match (
                    arguments.inits.get(&format!("body:{}", f.wire)),
                    &f.default_fn,
                ) {
                    (Some(expr), _) if *ident == expr.to_string() => quote!(#ident),
                    (Some(expr), _) => quote!(#ident: #expr),
                    (None, Some(path)) => {
                        let path: syn::Path = syn::parse_str(&format!("types::{path}"))
                            .unwrap_or_else(|_| syn::parse_quote!(Default::default));
                        quote!(#ident: #path())
                    }
                    (None, None) if has_default => return None,
                    (None, None) => quote!(#ident: Default::default()),
                },
            )
        });
        // Only where some field was left to it (clippy refuses an update
        // that sets nothing).
        let left = self.body_fields.iter().any(|f| {
            f.default_fn.is_none() && !arguments.inits.contains_key(&format!("body:{}", f.wire))
        });
        let rest = (has_default && left).then(|| quote!(..Default::default()));
        let keeps_unknown = self.types.keeps_unknown.contains(body_name);
        let unknown_init =
            (keeps_unknown && rest.is_none()).then(|| quote!(extra: Default::default(),));
        members
            .fields
            .push(quote!(pub(super) body: types::#body_ty));
        members
            .inits
            .push(quote!(body: types::#body_ty { #(#field_inits,)* #unknown_init #rest }));
        members.keeps_unknown = keeps_unknown;
        members.whole_body = Some(body_ty.clone());
        // Authlete sets the read-only fields itself: a setter would promise
        // a change that never happens. `body(..)` still carries them, as
        // `get` returned them.
        for f in self.body_fields.iter().filter(|f| !f.read_only) {
            if !self.decided.args.contains(&f.wire) {
                members.setters.push(self.body_setter(f));
            }
        }
    }

    /// The setter of a body field the verb does not take.
    fn body_setter(&self, f: &Field) -> TokenStream {
        let ident = &f.ident;
        let method = method_name(self.decided, f);
        let value = format_ident!("value");
        let (param, expr) = conversion(&shape(&f.ty, self.types), &value);
        let doc = field_docs(f);
        let allow = is_std_op_name(&method.to_string())
            .then(|| quote!(#[allow(clippy::should_implement_trait)]));
        quote! {
            #(#doc)*
            #allow
            pub fn #method(mut self, #value: #param) -> Self {
                self.body.#ident = #expr;
                self
            }
        }
    }

    /// A body that is not an object with fields (an array of token
    /// requests, say) is the verb's last argument, whole: its field, and
    /// the argument's declaration.
    fn whole_body(&self, members: &mut Members) -> Option<TokenStream> {
        if self.op.body.is_some() {
            return None;
        }
        let ty = self.op.body_ty.as_ref()?;
        let value = format_ident!("body");
        let (param, expr) = conversion(&shape(ty, self.types), &value);
        let spelled_ty = spelled(&shape(ty, self.types));
        members.fields.push(quote!(pub(super) body: #spelled_ty));
        if expr.to_string() == "body" {
            members.inits.push(quote!(body));
        } else {
            members.inits.push(quote!(body: #expr));
        }
        Some(quote!(#value: #param))
    }

    /// A field per parameter but the service ID: set from its argument, or
    /// unset with a setter.
    fn param_members(&self, arguments: &Arguments, members: &mut Members) {
        for p in self.op.params.iter().filter(|p| p.wire != "serviceId") {
            let ident = &p.ident;
            let ty = &p.ty;
            if self.decided.args.contains(&p.wire) {
                members.fields.push(quote!(pub(super) #ident: #ty));
                let expr = arguments
                    .inits
                    .get(&format!("param:{}", p.wire))
                    .cloned()
                    .unwrap_or(quote!(#ident));
                if *ident == expr.to_string() {
                    members.inits.push(quote!(#ident));
                } else {
                    members.inits.push(quote!(#ident: #expr));
                }
            } else {
                members.fields.push(quote!(pub(super) #ident: Option<#ty>));
                members.inits.push(quote!(#ident: None));
                let (param, expr) = if ty.to_string() == "String" {
                    (quote!(impl Into<String>), quote!(value.into()))
                } else {
                    (ty.clone(), quote!(value))
                };
                let doc = format!(" Sets the `{}` query parameter.", p.wire);
                members.setters.push(quote! {
                    #[doc = #doc]
                    pub fn #ident(mut self, value: #param) -> Self {
                        self.#ident = Some(#expr);
                        self
                    }
                });
            }
        }
    }

    /// Every builder's per-call options come after the fields' setters; a
    /// field whose setter would take one of their names must be renamed.
    fn check_setter_names(&self, setters: &[TokenStream]) -> Result<(), Vec<String>> {
        let taken: BTreeSet<String> = setters
            .iter()
            .filter_map(|setter| {
                syn::parse2::<syn::ImplItemFn>(setter.clone())
                    .ok()
                    .map(|f| f.sig.ident.to_string())
            })
            .collect();
        match PER_CALL_SETTERS.iter().find(|r| taken.contains(**r)) {
            Some(reserved) => Err(vec![format!(
                "operations.{}.rename: a field's setter would be `{reserved}`, the name of a per-call option every builder has; give the field another name under `rename`",
                self.op.id
            )]),
            None => Ok(()),
        }
    }

    /// The verb method on the group, which starts the builder.
    fn verb_fn(
        &self,
        builder: &syn::Ident,
        arg_params: &[TokenStream],
        arg_idents: &[syn::Ident],
    ) -> TokenStream {
        let verb = format_ident!("{}", self.decided.verb);
        let op = self.op;
        let op_doc = if op.description.is_empty() {
            // The overlay has no words for it yet; say at least what it calls.
            docs(&format!("Calls `{} {}`.", op.method, op.path))
        } else {
            docs(&op.description)
        };
        quote! {
            #op_doc
            pub fn #verb(self, #(#arg_params),*) -> #builder<'a> {
                #builder::new(self.client, #(#arg_idents),*)
            }
        }
    }

    /// The builder: struct, `Debug`, `new`, setters, `send`, and the
    /// per-call option setters.
    fn builder_code(
        &self,
        builder: &syn::Ident,
        new_params: &[TokenStream],
        members: &Members,
    ) -> TokenStream {
        let see = format!(
            " A `{} {}` call, ready to send; see [`{}::{}`].",
            self.op.method, self.op.path, self.group.type_name, self.decided.verb
        );
        let Members {
            fields,
            inits,
            setters,
            keeps_unknown,
            whole_body,
        } = members;
        let unknown =
            (*keeps_unknown).then(|| quote!(crate::unknown::unknown_field_setter!(#builder);));
        let whole_body = whole_body
            .as_ref()
            .map(|body| quote!(crate::unknown::whole_body!(#builder, #body);));
        let debug = self.debug_impl(builder);
        let send = self.send_fn();
        let per_call = per_call_setters(builder, self.service_param);
        quote! {
            #[doc = #see]
            #[must_use = "nothing is sent until `send` is awaited"]
            pub struct #builder<'a> {
                client: &'a Client,
                #(#fields,)*
            }

            #debug

            impl<'a> #builder<'a> {
                fn new(client: &'a Client, #(#new_params),*) -> Self {
                    #builder { client, #(#inits,)* }
                }

                #(#setters)*

                #send
            }

            #per_call
            #unknown
            #whole_body
        }
    }

    /// `Debug` for the builder: only what the semantics file allows.
    fn debug_impl(&self, builder: &syn::Ident) -> TokenStream {
        let shown = self
            .op
            .params
            .iter()
            .filter(|p| p.wire != "serviceId" && self.decided.show.contains(&p.wire))
            .map(|p| {
                let ident = &p.ident;
                let name = ident.to_string();
                quote!(.field(#name, &self.#ident))
            })
            .chain(
                self.body_fields
                    .iter()
                    .filter(|f| self.decided.show.contains(&f.wire))
                    .map(|f| {
                        let ident = &f.ident;
                        let name = ident.to_string();
                        quote!(.field(#name, &self.body.#ident))
                    }),
            );
        let builder_name = builder.to_string();
        quote! {
            impl std::fmt::Debug for #builder<'_> {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#builder_name)
                        #(#shown)*
                        .finish_non_exhaustive()
                }
            }
        }
    }

    /// `send`: checks, the call through the generated client, and the
    /// response.
    fn send_fn(&self) -> TokenStream {
        let decided = self.decided;
        let path_checks = self
            .op
            .params
            .iter()
            .filter(|p| p.in_path && p.wire != "serviceId")
            .map(|p| {
                let ident = &p.ident;
                let name = ident.to_string();
                quote! {
                    crate::config::check_path_segment(#name, &self.#ident).map_err(Error::InvalidRequest)?;
                }
            });
        let validate = decided.validate.then(|| quote!(self.validate()?;));
        let (response_ty, finish) = self.response();
        let call = self.call();
        let group_mod = format_ident!("{}", decided.group);
        let const_name = format_ident!("{}", decided.verb.to_uppercase());
        let replay_doc = match decided.replay {
            Replay::Once => format!(
                " Sends the call. It is not repeated once it may have reached Authlete: {}",
                decided.why
            ),
            Replay::Idempotent => format!(
                " Sends the call, repeating it after transient failures: {}",
                decided.why
            ),
        };
        quote! {
            #[doc = #replay_doc]
            pub async fn send(self) -> Result<#response_ty, Error> {
                #validate
                #(#path_checks)*
                const OPERATION: Operation = &crate::operations::#group_mod::#const_name;
                #call
                #finish
            }
        }
    }

    /// What `send` returns, and the expression that makes it of the reply.
    fn response(&self) -> (TokenStream, TokenStream) {
        match &self.op.success {
            Some(name) => {
                let name = response_name(self.decided, name);
                let ty = format_ident!("{name}");
                (
                    quote!(#ty),
                    quote!(Ok(#ty::new(reply.body, reply.request_id))),
                )
            }
            // A free-form JSON object keeps its `Request-Id` too; any other
            // body without fields (a list) is the value itself.
            None => match &self.op.success_ty {
                Some(ty) if is_json_object(ty) => (
                    quote!(crate::JsonDocument),
                    quote!(Ok(crate::JsonDocument::new(reply.body, reply.request_id))),
                ),
                Some(ty) => {
                    let ty = spelled(&shape(ty, self.types));
                    (quote!(#ty), quote!(Ok(reply.body)))
                }
                None => (quote!(()), quote!(Ok(()))),
            },
        }
    }

    /// The call through the call layer, which runs the generated client's
    /// builder once per attempt.
    fn call(&self) -> TokenStream {
        let op = self.op;
        // progenitor names the method after the operationId in snake case.
        let op_fn = format_ident!("{}", snake(&op.id));
        let param_calls = self.param_calls();
        let service = self.service_param.then(|| quote!(.service_id(service_id)));
        let bind = op.success_ty.is_some().then(|| quote!(let reply =));
        // Operations outside one service (service list/create, the health check)
        // have no `{serviceId}` to fill.
        let service_binding = if self.service_param {
            quote!(service_id)
        } else {
            quote!(_)
        };
        let service_local = self
            .service_param
            .then(|| quote!(let service_id = client.inner().service_id.as_str();));
        // The call's options may send it to another service: resolved once,
        // before the first attempt.
        let resolve = quote! {
            let client = self.options.client(self.client)?;
            let client = &*client;
        };
        if op.body_ty.is_some() {
            quote! {
                #resolve
                #bind execute_with_body(
                    client,
                    OPERATION,
                    &self.options,
                    self.body,
                    |generated, #service_binding, body| {
                        let call = generated.#op_fn() #service .body(body);
                        #(#param_calls)*
                        call.send()
                    },
                )
                .await?;
            }
        } else {
            quote! {
                #resolve
                #service_local
                #bind execute(client, OPERATION, &self.options, |generated| {
                    let call = generated.#op_fn() #service;
                    #(#param_calls)*
                    call.send()
                })
                .await?;
            }
        }
    }

    /// The generated builder's setter calls for the parameters but the
    /// service ID.
    fn param_calls(&self) -> Vec<TokenStream> {
        self.op
            .params
            .iter()
            .filter(|p| p.wire != "serviceId")
            .map(|p| {
                let ident = &p.ident;
                let text = p.ty.to_string() == "String";
                // The closure runs once per attempt: it reads the builder's
                // fields by reference.
                if self.decided.args.contains(&p.wire) {
                    if text {
                        quote!(let call = call.#ident(self.#ident.as_str());)
                    } else {
                        quote!(let call = call.#ident(self.#ident);)
                    }
                } else {
                    let value = if text {
                        quote!(value.as_str())
                    } else {
                        quote!(*value)
                    };
                    quote! {
                        let call = match &self.#ident {
                            Some(value) => call.#ident(#value),
                            None => call,
                        };
                    }
                }
            })
            .collect()
    }
}

/// Whether clippy would take a method of this name for a std trait's
/// (`sub` is a JWT claim here, not subtraction).
fn is_std_op_name(name: &str) -> bool {
    matches!(
        name,
        "add"
            | "sub"
            | "mul"
            | "div"
            | "rem"
            | "neg"
            | "not"
            | "shl"
            | "shr"
            | "bitand"
            | "bitor"
            | "bitxor"
            | "next"
            | "borrow"
            | "deref"
            | "drop"
            | "eq"
            | "cmp"
            | "hash"
            | "from_str"
            | "default"
            | "clone"
            | "as_ref"
            | "as_mut"
            | "into_iter"
    )
}

/// Whether a text argument names a client. Authlete answers a client's ID
/// as a number but takes it as text (which may be its alias), so these
/// arguments take `ClientRef`, which converts from either: what `create`
/// answered goes into `get` as it is.
fn names_client(wire: &str) -> bool {
    matches!(wire, "clientId" | "clientIdentifier")
}

/// Whether `ty` is progenitor's spelling of a free-form JSON object
/// (`serde_json::Map<String, Value>`).
fn is_json_object(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Map"))
}
