//! progenitor's example on each operation method, made a doc test that compiles.
//!
//! progenitor documents every `Client` method with an example marked
//! `ignore`:
//!
//! ```text
//! let response = client.auth_token_fail_api()
//!     .service_id(service_id)
//!     .body(body)
//!     .send()
//!     .await;
//! ```
//!
//! `cargo test` would count each of them as ignored, and nothing would
//! notice one going stale. [`compile_examples`] keeps the example as it reads
//! and marks it `no_run`, inside hidden lines that import the crate and take
//! the client and every value the example passes as arguments of the type its
//! builder's setter converts to: the test then checks that the example still
//! compiles against the crate (edition 2024 builds all of them in one
//! binary). An example it cannot give types to (a setter it does not find, a
//! value named like the client) loses its code block and keeps its prose.

use std::collections::BTreeMap;

/// The crate the generated code is compiled as, as a doc test names it.
pub const CRATE: &str = "authlete_generated";

const IGNORED: &str = "```ignore\n";
const FENCE: &str = "```";

/// Rewrites the example in the doc comment of every method of `impl Client`
/// (see the module documentation).
pub fn compile_examples(file: &mut syn::File) {
    let setters = setter_types(&file.items);
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_ident(&imp.self_ty, "Client") {
            continue;
        }
        for member in &mut imp.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let Some(builder) = returned_builder(&f.sig.output) else {
                continue;
            };
            let types = setters.get(&builder);
            for attr in &mut f.attrs {
                let Some(text) = doc_text(attr) else { continue };
                if !text.contains(IGNORED) {
                    continue;
                }
                let rewritten = rewrite(&text, |setter| types?.get(setter).cloned());
                *attr = syn::parse_quote!(#[doc = #rewritten]);
            }
        }
    }
}

/// `text` with its `ignore` examples made `no_run` (or dropped);
/// `type_of(setter)` is the type the operation's builder converts that
/// setter's value to.
pub fn rewrite(text: &str, type_of: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(IGNORED) {
        let code_start = start + IGNORED.len();
        let Some(len) = rest[code_start..].find(FENCE) else {
            break;
        };
        let code = &rest[code_start..code_start + len];
        let after = &rest[code_start + len + FENCE.len()..];
        match compiled(code, &type_of) {
            Some(block) => {
                out.push_str(&rest[..start]);
                out.push_str(&block);
            }
            // The prose stays, without the blank lines that led to the block.
            None => out.push_str(rest[..start].trim_end()),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The `no_run` block for the example `code` (its lines without the fences),
/// or `None` when a value it passes has no known type.
fn compiled(code: &str, type_of: &impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut params = vec![("client".to_owned(), "&Client".to_owned())];
    for line in code.lines() {
        let Some(call) = line.trim().strip_prefix('.') else {
            continue;
        };
        let Some((setter, arg)) = call.split_once('(') else {
            continue;
        };
        let arg = arg.trim_end_matches(')');
        if arg.is_empty() {
            continue; // `.send()`
        }
        if arg != setter || params.iter().any(|(name, _)| name == setter) {
            return None;
        }
        params.push((setter.to_owned(), type_of(setter)?));
    }
    let imports = if params.iter().any(|(_, ty)| names_types(ty)) {
        "{Client, types}"
    } else {
        "Client"
    };
    let params: Vec<String> = params
        .iter()
        .map(|(name, ty)| format!("{name}: {ty}"))
        .collect();
    Some(format!(
        "```no_run\n# use {CRATE}::{imports};\n# async fn example({}) {{\n{code}# }}\n{FENCE}",
        params.join(", ")
    ))
}

/// Whether the type `ty` names a path in the `types` module (`types::X`,
/// `Vec<types::X>`), which the example then imports.
fn names_types(ty: &str) -> bool {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .any(|path| path.starts_with("types::"))
}

/// For each builder in the `builder` module, the type each setter converts
/// its value to (`V: TryInto<T>`), written as the builder module writes it.
fn setter_types(items: &[syn::Item]) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut setters: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let builders = items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    for item in builders.into_iter().flatten() {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(self_ty) = &*imp.self_ty else {
            continue;
        };
        let Some(builder) = self_ty.path.segments.last() else {
            continue;
        };
        for member in &imp.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if let Some(ty) = converted_to(&f.sig) {
                setters
                    .entry(builder.ident.to_string())
                    .or_default()
                    .insert(f.sig.ident.to_string(), ty);
            }
        }
    }
    setters
}

/// `T` of a setter `fn name<V>(mut self, value: V) -> Self where V: TryInto<T>`.
fn converted_to(sig: &syn::Signature) -> Option<String> {
    let [syn::GenericParam::Type(param)] = sig.generics.params.iter().collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let clause = sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        if !is_ident(&predicate.bounded_ty, &param.ident.to_string()) {
            return None;
        }
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(ty) => Some(type_text(ty)),
                _ => None,
            }
        })
    })
}

