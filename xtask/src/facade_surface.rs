//! A one-line-per-item summary of what users of the `authlete` crate touch.
//!
//! Read from the facade's source with `syn`, starting at `facade/src/lib.rs`
//! and following every `mod` declaration, so hand-written and emitted code
//! are summarised alike. Each public item is listed under the module that
//! defines it, with its signature and the features that gate it; `pub use`
//! lines show what is re-exported where. A change to anything a user can
//! name or call shows up as a diff of this summary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use proc_macro2::{Group, Ident, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Attribute, Fields, ImplItem, Item, Visibility};

/// Renders the public surface of the crate whose `src/` is `src`, with the
/// `[features]` table of its `Cargo.toml` on top. `generated` is the
/// generated client's source: a type the facade re-exports from it is shown
/// in full under its `pub use` (every field, every enum value with its wire
/// name), since users reach those by name and the spec changes them.
pub fn facade_surface(crate_dir: &Path, generated: &str) -> Result<String, String> {
    let mut out = String::new();
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml"))
        .map_err(|e| format!("{}: {e}", crate_dir.display()))?;
    out.push_str("features:\n");
    let mut in_features = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if in_features && !line.is_empty() && !line.starts_with('#') {
            let _ = writeln!(out, "  {line}");
        }
    }
    let mut index = CrateIndex::read(&crate_dir.join("src"));
    index.generated = crate::surface::type_blocks(generated)
        .map_err(|e| format!("the generated client does not parse: {e}"))?;
    module(
        &crate_dir.join("src/lib.rs"),
        "authlete",
        &[],
        &index,
        &mut out,
    )?;
    Ok(out)
}

fn module(
    file: &Path,
    path: &str,
    gates: &[String],
    index: &CrateIndex,
    out: &mut String,
) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let parsed = syn::parse_file(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let dir = module_dir(file);
    let parent = file.parent().unwrap_or(Path::new("."));
    items(
        &parsed.items,
        (&dir, parent),
        (path, path),
        gates,
        index,
        out,
    )
}

/// Where the files of `file`'s child modules are.
fn module_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("."));
    match file.file_stem().and_then(|s| s.to_str()) {
        Some("lib" | "mod" | "main") => parent.to_path_buf(),
        Some(stem) => parent.join(stem),
        None => parent.to_path_buf(),
    }
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// `#[cfg(..)]` conditions, which say which feature a user needs.
fn cfgs(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| tokens(&a.meta).replace(' ', ""))
        .collect()
}

/// Whether an item exists only in the crate's own test build: one of its
/// `#[cfg(..)]` conditions cannot hold without `test`, whether written
/// `cfg(test)` or `cfg(all(test, feature = ".."))`.
fn is_test_only(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && needs_test(a))
}

fn needs_test(cfg: &Attribute) -> bool {
    cfg.parse_args::<syn::Meta>()
        .is_ok_and(|predicate| requires_test(&predicate))
}

/// Whether a cfg predicate is false whenever `test` is: `test` itself, an
/// `all` with such a part, an `any` whose every part is such. A `not` or a
/// predicate that does not parse is taken as not requiring it, so the item
/// stays in the summary.
fn requires_test(predicate: &syn::Meta) -> bool {
    let parts = |list: &syn::MetaList| {
        list.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        )
        .ok()
    };
    match predicate {
        syn::Meta::Path(path) => path.is_ident("test"),
        syn::Meta::List(list) if list.path.is_ident("all") => {
            parts(list).is_some_and(|parts| parts.iter().any(requires_test))
        }
        syn::Meta::List(list) if list.path.is_ident("any") => {
            parts(list).is_some_and(|parts| !parts.is_empty() && parts.iter().all(requires_test))
        }
        _ => false,
    }
}

fn is_hidden(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("doc") && tokens(&a.meta).replace(' ', "") == "doc(hidden)")
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

/// Prints `item` as rustfmt would, on one line.
fn pretty(item: Item) -> String {
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    };
    prettyplease::unparse(&file)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(", }", " }")
        .replace(",)", ")")
}

