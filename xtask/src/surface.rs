//! A one-line-per-item summary of the generated crate's public API.
//!
//! It is read from the generated source with `syn`, not from the spec, so
//! that it shows what users of the crate actually get. Reviewing a spec
//! change means reading the diff of this summary.

use std::collections::BTreeMap;

use crate::open_enums::serde_rename;
use quote::ToTokens;
use syn::{Attribute, Expr, Fields, ImplItem, Item, ItemEnum, ItemMod, ItemStruct, Lit, Meta};

/// Renders the API surface of `source` (the generated `client.rs`).
///
/// One line per operation (method, path, client method, builder, setters,
/// success and error types) followed by one indented line per status the
/// operation's `send` tells apart (`    404 -> error ResultBody`), then one
/// block per type (fields with wire names and Rust types, enum variants with
/// wire values).
pub fn api_surface(source: &str) -> Result<String, syn::Error> {
    let file = syn::parse_file(source)?;
    let mut out = String::new();

    let builders = module(&file.items, "builder")
        .map(|m| m.as_slice())
        .unwrap_or(&[]);
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || type_name(&imp.self_ty) != "Client" {
            continue;
        }
        for method in imp.items.iter().filter_map(|i| match i {
            ImplItem::Fn(f) => Some(f),
            _ => None,
        }) {
            let name = method.sig.ident.to_string();
            let syn::ReturnType::Type(_, ret) = &method.sig.output else {
                continue;
            };
            let builder = crate::syn_util::last_ident(ret);
            if !builders
                .iter()
                .any(|i| matches!(i, Item::Struct(s) if s.ident == builder))
            {
                continue;
            }
            out.push_str(&operation_line(&name, &builder, builders));
            out.push('\n');
        }
    }

    if let Some(types) = module(&file.items, "types") {
        for item in types {
            match item {
                Item::Struct(s) => out.push_str(&struct_block(s)),
                Item::Enum(e) => out.push_str(&enum_block(e)),
                _ => {}
            }
        }
    }
    Ok(out)
}

/// Each type of the generated `types` module by name, as the block
/// [`api_surface`] prints for it (fields with wire names, enum variants with
/// wire values): what the facade's summary shows under a re-export.
pub fn type_blocks(source: &str) -> Result<BTreeMap<String, String>, syn::Error> {
    let file = syn::parse_file(source)?;
    let mut blocks = BTreeMap::new();
    for item in module(&file.items, "types")
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        match item {
            Item::Struct(s) => blocks.insert(s.ident.to_string(), struct_block(s)),
            Item::Enum(e) => blocks.insert(e.ident.to_string(), enum_block(e)),
            _ => None,
        };
    }
    Ok(blocks)
}

fn module<'a>(items: &'a [Item], name: &str) -> Option<&'a Vec<Item>> {
    items.iter().find_map(|i| match i {
        Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) if ident == name => Some(items),
        _ => None,
    })
}

fn operation_line(method: &str, builder: &str, builders: &[Item]) -> String {
    let mut setters = Vec::new();
    let mut http = String::from("? ?");
    let mut ret = String::from("?");
    let mut responses = String::new();
    for item in builders {
        let Item::Impl(imp) = item else { continue };
        if type_name(&imp.self_ty) != builder {
            continue;
        }
        for f in imp.items.iter().filter_map(|i| match i {
            ImplItem::Fn(f) => Some(f),
            _ => None,
        }) {
            let name = f.sig.ident.to_string();
            match name.as_str() {
                "new" => {}
                "send" => {
                    http = send_doc(&f.attrs);
                    if let syn::ReturnType::Type(_, t) = &f.sig.output {
                        ret = rust_type(t);
                        responses = response_lines(f, t);
                    }
                }
                n if n.ends_with("_map") => {}
                _ => setters.push(name),
            }
        }
    }
    format!(
        "operation {method}: {http} -> builder {builder} {{ {} }} -> {ret}{responses}",
        setters.join(", ")
    )
}

