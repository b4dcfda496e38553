//! Makes every generated string enum accept values it does not know.
//!
//! progenitor (through typify) turns a string `enum` into a closed Rust enum,
//! so one value added by Authlete after this crate was generated would make
//! the whole response fail to decode. This pass rewrites each such enum in
//! the generated `types` module:
//!
//! - a catch-all variant `Unrecognized(UnrecognizedValue)`, marked `#[serde(untagged)]`,
//!   keeps the raw value on the way in and sends it unchanged on the way out;
//!   [`UNKNOWN_VALUE`] is an opaque text type, so that code reads it with
//!   `as_str()` instead of matching one string inside `Unrecognized`: such a match
//!   would silently stop firing once a later release knows the value (the
//!   AWS SDK's answer to the same problem);
//! - `#[non_exhaustive]`, so a release that learns a value is not a breaking
//!   change;
//! - the enum and its variants take the names `openapi/semantics.yaml` gives
//!   them; a wire value whose derived name is the catch-all's
//!   (`UNRECOGNIZED`) becomes [`FALLBACK`] unless the file names it. The
//!   catch-all is not `Unknown` because Authlete uses `UNKNOWN` as a value
//!   (`TokenFailReason::Unknown`), which then keeps its own name.
//! - `Copy` is dropped from the derives (a `String` is not `Copy`);
//! - typify's `Display`, `FromStr` and `TryFrom` impls, which reject unknown
//!   values, are replaced by `as_str`, `Display`, an infallible `FromStr` and
//!   `From<&str>`/`From<String>`.
//!

use std::collections::BTreeMap;

use quote::format_ident;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Fields, Item, ItemEnum, Token};

use crate::semantics::EnumNames;

/// The name of the catch-all variant added to every string enum.
pub const CATCH_ALL: &str = "Unrecognized";

/// The name a wire value gets when its own would be [`CATCH_ALL`].
pub const FALLBACK: &str = "Unspecified";

/// The opaque type the catch-all holds.
pub const UNKNOWN_VALUE: &str = "UnrecognizedValue";

/// Opens every string enum in `file`'s `types` module; returns their names.
pub fn open_enums(file: &mut syn::File) -> Result<Vec<String>, String> {
    open_enums_named(file, &BTreeMap::new(), &ValueDocs::new())
}

/// Descriptions of enum values, by generated enum name and wire value.
pub type ValueDocs = BTreeMap<String, BTreeMap<String, String>>;

/// The overlay's descriptions of enum values, as `vendor` wrote them into
/// the spec ([`crate::vendor::ENUM_DESCRIPTIONS`]), under the names typify
/// gives the enums: a component schema's own name, or the schema's name
/// followed by the property's for an enum declared inline.
pub fn value_docs(doc: &serde_json::Value) -> ValueDocs {
    use crate::normalise::rust_type_name;
    use crate::vendor::ENUM_DESCRIPTIONS;
    let described = |v: &serde_json::Value| {
        v.get(ENUM_DESCRIPTIONS)
            .and_then(|d| d.as_object())
            .map(|d| {
                d.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect::<BTreeMap<_, _>>()
            })
    };
    let mut docs = ValueDocs::new();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .cloned()
        .unwrap_or_default();
    for (name, schema) in &schemas {
        if let Some(values) = described(schema) {
            docs.insert(rust_type_name(name), values);
        }
        let properties = schema.get("properties").and_then(|p| p.as_object());
        for (property, value) in properties.into_iter().flatten() {
            if let Some(values) = described(value) {
                let generated = format!("{}{}", rust_type_name(name), rust_type_name(property));
                docs.insert(generated, values);
            }
        }
    }
    docs
}

