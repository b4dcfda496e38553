//! Where hand-written code depends on the values of the spec's enums.
//!
//! The facade's hand-written code turns Authlete's answers into HTTP
//! responses by matching on action enums. When Authlete adds a value, a
//! `_` arm would take it without a word (a new token-fail action became a
//! 500); when it removes one, the build fails far from the cause. So:
//!
//! - every `match` in hand-written code that names a value of a generated
//!   enum must name all of its values ([`undecided`]): the `_` arm is for
//!   values newer than the crate (`Unrecognized`), not for values we forgot;
//! - every `Enum::Value` path in hand-written code must still exist
//!   ([`removed`]), reported with file and line before rustc gets there.
//!
//! `matches!` and `==` ask one question about one value and are left alone;
//! a `match` is where a decision for each value is written down.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit_mut::VisitMut;
use syn::{Fields, Item};

/// Every enum of the generated `types` module with the Rust names of its
/// values (the catch-all for values newer than the crate left out).
pub type Variants = BTreeMap<String, BTreeSet<String>>;

/// The enums of `client` (the generated client's source) and their values.
pub fn variants(client: &syn::File) -> Variants {
    let mut out = Variants::new();
    let types = client.items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    for item in types.into_iter().flatten() {
        if let Item::Enum(e) = item {
            let values = e
                .variants
                .iter()
                .filter(|v| matches!(v.fields, Fields::Unit))
                .map(|v| v.ident.to_string())
                .collect();
            out.insert(e.ident.to_string(), values);
        }
    }
    out
}

/// One hand-written source file: its path relative to the facade crate and
/// its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// `src/tokens/fail.rs`.
    pub relative: String,
    /// The file's text.
    pub text: String,
}

/// Every `.rs` file under `facade_dir/src` that `generate` does not write
/// (those start with its `// @generated` line).
pub fn hand_written(facade_dir: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    let mut dirs = vec![facade_dir.join("src")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Ok(inside) = path.strip_prefix(facade_dir) else {
                continue;
            };
            let relative = inside
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if !relative.ends_with(".rs") {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path)
                && !text.starts_with("// @generated")
            {
                files.push(Source { relative, text });
            }
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    files
}

/// One message per value of a generated enum that a hand-written `match`
/// naming other values of that enum does not name: the value, the enum and
/// the file to update.
pub fn undecided(sources: &[Source], variants: &Variants) -> Vec<String> {
    let local = local_enums(sources);
    let mut problems = Vec::new();
    for source in sources {
        let Ok(mut file) = syn::parse_file(&source.text) else {
            // rustc reports a file that does not parse, better than we could.
            continue;
        };
        let mut finder = Matches {
            variants,
            found: Vec::new(),
        };
        finder.visit_file_mut(&mut file);
        for named in finder.found {
            for (enumeration, values) in named {
                let Some(all) = variants
                    .get(&enumeration)
                    .filter(|_| !local.contains(&enumeration))
                else {
                    continue;
                };
                let missing: Vec<String> = all
                    .difference(&values)
                    .map(|v| format!("{enumeration}::{v}"))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let shown: Vec<String> = values
                    .iter()
                    .map(|v| format!("{enumeration}::{v}"))
                    .collect();
                problems.push(format!(
                    "{}: the match on {enumeration} that names {} does not decide {}; give \
                     each an arm (a `_` arm is for values newer than the crate)",
                    source.relative,
                    shown.join(", "),
                    missing.join(", "),
                ));
            }
        }
    }
    problems
}

/// One message per `Enum::Value` in hand-written code whose enum is
/// generated but has no such value any more, with file and line.
pub fn removed(sources: &[Source], variants: &Variants) -> Vec<String> {
    let local = local_enums(sources);
    let mut problems = Vec::new();
    for source in sources {
        for (index, line) in source.text.lines().enumerate() {
            for (enumeration, value) in paths_in(line) {
                let Some(values) = variants
                    .get(enumeration)
                    .filter(|_| !local.contains(enumeration))
                else {
                    continue;
                };
                if is_variant_name(value)
                    && !values.contains(value)
                    && !is_method(line, enumeration, value)
                {
                    problems.push(format!(
                        "{}:{}: {enumeration}::{value} is no longer a value of {enumeration} in \
                         the spec; decide what the code does without it",
                        source.relative,
                        index + 1
                    ));
                }
            }
        }
    }
    problems
}

/// The enums hand-written code defines itself. Where one is named like a
/// generated enum (the stand-in's own `ResponseMode`), the name means the
/// hand-written one in hand-written code.
fn local_enums(sources: &[Source]) -> BTreeSet<String> {
    sources
        .iter()
        .flat_map(|source| source.text.split("enum ").skip(1))
        .filter_map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

/// A variant's name (`NativeSso`), not a constant's (`ID_TOKEN`).
fn is_variant_name(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
        && (s.len() == 1 || s.chars().any(char::is_lowercase))
}

/// `Enum::Unrecognized(..)` and associated items (`Enum::from(..)`) are not
/// values: the catch-all is a tuple variant and a value is never followed
/// by `(` except for that one.
fn is_method(line: &str, enumeration: &str, value: &str) -> bool {
    value == crate::open_enums::CATCH_ALL || line.contains(&format!("{enumeration}::{value}::"))
}

/// Every `A::B` in `line` where both are identifiers, outside comments.
fn paths_in(line: &str) -> Vec<(&str, &str)> {
    let code = line.split("//").next().unwrap_or_default();
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut rest = code;
    let mut offset = 0;
    while let Some(at) = rest.find("::") {
        let left_end = offset + at;
        let left_start = code[..left_end]
            .rfind(|c: char| !is_ident(c))
            .map_or(0, |i| i + 1);
        let right_start = left_end + 2;
        let right_end = code[right_start..]
            .find(|c: char| !is_ident(c))
            .map_or(code.len(), |i| right_start + i);
        let (left, right) = (&code[left_start..left_end], &code[right_start..right_end]);
        if !left.is_empty() && !right.is_empty() {
            out.push((left, right));
        }
        offset = right_start;
        rest = &code[right_start..];
    }
    out
}

/// Collects, for each `match` expression, the generated enums whose values
/// its arms name and which values.
struct Matches<'a> {
    variants: &'a Variants,
    found: Vec<BTreeMap<String, BTreeSet<String>>>,
}

impl VisitMut for Matches<'_> {
    fn visit_expr_match_mut(&mut self, node: &mut syn::ExprMatch) {
        let mut named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for arm in &mut node.arms {
            let mut paths = PatPaths::default();
            paths.visit_pat_mut(&mut arm.pat);
            for (enumeration, value) in paths.0 {
                if self
                    .variants
                    .get(&enumeration)
                    .is_some_and(|values| values.contains(&value))
                {
                    named.entry(enumeration).or_default().insert(value);
                }
            }
        }
        if !named.is_empty() {
            self.found.push(named);
        }
        syn::visit_mut::visit_expr_match_mut(self, node);
    }
}

