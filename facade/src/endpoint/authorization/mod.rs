//! A ready authorization endpoint: `/auth/authorization`, the login and
//! consent step, then `/auth/authorization/issue` or `/fail`.
//!
//! [`AuthorizationEndpoint::handle`] forwards the request (GET query or
//! POST form) to Authlete and answers what Authlete can answer alone: a
//! redirect to the client, an auto-posting form, an error page. When the
//! user must log in or consent it hands back an [`Interaction`] instead:
//! render the page from it, keep it server-side, and when the user has
//! answered call [`Interaction::issue`] or [`Interaction::fail`] for the
//! response to send.
//!
//! For `prompt=none` nothing may be shown: the endpoint asks the
//! [`AuthorizationDelegate`] who is logged in on this user agent and
//! decides itself, in this order: nobody → `NOT_LOGGED_IN`; a login older
//! than `max_age` → `EXCEEDS_MAX_AGE` (`MAX_AGE_NOT_SUPPORTED` without a
//! login time); another user than the client demands →
//! `DIFFERENT_SUBJECT`; an essential `acr` not met → `ACR_NOT_SATISFIED`;
//! otherwise issue.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::authorization::{
//!     Authenticated, AuthorizationDelegate, AuthorizationEndpoint, AuthorizationOutcome,
//!     Interaction,
//! };
//! # use authlete::operations::authorization;
//! # use authlete::testing::{MockAuthlete, MockReply};
//! # use serde_json::json;
//!
//! /// Sessions by cookie, as the application keeps them.
//! struct Sessions;
//!
//! impl AuthorizationDelegate for Sessions {
//!     async fn current_session(
//!         &self,
//!         request: &http::request::Parts,
//!         _interaction: &Interaction,
//!     ) -> Option<Authenticated> {
//!         let cookie = request.headers.get("cookie")?.to_str().ok()?;
//!         (cookie == "session=abc").then(|| Authenticated {
//!             subject: "user-1001".into(),
//!             auth_time: Some(std::time::SystemTime::now()),
//!             ..Default::default()
//!         })
//!     }
//! }
//!
//! # let authlete = MockAuthlete::start().await?;
//! # authlete.script(&authorization::PROCESS, MockReply::json(200, json!({
//! #     "action": "NO_INTERACTION", "ticket": "t-1",
//! # })));
//! # authlete.script(&authorization::FAIL, MockReply::json(200, json!({
//! #     "action": "LOCATION",
//! #     "responseContent": "https://app.example/cb?error=login_required",
//! # })));
//! # let client = authlete.client()?;
//! let endpoint = AuthorizationEndpoint::new(client, Sessions);
//!
//! // prompt=none from a user agent nobody is logged in on.
//! let request = http::Request::get("/authorize?response_type=code&client_id=1234&prompt=none")
//!     .body(Vec::new())?;
//! let AuthorizationOutcome::Respond(response) = endpoint.handle(request).await else {
//!     unreachable!("prompt=none never needs a page")
//! };
//! assert_eq!(response.status(), 302);
//! assert_eq!(
//!     response.headers()["location"],
//!     "https://app.example/cb?error=login_required"
//! );
//! # let sent = authlete.requests_to(&authorization::FAIL)[0].json();
//! # assert_eq!(sent["reason"], "NOT_LOGGED_IN");
//! # Ok(()) }
//! ```

mod interaction;
mod prompt_none;

use std::future::Future;
use std::time::SystemTime;

use http::Method;
use http::header::{ALLOW, CONTENT_TYPE};

use crate::browser::{escape_html, page, wants_html};
use crate::client::Client;
use crate::endpoint::failure::{method_not_allowed, outage, unexpected_action, unreadable_body};
use crate::enums::AuthorizationAction;
use crate::http_response::server_error;
use crate::operations::authorization::PROCESS;

pub use interaction::{Authenticated, Interaction, SavedInteraction};

/// What the application knows that the endpoint asks about.
pub trait AuthorizationDelegate: Send + Sync {
    /// The user logged in on the user agent that sent `request` (read its
    /// session cookie), for a `prompt=none` request the endpoint must
    /// decide at once; `None` if nobody is.
    ///
    /// `interaction` tells which claims the client asks for, to fill
    /// [`Authenticated::claims`]. It cannot be finished here: the endpoint
    /// issues or fails it after its checks.
    fn current_session(
        &self,
        request: &http::request::Parts,
        interaction: &Interaction,
    ) -> impl Future<Output = Option<Authenticated>> + Send;
}

/// A delegate for a server that keeps no login sessions: every
/// `prompt=none` request fails with `NOT_LOGGED_IN` (`login_required`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSession;

impl AuthorizationDelegate for NoSession {
    async fn current_session(
        &self,
        _request: &http::request::Parts,
        _interaction: &Interaction,
    ) -> Option<Authenticated> {
        None
    }
}

/// What [`AuthorizationEndpoint::handle`] leaves to the caller.
#[derive(Debug)]
#[must_use = "the response must be sent, or the interaction finished"]
pub enum AuthorizationOutcome {
    /// Send this response to the user agent as it is: a 302 to the client,
    /// an auto-posting form, or an error.
    Respond(http::Response<String>),
    /// The user must log in or consent: show a page built from the
    /// interaction, keep it server-side, and finish it with the user's
    /// answer.
    Interact(Interaction),
}

