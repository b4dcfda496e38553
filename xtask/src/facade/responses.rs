//! The response types: one per success body a group's operations answer
//! with, shared by every operation that answers with it, wrapping the
//! generated body with its `Request-Id`, an accessor per field, and a
//! `Debug` that shows only what the semantics file allows.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Op, Shape, Types, field_docs, method_name, response_name, shape, spelled};
use crate::semantics;

/// Operations with what the semantics file decides about each.
type Decided<'a> = Vec<(&'a Op, &'a semantics::Operation)>;

/// The response types of one group: each success body its operations
/// answer gets one type, shared by all of them.
#[derive(Default)]
pub(super) struct Responses<'a> {
    /// Response type name → the body it wraps and the operations answering it.
    by_name: BTreeMap<String, (String, Decided<'a>)>,
}

impl<'a> Responses<'a> {
    /// Plans the group's response types, or says which operations disagree
    /// about one.
    pub(super) fn plan(
        in_group: &[(&'a Op, &'a semantics::Operation)],
        types: &Types,
    ) -> Result<Self, Vec<String>> {
        let mut by_name: BTreeMap<String, (String, Decided<'a>)> = BTreeMap::new();
        let mut by_body: BTreeMap<&str, (String, &Op, &semantics::Operation)> = BTreeMap::new();
        let mut problems = Vec::new();
        for &(op, decided) in in_group {
            let Some(success) = &op.success else {
                continue;
            };
            let name = response_name(decided, success);
            let wires: Vec<&str> = types
                .structs
                .get(success)
                .map(|(_, fields)| fields.iter().map(|f| f.wire.as_str()).collect())
                .unwrap_or_default();
            match by_body.get(success.as_str()) {
                Some((earlier, first, _)) if earlier != &name => problems.push(format!(
                    "operations.{}.response: `{name}` wraps the body `{success}`, which `{}` already answers as `{earlier}`; one response type per body: give both the same `response`",
                    op.id, first.id
                )),
                Some((_, first, first_decided))
                    if !same_view(first_decided, decided, &wires) =>
                {
                    problems.push(format!(
                        "operations.{}: it shares the response `{name}` with `{}`, so `show`, `secrets` and `rename` must agree on the fields of `{success}`",
                        op.id, first.id
                    ))
                }
                Some(_) => {}
                None => {
                    by_body.insert(success, (name.clone(), op, decided));
                }
            }
            let entry = by_name
                .entry(name.clone())
                .or_insert_with(|| (success.clone(), Vec::new()));
            if &entry.0 != success {
                problems.push(format!(
                    "operations.{}.response: the response name `{name}` is taken in this group by the body `{}`; choose another under `response`",
                    op.id, entry.0
                ));
                continue;
            }
            entry.1.push((op, decided));
        }
        if problems.is_empty() {
            Ok(Responses { by_name })
        } else {
            Err(problems)
        }
    }

    /// The response type `op` is the first to answer with, if any: it is
    /// emitted after that operation's builder.
    pub(super) fn first_answered_by(&self, op: &Op) -> Option<(&str, &(String, Decided<'a>))> {
        self.by_name
            .iter()
            .find(|(_, (_, users))| users.first().is_some_and(|(first, _)| first.id == op.id))
            .map(|(name, plan)| (name.as_str(), plan))
    }
}

/// Whether two operations' decisions show, hide and name the fields
/// `wires` alike.
fn same_view(a: &semantics::Operation, b: &semantics::Operation, wires: &[&str]) -> bool {
    wires.iter().all(|w| {
        let has = |list: &[String]| list.iter().any(|x| x == w);
        has(&a.show) == has(&b.show)
            && has(&a.secrets) == has(&b.secrets)
            && a.rename.get(*w) == b.rename.get(*w)
    })
}

/// One response type: the body as received, the `Request-Id`, an accessor
/// per field, and a `Debug` that shows only what the semantics file allows.
pub(super) fn emit_response(
    name: &str,
    success: &str,
    users: &[(&Op, &semantics::Operation)],
    group: &semantics::Group,
    types: &Types,
) -> TokenStream {
    let Some(((first, decided), (struct_docs, response_fields))) =
        users.first().zip(types.structs.get(success))
    else {
        return TokenStream::new();
    };
    let ty = format_ident!("{name}");
    let generated = format_ident!("{success}");
    let accessors = response_fields.iter().map(|f| {
        let ident = &f.ident;
        let method = method_name(decided, f);
        let (ret, expr) = accessor(&shape(&f.ty, types), ident, types);
        let doc = field_docs(f);
        quote! {
            #(#doc)*
            pub fn #method(&self) -> #ret {
                #expr
            }
        }
    });
    let shown = response_fields
        .iter()
        .filter(|f| decided.show.contains(&f.wire) || f.wire == "resultCode")
        .map(|f| {
            let ident = &f.ident;
            let name = ident.to_string();
            quote!(.field(#name, &self.body.#ident))
        });
    // A list left out (its items may hold credentials) still shows how many
    // items it has: a `Debug` of a token list that shows no tokens at all
    // reads as an empty answer.
    let counted = response_fields
        .iter()
        .filter(|f| !(decided.show.contains(&f.wire) || f.wire == "resultCode"))
        .filter_map(|f| {
            let ident = &f.ident;
            let name = ident.to_string();
            match shape(&f.ty, types) {
                Shape::Vec(_) => Some(quote!(.field(#name, &crate::unknown::ItemCount(self.body.#ident.len())))),
                Shape::Opt(inner) if matches!(*inner, Shape::Vec(_)) => Some(
                    quote!(.field(#name, &self.body.#ident.as_ref().map(|v| crate::unknown::ItemCount(v.len())))),
                ),
                _ => None,
            }
        });
    let shown = shown.chain(counted);
    let secret_note = if decided.secrets.is_empty() {
        String::new()
    } else {
        " `Debug` leaves out every field that may hold a credential.".to_owned()
    };
    let answered = if users.len() == 1 {
        format!("`{} {}`", first.method, first.path)
    } else {
        let verbs: Vec<String> = users
            .iter()
            .map(|(_, d)| format!("[`{}::{}`]", group.type_name, d.verb))
            .collect();
        let (last, rest) = verbs.split_last().unwrap_or((&verbs[0], &[]));
        format!("{} and {last}", rest.join(", "))
    };
    let answer = format!(" Authlete's answer to {answered}.{secret_note}");
    let keeps_unknown = types.keeps_unknown.contains(success);
    let fields = quote!(f.debug_struct(#name) #(#shown)* .field("request_id", &self.request_id()));
    let debug = if keeps_unknown {
        quote!(crate::unknown::debug_names(#fields, &self.body.extra).finish_non_exhaustive())
    } else {
        quote!(#fields.finish_non_exhaustive())
    };
    let unknown_accessors =
        keeps_unknown.then(|| quote!(crate::unknown::unknown_field_accessors!(#ty);));

    quote! {
        #[doc = #answer]
        ///
        #(#struct_docs)*
        #[derive(Clone, PartialEq)]
        pub struct #ty {
            body: types::#generated,
            // Kept as received: most callers never read it.
            request_id: Option<http::HeaderValue>,
        }

        crate::response_basics::response_basics!(#ty, #generated);

        impl #ty {
            #(#accessors)*
        }

        #unknown_accessors

        impl std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #debug
            }
        }
    }
}

/// The accessor's return type and body for `self.body.<field>`.
fn accessor(target: &Shape, field: &syn::Ident, types: &Types) -> (TokenStream, TokenStream) {
    let is_enum = |s: &Shape| matches!(s, Shape::Named(n) if types.enums.contains_key(n));
    match target {
        Shape::Text => (quote!(&str), quote!(&self.body.#field)),
        Shape::Scalar(i) => (quote!(#i), quote!(self.body.#field)),
        Shape::Vec(item) => {
            let t = spelled(item);
            (quote!(&[#t]), quote!(&self.body.#field))
        }
        s if is_enum(s) => (spelled(s), quote!(self.body.#field.clone())),
        Shape::Opt(inner) => match inner.as_ref() {
            Shape::Text => (quote!(Option<&str>), quote!(self.body.#field.as_deref())),
            Shape::Scalar(i) => (quote!(Option<#i>), quote!(self.body.#field)),
            Shape::Vec(item) => {
                let t = spelled(item);
                (quote!(Option<&[#t]>), quote!(self.body.#field.as_deref()))
            }
            s if is_enum(s) => {
                let t = spelled(s);
                (quote!(Option<#t>), quote!(self.body.#field.clone()))
            }
            other => {
                let t = spelled(other);
                (quote!(Option<&#t>), quote!(self.body.#field.as_ref()))
            }
        },
        other => {
            let t = spelled(other);
            (quote!(&#t), quote!(&self.body.#field))
        }
    }
}