/// The last two segments of every path in a pattern (`TokenAction::Ok`).
#[derive(Default)]
struct PatPaths(Vec<(String, String)>);

impl VisitMut for PatPaths {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let [.., enumeration, value] = segments.as_slice() {
            self.0.push((enumeration.clone(), value.clone()));
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variants_of(pairs: &[(&str, &[&str])]) -> Variants {
        pairs
            .iter()
            .map(|(e, vs)| (e.to_string(), vs.iter().map(|v| v.to_string()).collect()))
            .collect()
    }

    fn source(text: &str) -> Vec<Source> {
        vec![Source {
            relative: "src/x.rs".into(),
            text: text.into(),
        }]
    }

    #[test]
    fn a_match_that_leaves_a_value_to_the_wildcard_is_named_with_the_value() {
        let variants = variants_of(&[(
            "TokenFailAction",
            &["BadRequest", "InternalServerError", "Forbidden"],
        )]);
        let text = "fn f(a: TokenFailAction) -> u16 { match a {\n\
                    TokenFailAction::BadRequest => 400,\n\
                    TokenFailAction::InternalServerError | TokenFailAction::Unrecognized(_) => 500,\n\
                    _ => 500 } }";
        let problems = undecided(&source(text), &variants);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("src/x.rs:"), "{}", problems[0]);
        assert!(
            problems[0].contains("does not decide TokenFailAction::Forbidden"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn a_match_naming_every_value_and_code_outside_matches_pass() {
        let variants = variants_of(&[("GrantType", &["Password", "RefreshToken"])]);
        let text = "fn f(g: GrantType) -> bool {\n\
                    let _ = matches!(g, GrantType::Password);\n\
                    if g == GrantType::RefreshToken { return true }\n\
                    match g { GrantType::Password | GrantType::RefreshToken => true, _ => false } }";
        assert!(undecided(&source(text), &variants).is_empty());
    }

    #[test]
    fn a_value_the_spec_dropped_is_named_with_file_and_line() {
        let variants = variants_of(&[("TokenAction", &["Ok", "BadRequest"])]);
        let text = "use crate::TokenAction;\n\
                    // TokenAction::Gone in a comment is not code\n\
                    fn f(a: TokenAction) { match a { TokenAction::NativeSso => {}, TokenAction::Unrecognized(_) => {}, _ => {} } }\n\
                    fn g() -> TokenAction { TokenAction::from(\"OK\") }\n\
                    const X: u8 = TokenAction::ALL_CAPS;";
        let problems = removed(&source(text), &variants);
        assert_eq!(
            problems,
            vec![
                "src/x.rs:3: TokenAction::NativeSso is no longer a value of TokenAction in the \
                 spec; decide what the code does without it"
                    .to_owned()
            ]
        );
    }

    #[test]
    fn an_enum_the_file_defines_itself_is_not_the_generated_one() {
        let variants = variants_of(&[("ResponseMode", &["Query", "Fragment", "Jwt"])]);
        let text = "enum ResponseMode { Query, Fragment, Gone }\n\
                    fn f(m: ResponseMode) { match m { ResponseMode::Query | ResponseMode::Fragment | ResponseMode::Gone => {} } }";
        assert!(undecided(&source(text), &variants).is_empty());
        assert!(removed(&source(text), &variants).is_empty());
    }

    #[test]
    fn paths_are_found_anywhere_on_a_line() {
        assert_eq!(
            paths_in("x = A::B | crate::C::D; // E::F"),
            vec![("A", "B"), ("crate", "C"), ("C", "D")]
        );
    }
}