fn sig(signature: &syn::Signature) -> String {
    // `mut` on a parameter is the body's business, not the caller's.
    let mut signature = signature.clone();
    for input in signature.inputs.iter_mut() {
        match input {
            // `mut self` only: in `&mut self` the `mut` is the caller's business.
            syn::FnArg::Receiver(r) if r.reference.is_none() => r.mutability = None,
            syn::FnArg::Receiver(_) => {}
            syn::FnArg::Typed(t) => {
                if let syn::Pat::Ident(p) = t.pat.as_mut() {
                    p.mutability = None;
                }
            }
        }
    }
    pretty(syn::parse_quote!(#signature {}))
        .trim_end_matches("{}")
        .trim_end()
        .to_owned()
}

fn ty(t: &syn::Type) -> String {
    pretty(syn::parse_quote!(type T = #t;))
        .trim_start_matches("type T = ")
        .trim_end_matches(';')
        .to_owned()
}

/// The names a `use` tree imports from `authlete_generated::types`
/// (`inside`: the path so far has reached it).
fn generated_types(tree: &syn::UseTree, inside: bool) -> Vec<String> {
    match tree {
        syn::UseTree::Path(p) if p.ident == "authlete_generated" => match &*p.tree {
            syn::UseTree::Path(t) if t.ident == "types" => generated_types(&t.tree, true),
            _ => Vec::new(),
        },
        syn::UseTree::Path(p) if inside => generated_types(&p.tree, true),
        syn::UseTree::Name(n) if inside => vec![n.ident.to_string()],
        syn::UseTree::Rename(r) if inside => vec![r.ident.to_string()],
        syn::UseTree::Group(g) => g
            .items
            .iter()
            .flat_map(|t| generated_types(t, inside))
            .collect(),
        _ => Vec::new(),
    }
}

fn use_tree(tree: &syn::UseTree) -> String {
    pretty(syn::parse_quote!(use #tree;))
        .trim_start_matches("use ")
        .trim_end_matches(';')
        .to_owned()
}

/// Fields without their attributes (docs are not API).
fn fields_text(fields: &Fields, only_pub: bool) -> String {
    let shown: Vec<String> = fields
        .iter()
        .filter(|f| !only_pub || is_pub(&f.vis))
        .map(|f| match &f.ident {
            Some(name) => format!("{name}: {}", ty(&f.ty)),
            None => ty(&f.ty),
        })
        .collect();
    let hidden = fields.len() > shown.len();
    let shown = if hidden {
        shown.into_iter().chain(["..".to_owned()]).collect()
    } else {
        shown
    };
    match fields {
        Fields::Named(_) if shown.is_empty() => " {}".to_owned(),
        Fields::Named(_) => format!(" {{ {} }}", shown.join(", ")),
        Fields::Unnamed(_) => format!("({})", shown.join(", ")),
        Fields::Unit => String::new(),
    }
}

/// One item of the summary, with the feature gates it sits under; an item
/// only the crate's test build has is not part of what users see.
fn line(out: &mut String, gates: &[String], attrs: &[Attribute], text: &str) {
    if is_test_only(attrs) {
        return;
    }
    let mut all: Vec<String> = gates.to_vec();
    all.extend(cfgs(attrs));
    if all.is_empty() {
        let _ = writeln!(out, "  {text}");
    } else {
        let _ = writeln!(out, "  {text}  [{}]", all.join(", "));
    }
}

fn items(
    list: &[Item],
    (dir, file_dir): (&Path, &Path),
    (path, label): (&str, &str),
    gates: &[String],
    index: &CrateIndex,
    out: &mut String,
) -> Result<(), String> {
    let _ = writeln!(out, "\nmod {label}");
    // Impls are shown for the types users can name, wherever the impl is
    // (`impl Client` in an emitted file, `impl TokenFailResponse` in a
    // hand-written one).
    let public = &index.public;
    // The crate's own `macro_rules!` invocations (the per-call setters of
    // every request builder) are shown as what they expand to.
    let list = expand_macros(list, &index.macros)?;
    let mut children = Vec::new();
    for item in &list {
        match item {
            Item::Mod(m) => {
                if is_test_only(&m.attrs) || is_hidden(&m.attrs) {
                    continue;
                }
                let name = m.ident.to_string();
                let child = format!("{path}::{name}");
                let mut child_gates = gates.to_vec();
                child_gates.extend(cfgs(&m.attrs));
                // Private modules matter too: their items are re-exported.
                let shown = if is_pub(&m.vis) {
                    child.clone()
                } else {
                    format!("{child} (private)")
                };
                children.push((m.clone(), child, shown, child_gates, name));
            }
            Item::Use(u) if is_pub(&u.vis) => {
                line(
                    out,
                    gates,
                    &u.attrs,
                    &format!("pub use {}", use_tree(&u.tree)),
                );
                for name in generated_types(&u.tree, false) {
                    if let Some(block) = index.generated.get(&name) {
                        for block_line in block.lines() {
                            let _ = writeln!(out, "      {block_line}");
                        }
                    }
                }
            }
            Item::Struct(s) if is_pub(&s.vis) && !is_hidden(&s.attrs) => {
                let fields = fields_text(&s.fields, true);
                let non_exhaustive = if s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
                {
                    "#[non_exhaustive] "
                } else {
                    ""
                };
                line(
                    out,
                    gates,
                    &s.attrs,
                    &format!(
                        "{non_exhaustive}pub struct {}{}{fields}",
                        s.ident,
                        tokens(&s.generics).replace(' ', "")
                    ),
                );
            }
            Item::Enum(e) if is_pub(&e.vis) && !is_hidden(&e.attrs) => {
                let variants: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| format!("{}{}", v.ident, fields_text(&v.fields, false)))
                    .collect();
                line(
                    out,
                    gates,
                    &e.attrs,
                    &format!("pub enum {} {{ {} }}", e.ident, variants.join(", ")),
                );
            }
            Item::Fn(f) if is_pub(&f.vis) && !is_hidden(&f.attrs) => {
                line(out, gates, &f.attrs, &format!("pub {}", sig(&f.sig)))
            }
            Item::Const(c) if is_pub(&c.vis) && !is_hidden(&c.attrs) => line(
                out,
                gates,
                &c.attrs,
                &format!("pub const {}: {}", c.ident, ty(&c.ty)),
            ),
            Item::Type(t) if is_pub(&t.vis) => line(
                out,
                gates,
                &t.attrs,
                &format!("pub type {} = {}", t.ident, ty(&t.ty)),
            ),
            Item::Trait(t) if is_pub(&t.vis) => {
                line(out, gates, &t.attrs, &format!("pub trait {}", t.ident))
            }
            Item::Impl(imp) if !is_test_only(&imp.attrs) => {
                let self_ty = ty(&imp.self_ty);
                let base = self_ty.split('<').next().unwrap_or_default().to_owned();
                if !public.contains(&base) {
                    continue;
                }
                if let Some((_, trait_path, _)) = &imp.trait_ {
                    let private = trait_path
                        .segments
                        .last()
                        .is_some_and(|s| index.private_traits.contains(&s.ident.to_string()));
                    if private {
                        continue;
                    }
                    let trait_path = pretty(syn::parse_quote!(impl #trait_path for X {}));
                    let trait_path = trait_path
                        .trim_start_matches("impl ")
                        .trim_end_matches(" for X {}");
                    line(
                        out,
                        gates,
                        &imp.attrs,
                        &format!("impl {trait_path} for {self_ty}"),
                    );
                    continue;
                }
                for member in &imp.items {
                    if let ImplItem::Fn(f) = member
                        && is_pub(&f.vis)
                        && !is_hidden(&f.attrs)
                    {
                        let mut attrs = imp.attrs.clone();
                        attrs.extend(f.attrs.iter().cloned());
                        line(out, gates, &attrs, &format!("{base}: pub {}", sig(&f.sig)));
                    }
                }
            }
            _ => {}
        }
    }
    for (m, child, shown, child_gates, name) in children {
        let names = (child.as_str(), shown.as_str());
        match &m.content {
            Some((_, inline)) => items(
                inline,
                (&dir.join(&name), file_dir),
                names,
                &child_gates,
                index,
                out,
            )?,
            None => {
                // `#[path = ".."]` is relative to the declaring file's directory.
                let explicit = m.attrs.iter().find_map(|a| match &a.meta {
                    syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => Some(file_dir.join(s.value())),
                        _ => None,
                    },
                    _ => None,
                });
                let candidates = match explicit {
                    Some(path) => vec![path],
                    None => vec![
                        dir.join(format!("{name}.rs")),
                        dir.join(&name).join("mod.rs"),
                    ],
                };
                let file = candidates
                    .into_iter()
                    .find(|p| p.exists())
                    .ok_or_else(|| format!("no file for module {shown} in {}", dir.display()))?;
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                let parsed =
                    syn::parse_file(&text).map_err(|e| format!("{}: {e}", file.display()))?;
                let parent = file.parent().unwrap_or(Path::new(".")).to_path_buf();
                items(
                    &parsed.items,
                    (&module_dir(&file), &parent),
                    names,
                    &child_gates,
                    index,
                    out,
                )?;
            }
        }
    }
    Ok(())
}

/// What listing any module needs to know about the whole crate, read once:
/// reading it per module parsed every file once per module.
struct CrateIndex {
    public: Vec<String>,
    /// Traits only the crate sees: their impls are nothing users touch.
    private_traits: Vec<String>,
    macros: Macros,
    /// The generated crate's types, each as its summary block.
    generated: BTreeMap<String, String>,
}

/// `macro_rules!` by name: its arms, each a pattern and a body.
type Macros = BTreeMap<String, Vec<(Vec<TokenTree>, TokenStream)>>;

impl CrateIndex {
    fn read(src: &Path) -> Self {
        // Each file parsed once for both lists.
        let files = parsed_files(src);
        CrateIndex {
            public: public_types(&files),
            private_traits: private_traits(&files),
            macros: crate_macros(&files),
            generated: BTreeMap::new(),
        }
    }
}

/// Every `.rs` file under `src` that parses, with its syntax tree.
fn parsed_files(src: &Path) -> Vec<syn::File> {
    let mut files = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(text) = std::fs::read_to_string(&path)
                && let Ok(file) = syn::parse_file(&text)
            {
                files.push(file);
            }
        }
    }
    files
}

/// Every trait in `files` that is not `pub`.
fn private_traits(files: &[syn::File]) -> Vec<String> {
    files
        .iter()
        .flat_map(|file| &file.items)
        .filter_map(|item| match item {
            Item::Trait(t) if !is_pub(&t.vis) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Every `pub struct` and `pub enum` name in `files`.
fn public_types(files: &[syn::File]) -> Vec<String> {
    files
        .iter()
        .flat_map(|file| &file.items)
        .filter_map(|item| match item {
            Item::Struct(s) if is_pub(&s.vis) => Some(s.ident.to_string()),
            Item::Enum(e) if is_pub(&e.vis) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Every `macro_rules!` in `files`, by name: its arms, each a pattern and
/// a body.
fn crate_macros(files: &[syn::File]) -> Macros {
    let mut found = BTreeMap::new();
    for item in files.iter().flat_map(|file| &file.items) {
        if let Item::Macro(m) = item
            && m.mac.path.is_ident("macro_rules")
            && let Some(name) = &m.ident
        {
            found.insert(name.to_string(), arms(m.mac.tokens.clone()));
        }
    }
    found
}

/// The arms of a `macro_rules!` body: `(pattern) => { body };` each.
fn arms(tokens: TokenStream) -> Vec<(Vec<TokenTree>, TokenStream)> {
    let groups: Vec<Group> = tokens
        .into_iter()
        .filter_map(|t| match t {
            TokenTree::Group(g) => Some(g),
            _ => None,
        })
        .collect();
    groups
        .chunks(2)
        .filter_map(|pair| match pair {
            [pattern, body] => Some((pattern.stream().into_iter().collect(), body.stream())),
            _ => None,
        })
        .collect()
}

/// `list` with each invocation of one of `macros` replaced by the items it
/// expands to (metavariables `$x:ident` only, which is all the crate uses).
fn expand_macros(list: &[Item], macros: &Macros) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    for item in list {
        let Item::Macro(m) = item else {
            out.push(item.clone());
            continue;
        };
        let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
        let Some(arms) = name.as_ref().and_then(|n| macros.get(n)) else {
            out.push(item.clone());
            continue;
        };
        let input: Vec<TokenTree> = m.mac.tokens.clone().into_iter().collect();
        let expansion = arms
            .iter()
            .find_map(|(pattern, body)| {
                bind(pattern, &input).map(|bound| substitute(body.clone(), &bound))
            })
            .ok_or_else(|| {
                format!(
                    "no arm of `{}!` matches `{}`",
                    name.unwrap_or_default(),
                    m.mac.tokens
                )
            })?;
        let file: syn::File =
            syn::parse2(expansion).map_err(|e| format!("expanding a macro: {e}"))?;
        out.extend(expand_macros(&file.items, macros)?);
    }
    Ok(out)
}

/// The metavariables of `pattern` bound to the tokens of `input`, if it
/// matches.
fn bind(pattern: &[TokenTree], input: &[TokenTree]) -> Option<BTreeMap<String, TokenTree>> {
    let mut bound = BTreeMap::new();
    let (mut p, mut i) = (0, 0);
    while p < pattern.len() {
        match (&pattern[p], pattern.get(p + 1)) {
            (TokenTree::Punct(dollar), Some(TokenTree::Ident(var))) if dollar.as_char() == '$' => {
                // `$var:fragment` takes one token.
                bound.insert(var.to_string(), input.get(i)?.clone());
                p += 4;
                i += 1;
            }
            (expected, _) => {
                if input.get(i)?.to_string() != expected.to_string() {
                    return None;
                }
                p += 1;
                i += 1;
            }
        }
    }
    (i == input.len()).then_some(bound)
}

/// `body` with `$var` replaced by what it is bound to and `$crate` by `crate`.
fn substitute(body: TokenStream, bound: &BTreeMap<String, TokenTree>) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = body.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(dollar) if dollar.as_char() == '$' => match tokens.next() {
                Some(TokenTree::Ident(var)) if var == "crate" => {
                    out.push(TokenTree::Ident(Ident::new("crate", var.span())));
                }
                Some(TokenTree::Ident(var)) => match bound.get(&var.to_string()) {
                    Some(value) => out.push(value.clone()),
                    None => out.extend([TokenTree::Punct(dollar), TokenTree::Ident(var)]),
                },
                Some(other) => out.extend([TokenTree::Punct(dollar), other]),
                None => out.push(TokenTree::Punct(dollar)),
            },
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), substitute(g.stream(), bound));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::is_test_only;

    fn test_only(attr: syn::Attribute) -> bool {
        is_test_only(&[attr])
    }

    #[test]
    fn an_item_only_a_test_build_has_is_left_out() {
        assert!(test_only(syn::parse_quote!(#[cfg(test)])));
        assert!(test_only(
            syn::parse_quote!(#[cfg(all(test, feature = "tokens"))])
        ));
        assert!(test_only(
            syn::parse_quote!(#[cfg(all(feature = "tokens", any(test, test)))])
        ));
        assert!(test_only(
            syn::parse_quote!(#[cfg(any(test, all(test, unix)))])
        ));
    }

    #[test]
    fn an_item_a_user_build_can_have_stays() {
        assert!(!test_only(syn::parse_quote!(#[cfg(feature = "tokens")])));
        assert!(!test_only(syn::parse_quote!(#[cfg(not(test))])));
        assert!(!test_only(
            syn::parse_quote!(#[cfg(any(test, feature = "tokens"))])
        ));
        assert!(!test_only(syn::parse_quote!(#[cfg(all())])));
        assert!(!test_only(syn::parse_quote!(#[cfg(any())])));
        assert!(!test_only(syn::parse_quote!(#[doc = "test"])));
    }
}
