//! A pass over progenitor's `send`: the request's URL and headers are built
//! without the intermediate values progenitor makes for every call.
//!
//! For each operation progenitor writes
//!
//! ```text
//! let url = format!("{}/api/{}/auth/token/fail", client.baseurl,
//!                   encode_path(&service_id.to_string()));
//! let header_map = HeaderMap::with_capacity(0usize);
//! client.client.post(url)/*...*/.headers(header_map).build()?
//! ```
//!
//! which copies each path parameter into a new `String`, percent-encodes
//! that into another, and then formats the URL from them; and which builds
//! an empty header map only to merge it into the request. Here a path
//! parameter is percent-encoded straight into the URL
//! (`crate::hooks::path_segment`, the same set of characters as progenitor's
//! `encode_path`), and an empty header map is neither made nor merged: two
//! allocations, and the code that makes and merges them, fewer per call.
//!
//! A parameter that is not a `String` does not compile against
//! `path_segment(&str)`, which the corpus test catches; a header map that
//! holds header parameters (its capacity is not 0) is left as it is.

use syn::visit_mut::VisitMut;

/// What the pass changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rewritten {
    /// Path parameters now encoded straight into the URL.
    pub segments: usize,
    /// Empty header maps no longer made and merged.
    pub header_maps: usize,
}

/// Rewrites every `send` in the operation builders (top-level `builder`).
pub fn lean_requests(file: &mut syn::File) -> Rewritten {
    let mut pass = Pass::default();
    for item in &mut file.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "builder"
            && let Some((_, items)) = m.content.as_mut()
        {
            items.iter_mut().for_each(|item| pass.visit_item_mut(item));
        }
    }
    pass.0
}

#[derive(Default)]
struct Pass(Rewritten);

/// The name progenitor gives the header map.
const HEADER_MAP: &str = "header_map";

impl VisitMut for Pass {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_empty_header_map(stmt));
        if block.stmts.len() < before {
            self.0.header_maps += 1;
            block
                .stmts
                .iter_mut()
                .for_each(|stmt| DropMerge.visit_stmt_mut(stmt));
        }
        syn::visit_mut::visit_block_mut(self, block);
    }

    // The URL is a `format!`, whose arguments syn leaves as tokens.
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !mac.path.is_ident("format") {
            return;
        }
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        let Ok(mut args) = mac.parse_body_with(parser) else {
            return;
        };
        let before = self.0.segments;
        args.iter_mut().for_each(|arg| self.visit_expr_mut(arg));
        if self.0.segments > before {
            mac.tokens = quote::ToTokens::to_token_stream(&args);
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        // `encode_path(&name.to_string())`
        if let syn::Expr::Call(call) = expr
            && is_path(&call.func, "encode_path")
            && call.args.len() == 1
            && let syn::Expr::Reference(reference) = &call.args[0]
            && let syn::Expr::MethodCall(to_string) = reference.expr.as_ref()
            && to_string.method == "to_string"
            && to_string.args.is_empty()
            && let syn::Expr::Path(name) = to_string.receiver.as_ref()
        {
            let name = name.clone();
            *expr = syn::parse_quote!(crate::hooks::path_segment(&#name));
            self.0.segments += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Replaces `receiver.headers(header_map)` with `receiver`.
struct DropMerge;

impl VisitMut for DropMerge {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "headers"
            && call.args.len() == 1
            && is_path(&call.args[0], HEADER_MAP)
        {
            *expr = (*call.receiver).clone();
        }
    }
}

/// `let header_map = ...HeaderMap::with_capacity(0usize);`
fn is_empty_header_map(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Local(local) = stmt else {
        return false;
    };
    let syn::Pat::Ident(name) = &local.pat else {
        return false;
    };
    let Some(init) = &local.init else {
        return false;
    };
    name.ident == HEADER_MAP
        && matches!(init.expr.as_ref(), syn::Expr::Call(call)
            if is_path(&call.func, "with_capacity")
                && call.args.len() == 1
                && matches!(&call.args[0], syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })
                    if n.base10_digits() == "0"))
}

fn is_path(expr: &syn::Expr, last: &str) -> bool {
    matches!(expr, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(mut file: syn::File) -> (Rewritten, String) {
        let done = lean_requests(&mut file);
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        (done, text.split_whitespace().collect())
    }

    fn squeeze(text: &str) -> String {
        text.split_whitespace().collect()
    }

    #[test]
    fn a_send_encodes_its_path_into_the_url_and_builds_no_empty_header_map() {
        let (done, text) = rewrite(syn::parse_quote! {
            pub mod builder {
                impl<'a> Op<'a> {
                    pub async fn send(self) -> Result<(), Error> {
                        let request = {
                            let url = format!("{}/api/{}/x", client.baseurl,
                                encode_path(&service_id.to_string()));
                            let header_map = ::reqwest::header::HeaderMap::with_capacity(0usize);
                            client.client.post(url).json(&body).headers(header_map).build()?
                        };
                        Ok(())
                    }
                }
            }
        });
        assert_eq!(
            done,
            Rewritten {
                segments: 1,
                header_maps: 1
            }
        );
        assert!(
            text.contains(&squeeze(
                "format!(\"{}/api/{}/x\", client.baseurl, crate::hooks::path_segment(&service_id))"
            )),
            "{text}"
        );
        assert!(!text.contains("header_map"), "{text}");
        assert!(
            text.contains(&squeeze("client.client.post(url).json(&body).build()?")),
            "{text}"
        );
    }

    #[test]
    fn a_header_map_with_header_parameters_stays() {
        let (done, text) = rewrite(syn::parse_quote! {
            pub mod builder {
                impl<'a> Op<'a> {
                    pub async fn send(self) -> Result<(), Error> {
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                        header_map.append("x-tenant", value.to_string().try_into()?);
                        client.client.get(url).headers(header_map).build()?;
                        Ok(())
                    }
                }
            }
        });
        assert_eq!(done, Rewritten::default());
        assert!(text.contains(&squeeze(".headers(header_map)")), "{text}");
    }

    #[test]
    fn only_the_operation_builders_are_rewritten() {
        let (done, _) = rewrite(syn::parse_quote! {
            pub mod types {
                fn f() -> String {
                    encode_path(&x.to_string())
                }
            }
        });
        assert_eq!(done, Rewritten::default());
    }
}
