//! The table of operations (id, method, path, group, verb, replay class):
//! `src/operations.rs`, which the call layer, the mock, the fuzz target and
//! the docs read, and its Markdown copy for the README.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Op, pretty, response_name};
use crate::error::XtaskError;
use crate::semantics::{self, Replay};

/// The table of operations as Markdown: the README shows it between
/// [`super::README_START`] and [`super::README_END`], and `generate` keeps it current.
pub(super) fn markdown_table(table: &[(Op, semantics::Operation)]) -> String {
    let mut out =
        String::from("| operation | HTTP | method | replay | why |\n|---|---|---|---|---|\n");
    for (op, d) in table {
        let _ = writeln!(
            out,
            "| `{}` | `{} {}` | `client.{}().{}()` | {} | {} |",
            op.id,
            op.method,
            op.path,
            d.group,
            d.verb,
            match d.replay {
                Replay::Once => "once",
                Replay::Idempotent => "idempotent",
            },
            d.why.replace('|', "\\|")
        );
    }
    out
}

/// `src/operations.rs`: the table of operations and, for the fuzz target
/// and the tests, a way to exercise each response type by operation id.
pub(super) fn operation_table(table: &[(Op, semantics::Operation)]) -> Result<String, XtaskError> {
    let replay_of = |d: &semantics::Operation| match d.replay {
        Replay::Once => quote!(Replay::OnlyIfNeverSent),
        Replay::Idempotent => quote!(Replay::Idempotent),
    };
    let mut groups: BTreeMap<&str, Vec<TokenStream>> = BTreeMap::new();
    let mut all = Vec::new();
    let mut exercises = Vec::new();
    for (op, d) in table {
        let (id, method, path, group, verb, why) =
            (&op.id, &op.method, &op.path, &d.group, &d.verb, &d.why);
        let replay = replay_of(d);
        let name = format_ident!("{}", d.verb.to_uppercase());
        let group_mod = format_ident!("{group}");
        let doc = format!(" `{method} {path}`: `client.{group}().{verb}(..)`.");
        let secrets = d.secrets.iter();
        groups.entry(group).or_default().push(quote! {
            #[doc = #doc]
            pub const #name: OperationInfo = OperationInfo {
                id: #id, method: #method, path: #path, group: #group, verb: #verb, replay: #replay, why: #why,
                secrets: &[#(#secrets),*],
            };
        });
        all.push(quote!(#group_mod::#name));
        if let Some(success) = &op.success {
            let generated = format_ident!("{success}");
            let response = format_ident!("{}", response_name(d, success));
            let http = d
                .endpoint
                .then(|| quote!(let _ = response.into_http_response();));
            let cfg = crate::features::cfg_attr(&[&crate::features::Groups::from([group.clone()])]);
            exercises.push(quote! {
                #cfg
                #id => Some(serde_json::from_slice::<types::#generated>(body).map(|body| {
                    let response = crate::#group_mod::#response::new(body, None);
                    let shown = format!("{response:?}");
                    #http
                    shown
                })),
            });
        }
    }
    let modules = groups.iter().map(|(group, consts)| {
        let group_mod = format_ident!("{group}");
        let doc = format!(" The operations of [`Client::{group}`](crate::Client::{group}).");
        quote! {
            #[doc = #doc]
            pub mod #group_mod {
                use super::{OperationInfo, Replay};

                #(#consts)*
            }
        }
    });
    let mut doc = String::from(
        "//! Every operation the facade offers, in one table: what the call layer,\n\
         //! the mock, the fuzz target and the docs read instead of repeating.\n//!\n",
    );
    for line in markdown_table(table).lines() {
        let _ = writeln!(doc, "//! {line}");
    }
    let code = quote! {
        use crate::retry::Replay;

        /// What the spec and the semantics file say about one operation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct OperationInfo {
            /// The spec's operationId.
            pub id: &'static str,
            /// The HTTP method, upper case.
            pub method: &'static str,
            /// The path template, such as `/api/{serviceId}/auth/token`.
            pub path: &'static str,
            /// The `Client` method of its group, such as `tokens`.
            pub group: &'static str,
            /// Its method on the group, such as `fail`.
            pub verb: &'static str,
            /// Whether a failed call may be repeated.
            pub replay: Replay,
            /// Why that replay class.
            pub why: &'static str,
            /// Spec names of the request and response fields that hold
            /// credentials, which `Debug` output never shows.
            pub secrets: &'static [&'static str],
        }

        #(#modules)*

        /// Every operation, in spec order.
        pub const ALL: &[OperationInfo] = &[#(#all),*];

        /// The operation with this operationId.
        pub fn by_id(id: &str) -> Option<&'static OperationInfo> {
            ALL.iter().find(|op| op.id == id)
        }

        /// Decodes `body` as operation `id`'s success response and runs what
        /// the facade does with one (its `Debug` output, which it returns,
        /// and its HTTP response): the fuzz target's and the tests' entry, one
        /// arm per operation so that a new operation is covered without new
        /// code. `None` for an operation whose success has no wrapper.
        #[cfg(feature = "fuzzing")]
        pub(crate) fn exercise(
            id: &str,
            body: &[u8],
        ) -> Option<Result<String, serde_json::Error>> {
            use authlete_generated::types;
            match id {
                #(#exercises)*
                _ => None,
            }
        }
    };
    Ok(format!("{doc}\n{}", pretty(code)?))
}