/// An authorization endpoint backed by Authlete; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct AuthorizationEndpoint<D> {
    client: Client,
    delegate: D,
}

impl<D: AuthorizationDelegate> AuthorizationEndpoint<D> {
    /// An authorization endpoint calling Authlete through `client`, asking
    /// `delegate` about login sessions.
    pub fn new(client: Client, delegate: D) -> Self {
        AuthorizationEndpoint { client, delegate }
    }

    /// The delegate this endpoint asks.
    pub fn delegate(&self) -> &D {
        &self.delegate
    }

    /// Serves one authorization request: GET with the parameters in the
    /// query, or POST with them as a form body. Other methods get 405.
    ///
    /// An error that cannot go back to the client (an unknown client, an
    /// unregistered redirect URI, Authlete out of reach) is JSON for API
    /// callers, and an HTML page for a person: when the request's `Accept`
    /// prefers `text/html` ([`wants_html`]), the page says what went wrong
    /// in words, with the page headers of [`crate::browser`].
    pub async fn handle<B: AsRef<[u8]>>(&self, request: http::Request<B>) -> AuthorizationOutcome {
        let for_person = wants_html(request.headers());
        match self.serve(request).await {
            AuthorizationOutcome::Respond(response) if for_person => {
                AuthorizationOutcome::Respond(error_page(response))
            }
            outcome => outcome,
        }
    }

    async fn serve<B: AsRef<[u8]>>(&self, request: http::Request<B>) -> AuthorizationOutcome {
        let (parts, body) = request.into_parts();
        let parameters = if parts.method == Method::GET {
            parts.uri.query().unwrap_or_default()
        } else if parts.method == Method::POST {
            match std::str::from_utf8(body.as_ref()) {
                Ok(form) => form,
                Err(_) => return AuthorizationOutcome::Respond(unreadable_body()),
            }
        } else {
            return AuthorizationOutcome::Respond(method_not_allowed("GET, POST"));
        };

        let response = match self.client.authorization().process(parameters).send().await {
            Ok(response) => response,
            Err(error) => return AuthorizationOutcome::Respond(outage(PROCESS.id, &error)),
        };
        let action = response.action();
        match action {
            Some(AuthorizationAction::Interaction) => {
                match Interaction::from_response(self.client.clone(), response) {
                    Some(interaction) => AuthorizationOutcome::Interact(interaction),
                    None => AuthorizationOutcome::Respond(no_ticket()),
                }
            }
            Some(AuthorizationAction::NoInteraction) => {
                let Some(interaction) = Interaction::from_response(self.client.clone(), response)
                else {
                    return AuthorizationOutcome::Respond(no_ticket());
                };
                let session = self.delegate.current_session(&parts, &interaction).await;
                let response = match prompt_none::decide(&interaction, session, SystemTime::now()) {
                    Ok(user) => interaction.issue(user).await,
                    Err(reason) => interaction.fail(reason).await,
                };
                AuthorizationOutcome::Respond(response)
            }
            Some(
                AuthorizationAction::Location
                | AuthorizationAction::Form
                | AuthorizationAction::BadRequest
                | AuthorizationAction::InternalServerError,
            ) => AuthorizationOutcome::Respond(response.into_http_response()),
            other => {
                unexpected_action(
                    PROCESS.id,
                    other.as_ref().map(|a| a.as_str()),
                    "unknown action",
                );
                AuthorizationOutcome::Respond(server_error())
            }
        }
    }

    /// Turns a [`SavedInteraction`] back into an [`Interaction`] that
    /// calls Authlete through this endpoint's client.
    pub fn resume(&self, saved: SavedInteraction) -> Interaction {
        Interaction::resume(self.client.clone(), saved)
    }
}

/// `response` as a page for a person when it is a JSON error; a redirect,
/// an auto-posting form and anything else pass as they are.
fn error_page(response: http::Response<String>) -> http::Response<String> {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let body = if status.is_server_error() {
        "<p>Something went wrong on our side, and the application that sent you here \
         cannot be told. Please try again later.</p>"
            .to_owned()
    } else {
        let error: serde_json::Value = serde_json::from_str(response.body()).unwrap_or_default();
        let field = |name: &str| escape_html(error[name].as_str().unwrap_or_default());
        format!(
            "<p>The application that sent you here made a request this server cannot \
             accept, so you cannot be sent back to it. Go back to the application and \
             try again, or tell its makers.</p>\
             <p>Error: <code>{}</code></p><p>{}</p>",
            field("error"),
            field("error_description"),
        )
    };
    let mut page = page(status, "This request cannot be completed", &body);
    if let Some(allow) = response.headers().get(ALLOW) {
        page.headers_mut().insert(ALLOW, allow.clone());
    }
    page
}

/// INTERACTION or NO_INTERACTION without a ticket: nothing can settle the
/// request.
fn no_ticket() -> http::Response<String> {
    unexpected_action(PROCESS.id, None, "interaction without a ticket");
    server_error()
}
