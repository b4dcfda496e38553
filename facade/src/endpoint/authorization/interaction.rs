//! The login and consent step between `/auth/authorization` and the
//! user's decision, and the decision itself.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::authorization::AuthorizationResponse;
use crate::client::Client;
use crate::endpoint::failure::outage;
use crate::enums::{AuthorizationFailReason, Prompt};
use crate::model::{ClientLimitedAuthorization, Scope};
use crate::operations::authorization::{FAIL, ISSUE};

/// The user the authorization server vouches for when it issues.
///
/// Build it with struct syntax; `..Default::default()` fills what is not
/// known. `Debug` shows the claim names, not their values.
#[derive(Clone, Default, PartialEq)]
pub struct Authenticated {
    /// The user's stable, unique identifier (the ID token's `sub`).
    pub subject: String,
    /// When the user last authenticated (the ID token's `auth_time`).
    pub auth_time: Option<SystemTime>,
    /// The authentication context class the login satisfied (`acr`).
    pub acr: Option<String>,
    /// Values of the claims the client asked for
    /// ([`Interaction::claims`]), to put in the ID token: `{"name": "John
    /// Smith", "email": "john@example.com"}`. A name may carry a language
    /// tag (`"name#ja"`). Empty sends none.
    pub claims: serde_json::Map<String, serde_json::Value>,
}

impl fmt::Debug for Authenticated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticated")
            .field("subject", &self.subject)
            .field("auth_time", &self.auth_time)
            .field("acr", &self.acr)
            .field("claims", &self.claims.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// What Authlete said about the authorization request that the login and
/// consent page needs, plus the ticket that settles it.
#[derive(Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Pending {
    ticket: String,
    client: Option<ClientLimitedAuthorization>,
    #[serde(default)]
    scopes: Vec<Scope>,
    #[serde(default)]
    claims: Vec<String>,
    #[serde(default)]
    claims_at_user_info: Vec<String>,
    #[serde(default)]
    claims_locales: Vec<String>,
    #[serde(default)]
    ui_locales: Vec<String>,
    #[serde(default)]
    prompts: Vec<Prompt>,
    max_age: Option<u32>,
    login_hint: Option<String>,
    subject: Option<String>,
    #[serde(default)]
    acrs: Vec<String>,
    #[serde(default)]
    acr_essential: bool,
}

/// An authorization request waiting for the user: the data for the login
/// and consent page, and the one-time right to answer the request.
///
/// Finish it with exactly one of [`issue`](Self::issue) or
/// [`fail`](Self::fail). Both take `self`, and `Interaction` is not
/// `Clone`, so the ticket inside cannot be spent twice. Between the page
/// and the user's answer keep it server-side: as it is in memory (it is
/// `Send + Sync + 'static`), or [`save`](Self::save)d for a session store
/// that serialises.
///
/// `Debug` leaves out the ticket.
#[must_use = "an interaction left unfinished leaves the client without an answer"]
pub struct Interaction {
    client: Client,
    // Boxed: the client's registration alone is hundreds of bytes, and an
    // interaction travels inside `AuthorizationOutcome` next to a response.
    pending: Box<Pending>,
}

impl Interaction {
    /// The interaction Authlete asked for, or `None` if it sent no ticket.
    pub(super) fn from_response(client: Client, response: AuthorizationResponse) -> Option<Self> {
        let raw = response.into_raw();
        let pending = Pending {
            ticket: raw.ticket.filter(|t| !t.is_empty())?,
            client: raw.client,
            scopes: raw.scopes,
            claims: raw.claims,
            claims_at_user_info: raw.claims_at_user_info,
            claims_locales: raw.claims_locales,
            ui_locales: raw.ui_locales,
            prompts: raw.prompts,
            // Authlete sends 0 when the client set no max_age.
            max_age: raw
                .max_age
                .and_then(|s| u32::try_from(s).ok())
                .filter(|s| *s > 0),
            login_hint: raw.login_hint,
            subject: raw.subject,
            acrs: raw.acrs,
            acr_essential: raw.acr_essential.unwrap_or(false),
        };
        Some(Interaction {
            client,
            pending: Box::new(pending),
        })
    }

    /// The client asking for authorization, as registered.
    pub fn client(&self) -> Option<&ClientLimitedAuthorization> {
        self.pending.client.as_ref()
    }

    /// The client's ID at Authlete.
    pub fn client_id(&self) -> Option<i64> {
        self.client().and_then(|c| c.client_id)
    }

    /// The client's name, to show on the consent page.
    pub fn client_name(&self) -> Option<&str> {
        self.client().and_then(|c| c.client_name.as_deref())
    }

    /// The scopes the client asks for, with their descriptions.
    pub fn scopes(&self) -> &[Scope] {
        &self.pending.scopes
    }

    /// The names of the claims the client asks for in the ID token; their
    /// values go in [`Authenticated::claims`].
    pub fn claims(&self) -> &[String] {
        &self.pending.claims
    }

    /// The names of the claims the client will ask the UserInfo endpoint
    /// for, to show on the consent page.
    pub fn claims_at_user_info(&self) -> &[String] {
        &self.pending.claims_at_user_info
    }

