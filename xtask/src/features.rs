//! Cargo features per facade group: which generated items each group needs.
//!
//! Compiling all of Authlete's API costs an application far more than the
//! few operations it calls, because the generated crate is compiled whole.
//! So every facade group (`tokens`, `authorization`, …) is a cargo feature of
//! both crates, and this pass puts each generated item behind the features
//! of the groups that use it:
//!
//! - an operation's `Client` method and request builder: its group's feature;
//! - a type: any of the features of the groups whose operations reach it,
//!   through request and response bodies, fields, variants and the type's
//!   own impls (the closure over everything its items mention);
//! - an impl or other item in `types`: all of the types it mentions.
//!
//! What belongs to no group (an operation `openapi/semantics.yaml` does not
//! place yet, a type no operation reaches) stays ungated: a spec change must
//! never leave the crate unable to compile.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::{ImplItem, Item};

use crate::syn_util::{last_ident, module};

/// A set of groups (facade names, `pushed_authorization`); an item gated by
/// it compiles when any of their features is on.
pub type Groups = BTreeSet<String>;

/// The feature that turns every group on.
pub const FULL: &str = "full";

/// The cargo feature of facade group `group`: `pushed_authorization` →
/// `pushed-authorization`, the way cargo features are usually spelled.
pub fn feature_name(group: &str) -> String {
    group.replace('_', "-")
}

