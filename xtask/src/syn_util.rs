//! Small helpers for reading syn syntax trees, shared by the passes that
//! read progenitor's output ([`crate::catalog`], [`crate::features`]).
//!
//! A leaf module: it imports nothing from this crate, so any pass can use it
//! without the passes depending on each other.

use syn::{GenericArgument, Item, PathArguments, Type};

/// The items of the inline module `name` among `items`.
pub(crate) fn module<'a>(items: &'a [Item], name: &str) -> Option<&'a [Item]> {
    items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, i)| i.as_slice()),
        _ => None,
    })
}

/// The last segment of a path type (`Client` of `super::Client`); empty
/// for any other type.
pub(crate) fn last_ident(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The type arguments of a path type's last segment (`T, E` of
/// `Result<T, E>`), or `None` for a type that is no path or has none in
/// angle brackets.
pub(crate) fn generic_args(ty: &Type) -> Option<Vec<Type>> {
    let Type::Path(p) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// The string inside `#[serde(<key> = "...")]`, if any.
pub(crate) fn serde_value(attrs: &[syn::Attribute], key: &str) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                if let Ok(value) = meta.value() {
                    let lit: syn::LitStr = value.parse()?;
                    found = Some(lit.value());
                }
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}
