//! A pass over progenitor's output: the builders' "not set yet" errors
//! become borrowed static text instead of a `String` allocated per field.
//!
//! progenitor's operation builders (`builder::AuthTokenFailApi`) and
//! typify's body builders (`types::builder::TokenFailRequest`) hold each
//! field as `Result<T, String>` and start every required one as
//! `Err("... was not initialized".to_string())`. Every call therefore
//! allocates, then frees, one string per required field before the caller
//! has set any of them: three allocations on the token-fail call, and about
//! 1,500 of the calling thread's instructions per call (BENCHMARKS.md).
//! Here the error half becomes `Cow<'static, str>`: a placeholder or a
//! fixed conversion message is borrowed, a formatted one is owned, and
//! `send` turns it into progenitor's `Error::InvalidRequest(String)` only
//! when a call really is invalid.
//!
//! The builders' fields are private, so their public methods and what a
//! caller sees when a field is missing stay as they were. The body
//! builders' `?` into `ConversionError` needs one more `From`, which the
//! pass adds beside typify's two.

use syn::visit_mut::VisitMut;

/// What the pass changed, for the generator's shape check.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rewritten {
    /// Builder fields whose error half became `Cow<'static, str>`.
    pub fields: usize,
    /// Errors now borrowed (placeholders and fixed conversion messages).
    pub borrowed: usize,
    /// Errors now owned (formatted messages).
    pub owned: usize,
}

/// Rewrites the operation builders (top-level `builder`) and the body
/// builders (`types::builder`), and gives `types::error::ConversionError`
/// its `From<Cow<'static, str>>`.
pub fn borrow_placeholder_errors(file: &mut syn::File) -> Rewritten {
    let mut pass = Pass::default();
    for item in &mut file.items {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, items)) = m.content.as_mut() else {
            continue;
        };
        if m.ident == "builder" {
            items.iter_mut().for_each(|item| pass.visit_item_mut(item));
        } else if m.ident == "types" {
            for inner in items.iter_mut() {
                let syn::Item::Mod(inner) = inner else {
                    continue;
                };
                let Some((_, inner_items)) = inner.content.as_mut() else {
                    continue;
                };
                if inner.ident == "builder" {
                    inner_items
                        .iter_mut()
                        .for_each(|item| pass.visit_item_mut(item));
                } else if inner.ident == "error" && pass.0.fields > 0 {
                    add_cow_conversion(inner_items);
                }
            }
        }
    }
    pass.0
}

#[derive(Default)]
struct Pass(Rewritten);