    /// The languages the client prefers for claim values (`claims_locales`).
    pub fn claims_locales(&self) -> &[String] {
        &self.pending.claims_locales
    }

    /// The languages the client prefers for the page (`ui_locales`).
    pub fn ui_locales(&self) -> &[String] {
        &self.pending.ui_locales
    }

    /// The `prompt` values: whether to force a login, a consent, an
    /// account choice, or an account creation.
    pub fn prompts(&self) -> &[Prompt] {
        &self.pending.prompts
    }

    /// How long ago the user may have logged in at most (`max_age`); an
    /// older login must be repeated.
    pub fn max_age(&self) -> Option<Duration> {
        self.pending.max_age.map(|s| Duration::from_secs(s.into()))
    }

    /// A hint about who is logging in (`login_hint`), to preset the login
    /// form.
    pub fn login_hint(&self) -> Option<&str> {
        self.pending.login_hint.as_deref()
    }

    /// The user the client demands (from `id_token_hint` or a `sub` claim
    /// request): only this user may be logged in. Preset the login form
    /// with it, read-only.
    pub fn subject(&self) -> Option<&str> {
        self.pending.subject.as_deref()
    }

    /// The authentication context classes the client asks for, most
    /// preferred first.
    pub fn acrs(&self) -> &[String] {
        &self.pending.acrs
    }

    /// Whether one of [`acrs`](Self::acrs) must be met (`essential`) rather
    /// than preferred.
    pub fn acr_essential(&self) -> bool {
        self.pending.acr_essential
    }

    /// The user approved: issue what the client asked for
    /// (`/auth/authorization/issue`) and get the response to send, usually
    /// a 302 back to the client with the code.
    pub async fn issue(self, user: Authenticated) -> http::Response<String> {
        let Authenticated {
            subject,
            auth_time,
            acr,
            claims,
        } = user;
        let mut call = self
            .client
            .authorization()
            .issue(self.pending.ticket, subject);
        if let Some(time) = auth_time {
            call = call.auth_time(epoch_seconds(time));
        }
        if let Some(acr) = acr {
            call = call.acr(acr);
        }
        if !claims.is_empty() {
            call = call.claims(serde_json::Value::Object(claims).to_string());
        }
        match call.send().await {
            Ok(response) => response.into_http_response(),
            Err(error) => outage(ISSUE.id, &error),
        }
    }

    /// The request cannot be granted (the user refused: `Denied`; could not
    /// log in: `NotAuthenticated`; ...): tell the client
    /// (`/auth/authorization/fail`) and get the response to send, usually a
    /// 302 back to the client with the error.
    pub async fn fail(self, reason: AuthorizationFailReason) -> http::Response<String> {
        let call = self
            .client
            .authorization()
            .fail(self.pending.ticket, reason);
        match call.send().await {
            Ok(response) => response.into_http_response(),
            Err(error) => outage(FAIL.id, &error),
        }
    }

    /// This interaction as data, for a session store that serialises;
    /// [`AuthorizationEndpoint::resume`](super::AuthorizationEndpoint::resume)
    /// turns it back into an `Interaction`.
    pub fn save(self) -> SavedInteraction {
        SavedInteraction(*self.pending)
    }

    pub(crate) fn resume(client: Client, saved: SavedInteraction) -> Self {
        Interaction {
            client,
            pending: Box::new(saved.0),
        }
    }
}

impl fmt::Debug for Interaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pending.describe("Interaction", f)
    }
}

/// An [`Interaction`] as data: `Serialize` and `Deserialize`, to keep in a
/// session store between the login page and the user's answer.
///
/// The serialised form holds the ticket, and the request's personal data
/// (login hint, subject): keep it on the server (a database, Redis, an
/// encrypted server-side session), never in a cookie or a page. `Debug`
/// leaves out the ticket.
#[derive(Serialize, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct SavedInteraction(Pending);

impl fmt::Debug for SavedInteraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.describe("SavedInteraction", f)
    }
}

impl Pending {
    /// What `Debug` shows of an interaction: everything but the ticket and
    /// the user's identifiers.
    fn describe(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("client_id", &self.client.as_ref().and_then(|c| c.client_id))
            .field(
                "scopes",
                &self
                    .scopes
                    .iter()
                    .filter_map(|s| s.name.as_deref())
                    .collect::<Vec<_>>(),
            )
            .field("claims", &self.claims)
            .field("prompts", &self.prompts)
            .field("max_age", &self.max_age)
            .field("acrs", &self.acrs)
            .field("acr_essential", &self.acr_essential)
            .finish_non_exhaustive()
    }
}

fn epoch_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_clamps_times_before_1970() {
        assert_eq!(epoch_seconds(UNIX_EPOCH + Duration::from_secs(1700)), 1700);
        assert_eq!(epoch_seconds(UNIX_EPOCH - Duration::from_secs(1)), 0);
    }

    #[test]
    fn debug_shows_claim_names_not_values() {
        let user = Authenticated {
            subject: "user-1".into(),
            claims: serde_json::json!({"email": "john@example.com"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            ..Default::default()
        };
        let shown = format!("{user:?}");
        assert!(shown.contains("email"), "{shown}");
        assert!(!shown.contains("john@example.com"), "{shown}");
    }
}