/// `#[cfg(..)]` for an item that needs every one of `needs` (each a set of
/// groups, any of which suffices); empty when it needs nothing.
pub fn cfg_attr(needs: &[&Groups]) -> TokenStream {
    match cfg_predicate(needs) {
        Some(predicate) => quote!(#[cfg(#predicate)]),
        None => TokenStream::new(),
    }
}

/// The predicate of [`cfg_attr`], for `cfg_attr(docsrs, doc(cfg(..)))` too.
pub fn cfg_predicate(needs: &[&Groups]) -> Option<TokenStream> {
    // A set that contains another is implied by it: keep the smallest.
    let mut minimal: Vec<&Groups> = Vec::new();
    for set in needs {
        if minimal.iter().any(|kept| kept.is_subset(set)) {
            continue;
        }
        minimal.retain(|kept| !set.is_subset(kept));
        minimal.push(set);
    }
    let any = |set: &Groups| {
        let features = set.iter().map(|g| feature_name(g));
        if set.len() == 1 {
            quote!(#(feature = #features)*)
        } else {
            quote!(any(#(feature = #features),*))
        }
    };
    // `full` turns every group on, so it implies every other need.
    let full = Groups::from([FULL.to_owned()]);
    if minimal.contains(&&full) {
        minimal = vec![&full];
    }
    match minimal.as_slice() {
        [] => None,
        [one] => Some(any(one)),
        many => {
            let each = many.iter().map(|s| any(s));
            Some(quote!(all(#(#each),*)))
        }
    }
}

/// Which groups each operation and each type belongs to, as [`gate`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gates {
    /// Group by operationId, for the operations that have one.
    pub operations: BTreeMap<String, String>,
    /// Groups by type name (the `types` module's names), for gated types.
    pub types: BTreeMap<String, Groups>,
}

impl Gates {
    /// `#[cfg(..)]` for operation `id`.
    pub fn operation_cfg(&self, id: &str) -> TokenStream {
        match self.operations.get(id) {
            Some(group) => cfg_attr(&[&Groups::from([group.clone()])]),
            None => TokenStream::new(),
        }
    }

    /// `#[cfg(..)]` for the generated type `name`.
    pub fn type_cfg(&self, name: &str) -> TokenStream {
        match self.types.get(name) {
            Some(groups) => cfg_attr(&[groups]),
            None => TokenStream::new(),
        }
    }
}

/// Puts the generated client's items behind their groups' features.
///
/// `builders` pairs each operationId with the name of its request builder,
/// as the catalog found them ([`crate::catalog::Operation::builder`]);
/// `groups` maps operationIds to facade groups; the types in `always` (and
/// what they reach) stay ungated.
pub fn gate(
    file: &mut syn::File,
    builders: &[(&str, &str)],
    groups: &BTreeMap<String, String>,
    always: &[String],
) -> Gates {
    let mut gates = Gates::default();
    if groups.is_empty() {
        return gates;
    }
    let types = module(&file.items, "types").unwrap_or(&[]);
    let known: BTreeSet<String> = types
        .iter()
        .filter_map(type_ident)
        .map(|i| i.to_string())
        .collect();
    let type_builders = module(types, "builder").unwrap_or(&[]);

    // What each type's items mention: its definition, its impls, and its
    // body builder's struct and impls.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types.iter().chain(type_builders) {
        let Some(owner) = owner(item, &known) else {
            continue;
        };
        let mentioned = mentions(item, &known);
        edges.entry(owner).or_default().extend(mentioned);
    }

    let builder_items = module(&file.items, "builder").unwrap_or(&[]);
    let mut builder_groups: BTreeMap<String, String> = BTreeMap::new();
    // A type is gated by the union of the groups of the operations reaching
    // it (from the types their builder names), unless an operation without
    // a group reaches it.
    let mut type_groups: BTreeMap<String, Option<Groups>> = BTreeMap::new();
    for &(id, builder) in builders {
        let group = groups.get(id);
        if let Some(group) = group {
            gates.operations.insert(id.to_owned(), group.clone());
            builder_groups.insert(builder.to_owned(), group.clone());
        }
        let roots = builder_items
            .iter()
            .filter(|item| item_name(item) == builder)
            .flat_map(qualified_type_mentions)
            .filter(|t| known.contains(t));
        for t in closure(roots, &edges) {
            let entry = type_groups.entry(t).or_insert_with(|| Some(Groups::new()));
            match (group, entry.as_mut()) {
                (Some(g), Some(set)) => {
                    set.insert(g.clone());
                }
                (None, _) => *entry = None,
                (_, None) => {}
            }
        }
    }
    // A type no operation reaches is dead weight for every application:
    // only `full` compiles it.
    for t in &known {
        type_groups
            .entry(t.clone())
            .or_insert_with(|| Some(Groups::from([FULL.to_owned()])));
    }
    // What the hand-written runtime names (Authlete's error body) compiles
    // whatever groups are on, and so does everything it reaches.
    for t in closure(always.iter().cloned(), &edges) {
        type_groups.insert(t, None);
    }
    gates.types = type_groups
        .into_iter()
        .filter_map(|(t, g)| Some((t, g?)))
        .collect();

    apply_to_types(&mut file.items, &known, &gates.types);
    apply_to_operations(&mut file.items, &builder_groups);
    gates
}

fn closure(
    roots: impl IntoIterator<Item = String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut stack: Vec<String> = roots.into_iter().collect();
    let mut seen = BTreeSet::new();
    while let Some(t) = stack.pop() {
        if seen.insert(t.clone()) {
            stack.extend(edges.get(&t).into_iter().flatten().cloned());
        }
    }
    seen
}

fn type_ident(item: &Item) -> Option<&syn::Ident> {
    match item {
        Item::Struct(s) => Some(&s.ident),
        Item::Enum(e) => Some(&e.ident),
        Item::Type(t) => Some(&t.ident),
        _ => None,
    }
}

/// The known type an item in `types` or `types::builder` belongs to: the
/// type it defines, or the self type of an impl.
fn owner(item: &Item, known: &BTreeSet<String>) -> Option<String> {
    let name = match item {
        Item::Impl(imp) => last_ident(&imp.self_ty),
        other => type_ident(other)?.to_string(),
    };
    known.contains(&name).then_some(name)
}

/// The name of a builder-module item: a struct's, or an impl's self type
/// (empty for anything else).
fn item_name(item: &Item) -> String {
    match item {
        Item::Impl(imp) => last_ident(&imp.self_ty),
        Item::Struct(s) => s.ident.to_string(),
        _ => String::new(),
    }
}

/// Every known type name an item's tokens mention, other than as the last
/// segment of a foreign path (`::std::fmt::Display` is not the spec's
/// `Display`).
fn mentions(item: &Item, known: &BTreeSet<String>) -> BTreeSet<String> {
    let flat = flatten(quote!(#item));
    let ours = |i: usize| {
        i < 3
            || !(flat[i - 1] == ":" && flat[i - 2] == ":")
            || matches!(flat[i - 3].as_str(), "super" | "self" | "types" | "builder")
    };
    (0..flat.len())
        .filter(|&i| known.contains(&flat[i]) && ours(i))
        .map(|i| flat[i].clone())
        .collect()
}

/// An item's tokens, depth first: identifiers as themselves, `:` as `:`,
/// anything else as an empty string.
fn flatten(tokens: TokenStream) -> Vec<String> {
    let mut flat = Vec::new();
    walk(tokens, &mut |tt| match tt {
        TokenTree::Ident(i) => flat.push(i.to_string()),
        TokenTree::Punct(p) if p.as_char() == ':' => flat.push(":".into()),
        TokenTree::Punct(_) | TokenTree::Group(_) | TokenTree::Literal(_) => {
            flat.push(String::new())
        }
    });
    flat
}

fn walk(tokens: TokenStream, f: &mut impl FnMut(&TokenTree)) {
    for tt in tokens {
        f(&tt);
        if let TokenTree::Group(g) = &tt {
            walk(g.stream(), f);
        }
    }
}

/// The types a progenitor builder names: `types::X` and
/// `types::builder::X`. Only qualified paths count, because bare names in
/// the builder module mean other things (`super::Client` is progenitor's
/// client, not Authlete's `Client` schema).
fn qualified_type_mentions(item: &Item) -> Vec<String> {
    let flat = flatten(quote!(#item));
    let mut found = Vec::new();
    let mut i = 0;
    while i + 3 < flat.len() {
        if flat[i] == "types" && flat[i + 1] == ":" && flat[i + 2] == ":" {
            let mut j = i + 3;
            if flat[j] == "builder" && flat.get(j + 1).map(String::as_str) == Some(":") {
                j += 3;
            }
            if let Some(name) = flat.get(j).filter(|n| !n.is_empty() && *n != ":") {
                found.push(name.clone());
            }
        }
        i += 1;
    }
    found
}

/// Gates every item of `types` and `types::builder` by the types it mentions.
fn apply_to_types(items: &mut [Item], known: &BTreeSet<String>, types: &BTreeMap<String, Groups>) {
    for item in items.iter_mut() {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, inner)) = m.content.as_mut() else {
            continue;
        };
        gate_by_mentions(inner, known, types);
        for nested in inner.iter_mut() {
            if let Item::Mod(b) = nested
                && b.ident == "builder"
                && let Some((_, builder_items)) = b.content.as_mut()
            {
                gate_by_mentions(builder_items, known, types);
            }
        }
    }
}

fn gate_by_mentions(
    items: &mut [Item],
    known: &BTreeSet<String>,
    types: &BTreeMap<String, Groups>,
) {
    for item in items.iter_mut() {
        if matches!(item, Item::Mod(_) | Item::Use(_)) {
            continue;
        }
        let needs: Vec<&Groups> = mentions(item, known)
            .iter()
            .filter_map(|t| types.get(t))
            .collect();
        let attr = cfg_attr(&needs);
        if attr.is_empty() {
            continue;
        }
        let attr: syn::Attribute = syn::parse_quote!(#attr);
        if let Some(attrs) = attrs_mut(item) {
            attrs.insert(0, attr);
        }
    }
}

fn attrs_mut(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        Item::Struct(s) => Some(&mut s.attrs),
        Item::Enum(e) => Some(&mut e.attrs),
        Item::Type(t) => Some(&mut t.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Fn(f) => Some(&mut f.attrs),
        Item::Const(c) => Some(&mut c.attrs),
        Item::Static(s) => Some(&mut s.attrs),
        _ => None,
    }
}

/// Gates each operation's `Client` method and its builder's struct and impls.
fn apply_to_operations(items: &mut [Item], builder_groups: &BTreeMap<String, String>) {
    let cfg_of = |builder: &str| -> Option<syn::Attribute> {
        let group = builder_groups.get(builder)?;
        let attr = cfg_attr(&[&Groups::from([group.clone()])]);
        Some(syn::parse_quote!(#attr))
    };
    for item in items.iter_mut() {
        match item {
            Item::Impl(imp) if imp.trait_.is_none() && last_ident(&imp.self_ty) == "Client" => {
                for member in imp.items.iter_mut() {
                    let ImplItem::Fn(f) = member else { continue };
                    let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                        continue;
                    };
                    if let Some(attr) = cfg_of(&last_ident(ty)) {
                        f.attrs.insert(0, attr);
                    }
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                let Some((_, inner)) = m.content.as_mut() else {
                    continue;
                };
                for member in inner.iter_mut() {
                    let Some(attr) = cfg_of(&item_name(member)) else {
                        continue;
                    };
                    if let Some(attrs) = attrs_mut(member) {
                        attrs.insert(0, attr);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Where the features block starts in each crate's `Cargo.toml`.
pub const CARGO_START: &str =
    "# features per group: written by `cargo xtask generate` from openapi/semantics.yaml";
/// Where it ends.
pub const CARGO_END: &str = "# end of features per group";
/// The facade feature made of the groups marked `default` (on by default).
pub const SERVER: &str = "authorization-server";

/// The features block of the generated crate: one empty feature per group,
/// and `full`.
pub fn generated_block(groups: &BTreeMap<String, crate::semantics::Group>) -> String {
    if groups.is_empty() {
        return String::new();
    }
    let names: Vec<String> = groups.keys().map(|g| feature_name(g)).collect();
    let mut out = format!("{FULL} = [{}]\n", quoted(&names));
    for name in &names {
        out.push_str(&format!("{name} = []\n"));
    }
    out
}

/// The features block of the facade: one feature per group (turning on the
/// generated crate's), `authorization-server` and `full`, with the `## `
/// comments rustdoc-minded readers of `Cargo.toml` expect.
pub fn facade_block(groups: &BTreeMap<String, crate::semantics::Group>, generated: &str) -> String {
    if groups.is_empty() {
        return String::new();
    }
    let names: Vec<String> = groups.keys().map(|g| feature_name(g)).collect();
    let server: Vec<String> = groups
        .iter()
        .filter(|(_, g)| g.default)
        .map(|(name, _)| feature_name(name))
        .collect();
    let mut out = String::new();
    out.push_str("## Every group of operations.\n");
    let mut all = names.clone();
    all.push(format!("{generated}/{FULL}"));
    out.push_str(&format!("{FULL} = [{}]\n", quoted(&all)));
    out.push_str("## The groups an authorization server needs (on by default).\n");
    out.push_str(&format!("{SERVER} = [{}]\n", quoted(&server)));
    for (name, group) in groups {
        let feature = feature_name(name);
        out.push_str(&format!("## `client.{name}()`: {}\n", group.summary.trim()));
        out.push_str(&format!("{feature} = [\"{generated}/{feature}\"]\n"));
    }
    out
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` with what lies between the line `start` and the line `end`
/// replaced by `body`, or `None` when it lacks either marker.
pub fn with_block(text: &str, start: &str, end: &str, body: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = from + text[from..].find(end)?;
    Some(format!("{}\n{body}{}", &text[..from], &text[to..]))
}

/// Where the README's features table starts.
pub const README_START: &str = "<!-- features table: written by `cargo xtask generate` -->";
/// Where it ends.
pub const README_END: &str = "<!-- end of features table -->";

/// The README's table of the facade's group features.
pub fn readme_table(groups: &BTreeMap<String, crate::semantics::Group>) -> String {
    if groups.is_empty() {
        return String::new();
    }
    let server: Vec<String> = groups
        .iter()
        .filter(|(_, g)| g.default)
        .map(|(name, _)| format!("`{}`", feature_name(name)))
        .collect();
    let mut out = String::from("| feature | what it turns on |\n|---|---|\n");
    out.push_str(&format!(
        "| `{SERVER}` (default) | {}: what an authorization server needs |\n",
        server.join(", ")
    ));
    out.push_str(&format!("| `{FULL}` | every group |\n"));
    for (name, group) in groups {
        out.push_str(&format!(
            "| `{}` | `client.{name}()`: {} |\n",
            feature_name(name),
            group.summary.trim().replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(groups: &[&str]) -> Groups {
        groups.iter().map(|g| g.to_string()).collect()
    }

    fn predicate(needs: &[&Groups]) -> String {
        cfg_predicate(needs)
            .map(|p| p.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn a_need_implied_by_a_smaller_one_is_dropped() {
        let one = set(&["tokens"]);
        let two = set(&["clients", "tokens"]);
        assert_eq!(predicate(&[&two, &one]), r#"feature = "tokens""#);
        assert_eq!(predicate(&[&one, &two]), r#"feature = "tokens""#);
    }

    #[test]
    fn unrelated_needs_are_all_required_and_group_names_become_feature_names() {
        let a = set(&["pushed_authorization"]);
        let b = set(&["clients", "tokens"]);
        assert_eq!(
            predicate(&[&a, &b]),
            r#"all (feature = "pushed-authorization" , any (feature = "clients" , feature = "tokens"))"#
        );
    }

    #[test]
    fn full_implies_every_other_need_and_no_need_means_no_gate() {
        let full = set(&[FULL]);
        let other = set(&["tokens"]);
        assert_eq!(predicate(&[&other, &full]), r#"feature = "full""#);
        assert!(cfg_attr(&[]).is_empty());
    }

    /// A crate in the shape progenitor writes: two operations, each reaching
    /// some types; one type shared, one reached by neither.
    const CLIENT: &str = r#"
        pub mod types {
            pub struct Shared { pub inner: Inner }
            pub struct Inner { pub value: i64 }
            pub struct OnlyA { pub shared: Shared }
            pub struct Orphan;
            pub struct Display;
            impl From<&OnlyA> for OnlyA { fn from(v: &OnlyA) -> Self { todo!() } }
            impl ::std::fmt::Display for Inner { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() } }
            pub mod builder { pub struct OnlyA { shared: Result<super::Shared, String> } }
        }
        pub struct Client;
        impl Client {
            pub fn op_a(&self) -> builder::OpA<'_> { todo!() }
            pub fn op_b(&self) -> builder::OpB<'_> { todo!() }
        }
        pub mod builder {
            pub struct OpA<'a> { client: &'a super::Client, body: Result<types::builder::OnlyA, String> }
            impl<'a> OpA<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Shared>, Error<()>> {
                    let info = OperationInfo { operation_id: "op_a" };
                    todo!()
                }
            }
            pub struct OpB<'a> { client: &'a super::Client }
            impl<'a> OpB<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Inner>, Error<()>> {
                    let info = OperationInfo { operation_id: "op_b" };
                    todo!()
                }
            }
        }
    "#;

    /// Each operation's builder, as the catalog finds it.
    const BUILDERS: &[(&str, &str)] = &[("opA", "OpA"), ("op_b", "OpB")];

    #[test]
    fn types_are_gated_by_the_groups_that_reach_them() {
        let mut file = syn::parse_file(CLIENT).expect("parses");
        let groups = BTreeMap::from([
            ("opA".to_owned(), "tokens".to_owned()),
            ("op_b".to_owned(), "clients".to_owned()),
        ]);
        let gates = gate(&mut file, BUILDERS, &groups, &[]);
        assert_eq!(gates.operations["opA"], "tokens");
        assert_eq!(gates.types["OnlyA"], set(&["tokens"]));
        assert_eq!(gates.types["Shared"], set(&["tokens"]));
        assert_eq!(gates.types["Inner"], set(&["clients", "tokens"]));
        assert_eq!(gates.types["Orphan"], set(&[FULL]));
        // `impl ::std::fmt::Display for Inner` names the std trait, not
        // the spec's `Display`, which no operation reaches.
        assert_eq!(gates.types["Display"], set(&[FULL]));

        let code = quote!(#file).to_string();
        // The builder of an operation, and its Client method, with its group.
        assert!(
            code.contains(r#"# [cfg (feature = "tokens")] pub struct OpA"#),
            "{code}"
        );
        assert!(
            code.contains(r#"# [cfg (feature = "clients")] pub fn op_b"#),
            "{code}"
        );
        // A std trait named like a type of ours (`Display`, reached by no
        // operation) is not that type.
        assert!(code.contains(
            r#"# [cfg (any (feature = "clients" , feature = "tokens"))] impl :: std :: fmt :: Display for Inner"#
        ), "{code}");
    }

    #[test]
    fn what_the_runtime_names_is_never_gated() {
        let mut file = syn::parse_file(CLIENT).expect("parses");
        let groups = BTreeMap::from([
            ("opA".to_owned(), "tokens".to_owned()),
            ("op_b".to_owned(), "clients".to_owned()),
        ]);
        let gates = gate(&mut file, BUILDERS, &groups, &["Shared".to_owned()]);
        assert!(!gates.types.contains_key("Shared"));
        assert!(!gates.types.contains_key("Inner"), "reached from Shared");
        assert_eq!(gates.types["OnlyA"], set(&["tokens"]));
    }
}
