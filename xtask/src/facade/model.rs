//! `src/model.rs` and `src/enums.rs`: the generated types that are no
//! operation's request or response body, re-exported under the facade's
//! paths, each behind the features that compile it.

use std::collections::BTreeSet;

use quote::{format_ident, quote};

use super::{Op, Types, pretty};
use crate::error::XtaskError;

/// `model.rs` and `enums.rs`: every generated type that is not an
/// operation's request or response body, under the facade's paths.
pub(super) fn model(
    types: &Types,
    ops: &[Op],
    gates: &crate::features::Gates,
) -> Result<(String, String), XtaskError> {
    let bodies: BTreeSet<&str> = ops
        .iter()
        .flat_map(|o| o.body.iter().chain(o.success.iter()))
        .map(String::as_str)
        .collect();
    let shared = || {
        types
            .names
            .iter()
            .filter(|n| !bodies.contains(n.as_str()) && *n != "ResultBody")
    };
    let structs: Vec<syn::Ident> = shared()
        .filter(|n| !types.enums.contains_key(*n))
        .map(|n| format_ident!("{n}"))
        .collect();
    let mut enums: Vec<syn::Ident> = shared()
        .filter(|n| types.enums.contains_key(*n))
        .map(|n| format_ident!("{n}"))
        .collect();
    if !types.enums.is_empty() {
        enums.push(format_ident!("{}", crate::open_enums::UNKNOWN_VALUE));
    }
    // Inlined, so that rustdoc shows them as this crate's types; each
    // behind the features that compile it (see `xtask::features`).
    let reexports = |names: &[syn::Ident]| {
        let each = names.iter().map(|name| {
            let cfg = gates.type_cfg(&name.to_string());
            let label = gates.types.get(&name.to_string()).and_then(|g| {
                crate::features::cfg_predicate(&[g])
                    .map(|p| quote!(#[cfg_attr(docsrs, doc(cfg(#p)))]))
            });
            quote! {
                #cfg
                #label
                #[doc(inline)]
                pub use authlete_generated::types::#name;
            }
        });
        pretty(quote!(#(#each)*))
    };
    let model = reexports(&structs)?;
    let enums = reexports(&enums)?;
    Ok((
        format!(
            "//! The structured values inside requests and responses, as the spec\n\
             //! defines them: plain data with public fields.\n\n{model}"
        ),
        format!(
            "//! Every enum of the spec, one type each wherever it appears (requests,\n\
             //! responses, models).\n//!\n\
             //! Each keeps a value newer than this crate in `Unrecognized`, exactly as\n\
             //! received. Compare `as_str()` for such values rather than matching\n\
             //! inside `Unrecognized`: the comparison keeps working when a later release\n\
             //! knows the value and decodes it as a named variant. The enums are\n\
             //! `#[non_exhaustive]` for the same reason.\n\n{enums}"
        ),
    ))
}