/// `\n    200 -> TokenResponse\n    400 -> error ResultBody...`: the arms of
/// the `match` on the status that ends `send`, with the type each decodes.
fn response_lines(send: &syn::ImplItemFn, ret: &syn::Type) -> String {
    let (success, error) = match generic_types(ret).as_slice() {
        [ok, err] => (
            generic_types(ok).first().map(rust_type),
            generic_types(err).first().map(rust_type),
        ),
        _ => (None, None),
    };
    let Some(arms) = send.block.stmts.iter().rev().find_map(|stmt| match stmt {
        syn::Stmt::Expr(Expr::Match(m), _) => Some(&m.arms),
        _ => None,
    }) else {
        return "\n    (responses not found)".to_owned();
    };
    let mut out = String::new();
    for arm in arms {
        let status = match &arm.pat {
            syn::Pat::Wild(_) => "other".to_owned(),
            pat => pat
                .to_token_stream()
                .to_string()
                .replace("u16", "")
                .replace(' ', ""),
        };
        let body = arm.body.to_token_stream().to_string().replace(' ', "");
        let what = if body.contains("UnexpectedResponse") {
            "unexpected (Error::UnexpectedResponse)".to_owned()
        } else if body.contains("ResponseValue::empty") {
            if body.contains("ErrorResponse") {
                "error, no body".to_owned()
            } else {
                "no body".to_owned()
            }
        } else if body.contains("ResponseValue::stream") {
            "byte stream".to_owned()
        } else if body.contains("ErrorResponse") {
            format!("error {}", error.clone().unwrap_or_else(|| "?".into()))
        } else {
            success.clone().unwrap_or_else(|| "?".into())
        };
        out.push_str(&format!("\n    {status} -> {what}"));
    }
    out
}

fn generic_types(ty: &syn::Type) -> Vec<syn::Type> {
    let syn::Type::Path(p) = ty else {
        return Vec::new();
    };
    let Some(syn::PathArguments::AngleBracketed(args)) =
        p.path.segments.last().map(|s| &s.arguments)
    else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// Extracts "POST /path" from progenitor's "Sends a `POST` request to `/path`".
fn send_doc(attrs: &[Attribute]) -> String {
    let doc = docs(attrs);
    let ticks: Vec<&str> = doc.split('`').collect();
    match (ticks.get(1), ticks.get(3)) {
        (Some(method), Some(path)) => format!("{method} {path}"),
        _ => "? ?".to_owned(),
    }
}

fn docs(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(l) => match &l.lit {
                    Lit::Str(s) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn struct_block(s: &ItemStruct) -> String {
    if let Fields::Unnamed(fields) = &s.fields {
        let types: Vec<String> = fields.unnamed.iter().map(|f| rust_type(&f.ty)).collect();
        return format!("type {}({})\n", s.ident, types.join(", "));
    }
    let mut out = format!("type {} {{\n", s.ident);
    if let Fields::Named(fields) = &s.fields {
        for f in &fields.named {
            let name = f
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let flattened = f.attrs.iter().any(|a| {
                a.path().is_ident("serde")
                    && a.meta.to_token_stream().to_string().contains("flatten")
            });
            if flattened {
                out.push_str(&format!(
                    "    {name} (flattened): every member the spec does not name, kept\n"
                ));
                continue;
            }
            let wire = serde_rename(&f.attrs).unwrap_or_else(|| name.clone());
            out.push_str(&format!("    {name} \"{wire}\": {}\n", rust_type(&f.ty)));
        }
    }
    out.push_str("}\n");
    out
}

fn enum_block(e: &ItemEnum) -> String {
    let mut out = format!("enum {} {{\n", e.ident);
    for v in &e.variants {
        match &v.fields {
            Fields::Unit => {
                let wire = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
                out.push_str(&format!("    {} = \"{wire}\"\n", v.ident));
            }
            fields => {
                let types: Vec<String> = fields.iter().map(|f| rust_type(&f.ty)).collect();
                out.push_str(&format!(
                    "    {}({}) = any other value\n",
                    v.ident,
                    types.join(", ")
                ));
            }
        }
    }
    out.push_str("}\n");
    out
}

fn type_name(ty: &syn::Type) -> String {
    crate::syn_util::last_ident(ty)
}

/// A type written the way a person would (`Option<String>`, not `::std::option::Option<...>`).
fn rust_type(ty: &syn::Type) -> String {
    let raw = ty
        .to_token_stream()
        .to_string()
        .replace(' ', "")
        .replace(",>", ">");
    let mut s = raw;
    for prefix in [
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::result::",
        "types::",
        "builder::",
    ] {
        s = s.replace(prefix, "");
    }
    s.replace(',', ", ")
}
