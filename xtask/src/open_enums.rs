//! Makes every generated string enum accept values it does not know.
//!
//! progenitor (through typify) turns a string `enum` into a closed Rust enum,
//! so one value added by Authlete after this crate was generated would make
//! the whole response fail to decode. This pass rewrites each such enum in
//! the generated `types` module:
//!
//! - a catch-all variant `Other(String)`, marked `#[serde(untagged)]`, keeps
//!   the raw value on the way in and sends it unchanged on the way out;
//! - `Copy` is dropped from the derives (a `String` is not `Copy`);
//! - typify's `Display`, `FromStr` and `TryFrom` impls, which reject unknown
//!   values, are replaced by `as_str`, `Display`, an infallible `FromStr` and
//!   `From<&str>`/`From<String>`.
//!
//! The catch-all is called `Other` rather than `Unknown` because specs do use
//! `UNKNOWN` as a real value (Authlete's token fail reason does).

use quote::format_ident;
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Item, ItemEnum, Token};

/// The name of the catch-all variant added to every string enum.
pub const CATCH_ALL: &str = "Other";

/// Opens every string enum in `file`'s `types` module; returns their names.
pub fn open_enums(file: &mut syn::File) -> Result<Vec<String>, String> {
    let Some(items) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(Vec::new());
    };

    let mut opened = Vec::new();
    let mut extra: Vec<Item> = Vec::new();
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let Some(values) = string_values(e) else {
            continue;
        };
        if e.variants.iter().any(|v| v.ident == CATCH_ALL) {
            return Err(format!(
                "enum `{}` already has a variant named `{CATCH_ALL}`",
                e.ident
            ));
        }
        drop_copy(&mut e.attrs)?;
        let catch_all = format_ident!("{CATCH_ALL}");
        e.variants.push(syn::parse_quote! {
            /// A value this version of the crate does not know, kept exactly as received.
            #[serde(untagged)]
            #catch_all(::std::string::String)
        });
        extra.extend(conversions(&e.ident, &values));
        opened.push(e.ident.to_string());
    }

    // Remove typify's conversions for the opened enums; ours replace them.
    items.retain(|item| match item {
        Item::Impl(imp) => {
            let for_opened = match &*imp.self_ty {
                syn::Type::Path(p) => p
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| opened.iter().any(|o| s.ident == o)),
                _ => false,
            };
            let replaced_trait = imp.trait_.as_ref().is_some_and(|(_, path, _)| {
                path.segments.last().is_some_and(|s| {
                    matches!(
                        s.ident.to_string().as_str(),
                        "Display" | "FromStr" | "TryFrom"
                    )
                })
            });
            !(for_opened && replaced_trait)
        }
        _ => true,
    });
    items.extend(extra);
    Ok(opened)
}

/// `(variant, wire value)` pairs if `e` is a plain string enum.
fn string_values(e: &ItemEnum) -> Option<Vec<(syn::Ident, String)>> {
    e.variants
        .iter()
        .map(|v| match v.fields {
            Fields::Unit => serde_rename(&v.attrs).map(|wire| (v.ident.clone(), wire)),
            _ => None,
        })
        .collect()
}

/// The `rename = "..."` value of a `#[serde(...)]` attribute: the wire name.
pub fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|a| {
            let mut found = None;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    found = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                } else if meta.input.peek(Token![=]) {
                    // Skip the value of other keys (`skip_serializing_if = ".."`).
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            found
        })
}

fn drop_copy(attrs: &mut [Attribute]) -> Result<(), String> {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("unreadable derive: {e}"))?;
        let kept = paths.into_iter().filter(|p| !p.is_ident("Copy"));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    Ok(())
}

fn conversions(name: &syn::Ident, values: &[(syn::Ident, String)]) -> Vec<Item> {
    let catch_all = format_ident!("{CATCH_ALL}");
    let idents: Vec<&syn::Ident> = values.iter().map(|(i, _)| i).collect();
    let wires: Vec<&String> = values.iter().map(|(_, w)| w).collect();
    let file: syn::File = syn::parse_quote! {
        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::#catch_all(value) => value.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#idents,)*
                    other => Self::#catch_all(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::#catch_all(_) => Self::#catch_all(value),
                    known => known,
                }
            }
        }
    };
    file.items
}