impl VisitMut for Pass {
    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        if let Some(error) = string_error_half(&mut field.ty) {
            *error = syn::parse_quote!(::std::borrow::Cow<'static, str>);
            self.0.fields += 1;
        }
        syn::visit_mut::visit_field_mut(self, field);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        match expr {
            // `Err("x was not initialized".to_string())`
            syn::Expr::Call(call)
                if is_path(&call.func, "Err")
                    && call.args.len() == 1
                    && let Some(text) = literal_to_string(&call.args[0]) =>
            {
                call.args[0] = syn::parse_quote!(::std::borrow::Cow::Borrowed(#text));
                self.0.borrowed += 1;
                return;
            }
            // `.map_err(Error::InvalidRequest)`, where the error reaches
            // progenitor's own type.
            syn::Expr::MethodCall(call)
                if call.method == "map_err"
                    && call.args.len() == 1
                    && is_path(&call.args[0], "InvalidRequest") =>
            {
                let variant = &call.args[0];
                call.args[0] = syn::parse_quote!(|e| #variant(e.into_owned()));
            }
            // Any other `.map_err(|_| ...)` in a builder sets a field's error.
            syn::Expr::MethodCall(call)
                if call.method == "map_err"
                    && call.args.len() == 1
                    && matches!(call.args[0], syn::Expr::Closure(_)) =>
            {
                if let syn::Expr::Closure(closure) = &mut call.args[0] {
                    let body = unblock(&closure.body);
                    *closure.body = if let Some(text) = literal_to_string(&body) {
                        self.0.borrowed += 1;
                        syn::parse_quote!(::std::borrow::Cow::Borrowed(#text))
                    } else {
                        self.0.owned += 1;
                        syn::parse_quote!(::std::borrow::Cow::Owned(#body))
                    };
                }
            }
            _ => {}
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// The `String` of a `Result<T, String>` type, to be replaced.
fn string_error_half(ty: &mut syn::Type) -> Option<&mut syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last_mut()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return None;
    };
    let mut types = args.args.iter_mut().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let error = types.nth(1)?;
    (crate::syn_util::last_ident(error) == "String").then_some(error)
}

/// `"text"` of `"text".to_string()`.
fn literal_to_string(expr: &syn::Expr) -> Option<syn::LitStr> {
    let syn::Expr::MethodCall(call) = expr else {
        return None;
    };
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(text),
        ..
    }) = call.receiver.as_ref()
    else {
        return None;
    };
    (call.method == "to_string" && call.args.is_empty()).then(|| text.clone())
}

/// A closure's body without the braces around a lone expression.
fn unblock(body: &syn::Expr) -> syn::Expr {
    if let syn::Expr::Block(block) = body
        && block.block.stmts.len() == 1
        && let syn::Stmt::Expr(inner, None) = &block.block.stmts[0]
    {
        return inner.clone();
    }
    body.clone()
}

fn is_path(expr: &syn::Expr, last: &str) -> bool {
    matches!(expr, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == last))
}

fn add_cow_conversion(items: &mut Vec<syn::Item>) {
    let has_error = items
        .iter()
        .any(|item| matches!(item, syn::Item::Struct(s) if s.ident == "ConversionError"));
    if has_error {
        items.push(syn::parse_quote! {
            impl From<::std::borrow::Cow<'static, str>> for ConversionError {
                fn from(value: ::std::borrow::Cow<'static, str>) -> Self {
                    Self(value)
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the pass did, and its output as tokens without whitespace.
    fn rewrite(file: &mut syn::File) -> (Rewritten, String) {
        let done = borrow_placeholder_errors(file);
        let tokens = quote::ToTokens::to_token_stream(file).to_string();
        (done, squeeze(&tokens))
    }

    fn squeeze(text: &str) -> String {
        text.split_whitespace().collect()
    }

    #[test]
    fn an_operation_builder_borrows_its_placeholders_and_owns_formatted_errors() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct Op<'a> {
                    client: &'a super::Client,
                    service_id: Result<::std::string::String, String>,
                    start: Result<Option<i32>, String>,
                    body: Result<types::builder::Body, String>,
                }
                impl<'a> Op<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self {
                            client: client,
                            service_id: Err("service_id was not initialized".to_string()),
                            start: Ok(None),
                            body: Ok(::std::default::Default::default()),
                        }
                    }
                    pub fn start(mut self, value: V) -> Self {
                        self.start = value.try_into().map(Some).map_err(|_| {
                            "conversion to `i32` for start failed".to_string()
                        });
                        self
                    }
                    pub fn body(mut self, value: V) -> Self {
                        self.body = value.try_into().map(From::from).map_err(|s| {
                            format!("conversion to `Body` for body failed: {}", s)
                        });
                        self
                    }
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let service_id = service_id.map_err(Error::InvalidRequest)?;
                        let body = body
                            .and_then(|v| types::Body::try_from(v).map_err(|e| e.to_string()))
                            .map_err(Error::InvalidRequest)?;
                        todo!()
                    }
                }
            }
        };
        let (done, text) = rewrite(&mut file);
        assert_eq!(
            done,
            Rewritten {
                fields: 3,
                borrowed: 2,
                owned: 2
            },
            "{text}"
        );
        assert!(!text.contains(&squeeze("String>")), "{text}");
        assert!(
            text.contains(&squeeze(
                r#"service_id: Err(::std::borrow::Cow::Borrowed("service_id was not initialized"))"#
            )),
            "{text}"
        );
        assert!(
            text.contains(&squeeze(
                r#"::std::borrow::Cow::Borrowed("conversion to `i32` for start failed")"#
            )),
            "{text}"
        );
        assert!(
            text.contains(&squeeze("::std::borrow::Cow::Owned(format!")),
            "{text}"
        );
        assert!(
            text.contains(&squeeze("::std::borrow::Cow::Owned(e.to_string())")),
            "{text}"
        );
        assert_eq!(
            text.matches(&squeeze("|e| Error::InvalidRequest(e.into_owned())"))
                .count(),
            2,
            "{text}"
        );
    }

    #[test]
    fn a_body_builder_converts_into_the_conversion_error() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Body {
                    pub ticket: String,
                    pub note: Result<String, String>,
                }
                pub mod builder {
                    pub struct Body {
                        ticket: ::std::result::Result<::std::string::String, ::std::string::String>,
                        label: ::std::result::Result<::std::string::String, ::std::string::String>,
                    }
                    impl ::std::default::Default for Body {
                        fn default() -> Self {
                            Self {
                                ticket: Err("no value supplied for ticket".to_string()),
                                label: Ok("fixed".to_string()),
                            }
                        }
                    }
                    impl Body {
                        pub fn ticket<T>(mut self, value: T) -> Self {
                            self.ticket = value.try_into().map_err(|e| {
                                format!("error converting supplied value for ticket: {e}")
                            });
                            self
                        }
                    }
                }
                pub mod error {
                    pub struct ConversionError(::std::borrow::Cow<'static, str>);
                }
            }
        };
        let (done, text) = rewrite(&mut file);
        assert_eq!(
            done,
            Rewritten {
                fields: 2,
                borrowed: 1,
                owned: 1
            },
            "{text}"
        );
        // A field's default value stays a `String`; only errors change.
        assert!(
            text.contains(&squeeze(r#"label: Ok("fixed".to_string())"#)),
            "{text}"
        );
        // Types outside the builders are not touched.
        assert!(
            text.contains(&squeeze("pub note: Result<String, String>")),
            "{text}"
        );
        assert!(
            text.contains(&squeeze(
                "impl From<::std::borrow::Cow<'static, str>> for ConversionError"
            )),
            "{text}"
        );
    }

    #[test]
    fn without_builders_the_conversion_error_gains_nothing() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod error {
                    pub struct ConversionError(::std::borrow::Cow<'static, str>);
                }
            }
        };
        let (done, text) = rewrite(&mut file);
        assert_eq!(done, Rewritten::default());
        assert!(!text.contains(&squeeze("impl From")), "{text}");
    }
}