/// `ty` as prettyplease writes it, on one line.
fn type_text(ty: &syn::Type) -> String {
    let file: syn::File = syn::parse_quote!(type T = #ty;);
    let text = prettyplease::unparse(&file);
    let one_line: String = text.lines().map(str::trim).collect();
    one_line
        .trim_start_matches("type T = ")
        .trim_end_matches(';')
        .replace(",>", ">")
        .replace(',', ", ")
        .replace(",  ", ", ")
}

/// The builder a `Client` method returns: `X` of `builder::X<'_>`.
fn returned_builder(output: &syn::ReturnType) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(path) = &**ty else {
        return None;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments[..] {
        [module, builder] if module.ident == "builder" => Some(builder.ident.to_string()),
        _ => None,
    }
}

fn is_ident(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

/// The text of a `#[doc = "…"]` attribute.
fn doc_text(attr: &syn::Attribute) -> Option<String> {
    let syn::Meta::NameValue(meta) = &attr.meta else {
        return None;
    };
    if !meta.path.is_ident("doc") {
        return None;
    }
    match &meta.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROGENITOR: &str = "Spends the ticket.\n\nSends a `POST` request to `/api/{serviceId}/auth/token/fail`\n\n```ignore\nlet response = client.auth_token_fail_api()\n    .service_id(service_id)\n    .body(body)\n    .send()\n    .await;\n```";

    fn known(setter: &str) -> Option<String> {
        match setter {
            "service_id" => Some("::std::string::String".to_owned()),
            "body" => Some("types::TokenFailRequest".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn an_example_becomes_a_no_run_test_taking_its_values_as_arguments() {
        assert_eq!(
            rewrite(PROGENITOR, known),
            "Spends the ticket.\n\nSends a `POST` request to `/api/{serviceId}/auth/token/fail`\n\n\
             ```no_run\n\
             # use authlete_generated::{Client, types};\n\
             # async fn example(client: &Client, service_id: ::std::string::String, body: types::TokenFailRequest) {\n\
             let response = client.auth_token_fail_api()\n    .service_id(service_id)\n    .body(body)\n    .send()\n    .await;\n\
             # }\n\
             ```"
        );
    }

    #[test]
    fn without_values_the_example_imports_only_the_client() {
        let text = "Sends a `GET` request to `/api/info`\n\n```ignore\nlet response = client.info_api()\n    .send()\n    .await;\n```";
        assert_eq!(
            rewrite(text, |_| None),
            "Sends a `GET` request to `/api/info`\n\n```no_run\n# use authlete_generated::Client;\n# async fn example(client: &Client) {\nlet response = client.info_api()\n    .send()\n    .await;\n# }\n```"
        );
    }

    #[test]
    fn an_example_with_a_value_of_unknown_type_is_dropped_and_its_prose_kept() {
        let only_service_id = |setter: &str| (setter == "service_id").then(|| "i32".to_owned());
        assert_eq!(
            rewrite(PROGENITOR, only_service_id),
            "Spends the ticket.\n\nSends a `POST` request to `/api/{serviceId}/auth/token/fail`"
        );
    }

    #[test]
    fn a_type_inside_another_imports_the_types_module() {
        assert!(names_types("::std::vec::Vec<types::TokenCreateRequest>"));
        assert!(names_types("types::Client"));
        assert!(!names_types("::std::string::String"));
        assert!(!names_types(
            "::serde_json::Map<::std::string::String, ::other::types::X>"
        ));
    }

    #[test]
    fn a_value_named_like_the_client_drops_the_example() {
        let text = "```ignore\nlet response = client.op()\n    .client(client)\n    .send()\n    .await;\n```";
        assert_eq!(rewrite(text, |_| Some("i32".to_owned())), "");
    }

    #[test]
    fn setter_types_are_read_from_the_builders() {
        let file: syn::File = syn::parse_quote! {
            impl Client {
                #[doc = "Sends.\n\n```ignore\nlet response = client.op()\n    .service_id(service_id)\n    .body(body)\n    .send()\n    .await;\n```"]
                pub fn op(&self) -> builder::Op<'_> { builder::Op::new(self) }
            }
            pub mod builder {
                use super::types;
                impl<'a> Op<'a> {
                    pub fn service_id<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<::std::string::String>,
                    { self }
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<
                            ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                        >,
                    { self }
                    pub fn body_map<F>(mut self, f: F) -> Self
                    where
                        F: std::ops::FnOnce(types::Body) -> types::Body,
                    { self }
                }
            }
        };
        let mut file = file;
        compile_examples(&mut file);
        let syn::Item::Impl(imp) = &file.items[0] else {
            panic!("an impl")
        };
        let syn::ImplItem::Fn(f) = &imp.items[0] else {
            panic!("a fn")
        };
        let text = doc_text(&f.attrs[0]).expect("a doc attribute");
        assert!(
            text.contains("# async fn example(client: &Client, service_id: ::std::string::String, body: ::serde_json::Map<::std::string::String, ::serde_json::Value>) {\n"),
            "{text}"
        );
        assert!(
            text.starts_with("Sends.\n\n```no_run\n# use authlete_generated::Client;\n"),
            "{text}"
        );
    }
}