/// [`open_enums`], naming enums and variants as `names` (by generated name)
/// says, and documenting variants with `docs`.
pub fn open_enums_named(
    file: &mut syn::File,
    names: &BTreeMap<String, EnumNames>,
    docs: &ValueDocs,
) -> Result<Vec<String>, String> {
    document(file, docs);
    rename(file, names)?;
    let Some(items) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(Vec::new());
    };
    if items.iter().any(|i| match i {
        Item::Struct(s) => s.ident == UNKNOWN_VALUE,
        Item::Enum(e) => e.ident == UNKNOWN_VALUE,
        Item::Type(t) => t.ident == UNKNOWN_VALUE,
        _ => false,
    }) {
        return Err(format!(
            "the spec defines a type named `{UNKNOWN_VALUE}`, the name of the open enums' catch-all value"
        ));
    }

    let mut opened = Vec::new();
    let mut extra: Vec<Item> = Vec::new();
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let Some(values) = string_values(e) else {
            continue;
        };
        // A wire value whose derived name is the catch-all's
        // (`UNRECOGNIZED`) takes a name of its own, unless the semantics
        // file gave it one already.
        let mut values = values;
        for (ident, _) in values.iter_mut().filter(|(v, _)| v == CATCH_ALL) {
            let fallback = format_ident!("{FALLBACK}");
            if e.variants.iter().any(|v| v.ident == FALLBACK) {
                return Err(format!(
                    "enum `{}` has both `{FALLBACK}` and a value named `{CATCH_ALL}`: name one in \
                     openapi/semantics.yaml under enums.<generated name>.variants",
                    e.ident
                ));
            }
            for variant in e.variants.iter_mut().filter(|v| v.ident == CATCH_ALL) {
                variant.ident = fallback.clone();
            }
            *ident = fallback;
        }
        drop_copy(&mut e.attrs)?;
        e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        let catch_all = format_ident!("{CATCH_ALL}");
        let unknown = format_ident!("{UNKNOWN_VALUE}");
        e.variants.push(syn::parse_quote! {
            /// A value this version of the crate does not know, kept exactly as
            /// received; read it with `as_str()`.
            #[serde(untagged)]
            #catch_all(#unknown)
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
    if !opened.is_empty() {
        extra.extend(unknown_value());
    }
    items.extend(extra);
    Ok(opened)
}

/// The opaque text of a value an enum does not know.
fn unknown_value() -> Vec<Item> {
    let unknown = format_ident!("{UNKNOWN_VALUE}");
    let file: syn::File = syn::parse_quote! {
        /// A value an enum of this crate does not know, exactly as received.
        ///
        /// Opaque on purpose: compare the enum's `as_str()` instead of matching
        /// a string inside `Unrecognized`, so the comparison keeps working when a
        /// later release knows the value and decodes it as a named variant.
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        #[serde(transparent)]
        pub struct #unknown(::std::string::String);
        impl #unknown {
            /// The value as received.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl ::std::fmt::Display for #unknown {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
    file.items
}

/// Puts each described value's text on its variant, replacing typify's
/// (it has none for enum values).
fn document(file: &mut syn::File, docs: &ValueDocs) {
    for item in file.items.iter_mut() {
        let Item::Mod(m) = item else { continue };
        let Some((_, items)) = m.content.as_mut() else {
            continue;
        };
        for item in items.iter_mut() {
            let Item::Enum(e) = item else { continue };
            let Some(values) = docs.get(&e.ident.to_string()) else {
                continue;
            };
            for variant in e.variants.iter_mut() {
                let Some(text) = serde_rename(&variant.attrs).and_then(|w| values.get(&w)) else {
                    continue;
                };
                variant.attrs.retain(|a| !a.path().is_ident("doc"));
                let lines: Vec<String> = text.lines().map(|l| format!(" {}", l.trim())).collect();
                for line in lines.iter().rev() {
                    variant.attrs.insert(0, syn::parse_quote!(#[doc = #line]));
                }
            }
        }
    }
}

/// Applies the semantics file's names: enum types everywhere they are used,
/// variants by wire value. Every name that matches nothing is an error.
fn rename(file: &mut syn::File, names: &BTreeMap<String, EnumNames>) -> Result<(), String> {
    let mut problems = Vec::new();
    let enums: Vec<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items.iter())
        .filter_map(|item| match item {
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    for (generated, decided) in names {
        if !enums.contains(generated) {
            // Stale: reported as a note by the facade emitter, so that a spec
            // that dropped the enum still generates.
            continue;
        }
        if let Some(new) = &decided.name
            && new != generated
        {
            if enums.contains(new) {
                problems.push(format!("enums.{generated}.name: `{new}` is taken"));
            }
            types.insert(generated.clone(), new.clone());
        }
    }
    // Variants first, while the enums still have their generated names.
    for item in file.items.iter_mut() {
        let Item::Mod(m) = item else { continue };
        let Some((_, items)) = m.content.as_mut() else {
            continue;
        };
        for item in items.iter_mut() {
            let Item::Enum(e) = item else { continue };
            let Some(decided) = names.get(&e.ident.to_string()) else {
                continue;
            };
            for (wire, variant) in &decided.variants {
                let Some(v) = e
                    .variants
                    .iter_mut()
                    .find(|v| serde_rename(&v.attrs).as_deref() == Some(wire.as_str()))
                else {
                    // Stale (upstream dropped the value): nothing to name.
                    continue;
                };
                v.ident = format_ident!("{variant}");
            }
        }
    }
    if !problems.is_empty() {
        return Err(format!(
            "openapi/semantics.yaml: {} problem(s):\n  - {}",
            problems.len(),
            problems.join("\n  - ")
        ));
    }
    struct Renamer<'a>(&'a BTreeMap<String, String>);
    impl VisitMut for Renamer<'_> {
        fn visit_ident_mut(&mut self, ident: &mut syn::Ident) {
            if let Some(new) = self.0.get(&ident.to_string()) {
                *ident = syn::Ident::new(new, ident.span());
            }
        }
    }
    Renamer(&types).visit_file_mut(file);
    Ok(())
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
    let unknown = format_ident!("{UNKNOWN_VALUE}");
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

            /// True for a value this crate does not know.
            pub fn is_unrecognized(&self) -> bool {
                matches!(self, Self::#catch_all(_))
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
                    other => Self::#catch_all(#unknown(other.to_owned())),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::#catch_all(_) => Self::#catch_all(#unknown(value)),
                    known => known,
                }
            }
        }
    };
    file.items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_values_document_their_variants_under_the_given_names() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Copy, Debug, ::serde::Deserialize, ::serde::Serialize)]
                pub enum ThingAction {
                    #[serde(rename = "UNKNOWN")]
                    Unknown,
                    #[serde(rename = "OK")]
                    Ok,
                }
                pub struct Thing {
                    pub action: Option<ThingAction>,
                }
            }
        };
        let docs: ValueDocs = [(
            "ThingAction".to_owned(),
            [("OK".to_owned(), "All went well.".to_owned())].into(),
        )]
        .into();
        let names: BTreeMap<String, EnumNames> = [(
            "ThingAction".to_owned(),
            EnumNames {
                name: Some("Outcome".into()),
                variants: BTreeMap::new(),
            },
        )]
        .into();
        let opened = open_enums_named(&mut file, &names, &docs).expect("opens");
        assert_eq!(opened, ["Outcome"]);
        let code = prettyplease::unparse(&file);
        assert!(
            code.contains("/// All went well.\n        #[serde(rename = \"OK\")]\n        Ok,"),
            "{code}"
        );
        // `UNKNOWN` is a value like any other, beside the catch-all.
        assert!(
            code.contains("#[serde(rename = \"UNKNOWN\")]\n        Unknown,"),
            "{code}"
        );
        assert!(code.contains("Unrecognized(UnrecognizedValue)"), "{code}");
        // The rename reaches every use of the type.
        assert!(code.contains("pub action: Option<Outcome>"), "{code}");
        assert!(!code.contains("ThingAction"), "{code}");
    }
}
