//! `prompt=none`: deciding at once from the user's current session, in the
//! order Authlete's reference handler checks (facts §1).

use std::time::SystemTime;

use super::{Authenticated, Interaction};
use crate::enums::AuthorizationFailReason;

/// Whether the logged-in user (`session`) may be issued for at `now`
/// without showing anything, or why not.
pub(super) fn decide(
    interaction: &Interaction,
    session: Option<Authenticated>,
    now: SystemTime,
) -> Result<Authenticated, AuthorizationFailReason> {
    let Some(user) = session else {
        return Err(AuthorizationFailReason::NotLoggedIn);
    };
    if let Some(max_age) = interaction.max_age() {
        // Without the login time there is no telling how old the login is.
        let Some(auth_time) = user.auth_time else {
            return Err(AuthorizationFailReason::MaxAgeNotSupported);
        };
        if auth_time + max_age <= now {
            return Err(AuthorizationFailReason::ExceedsMaxAge);
        }
    }
    if interaction.subject().is_some_and(|s| s != user.subject) {
        return Err(AuthorizationFailReason::DifferentSubject);
    }
    let acrs = interaction.acrs();
    let acr_met = user.acr.as_ref().is_some_and(|acr| acrs.contains(acr));
    if interaction.acr_essential() && !acrs.is_empty() && !acr_met {
        return Err(AuthorizationFailReason::AcrNotSatisfied);
    }
    Ok(user)
}
