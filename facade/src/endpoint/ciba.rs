//! Client-Initiated Backchannel Authentication (OpenID Connect CIBA Core),
//! ready: the backchannel authentication endpoint, the call that reports
//! the user's decision, and the delivery of ping and push notifications.
//!
//! 1. The client POSTs to the **backchannel authentication endpoint**.
//!    [`BackchannelEndpoint::handle`] forwards the form and the client's
//!    authentication to `/backchannel/authentication`. Authlete answers
//!    400, 401 (`Basic realm="backchannel/authentication"`) or 500 itself;
//!    otherwise the application's [`BackchannelDelegate::identify`] finds
//!    the user the hint names, and the request gets its `auth_req_id`
//!    (200) through `/issue`, or the delegate's refusal through `/fail`
//!    (400 `unknown_user_id`, 403 `access_denied`, ...).
//! 2. With an `auth_req_id` handed out, [`BackchannelDelegate::start`]
//!    reaches the user's authentication device. The endpoint does not wait
//!    for the user.
//! 3. When the user has decided, [`BackchannelEndpoint::complete`] reports
//!    it to `/backchannel/authentication/complete` with the request's
//!    [`BackchannelTicket`]. A poll client then collects its tokens at the
//!    token endpoint (`urn:openid:params:grant-type:ciba`, passed through
//!    by [`TokenEndpoint`](super::token::TokenEndpoint)); a ping client is
//!    notified first: `complete` POSTs `{"auth_req_id": ...}` to its
//!    registered notification endpoint with its notification token as a
//!    bearer token (CIBA Core §10.2). A push client gets the tokens
//!    themselves there, or the error (§10.3), in the same way: Authlete
//!    writes the body, `complete` delivers it.
//!
//! The ticket, the notification token and Authlete's `responseContent`
//! never reach the logs or `Debug` output.

use std::future::Future;

use http::StatusCode;

use super::client_auth::forward_client_auth;
use super::failure::{outage, unexpected_action};
use super::form_post::client_form;
use crate::client::Client;
use crate::enums::{
    CibaAction, CibaCompleteAction, CibaCompleteResult, CibaFailAction, CibaFailReason,
    CibaIssueAction,
};
use crate::error::Error;
use crate::http_response::{json_response, server_error};
use crate::operations::ciba::{COMPLETE, FAIL, ISSUE, PROCESS};

/// The challenge sent with a 401 (RFC 6749 §5.2, as CIBA Core §13 uses it).
const CHALLENGE: &str = "Basic realm=\"backchannel/authentication\"";

/// What the application knows about users and their authentication devices.
pub trait BackchannelDelegate: Send + Sync {
    /// The subject of the user `request` names (by `login_hint`,
    /// `login_hint_token` or `id_token_hint`), or why the request must be
    /// refused (`UnknownUserId`, `ExpiredLoginHintToken`,
    /// `InvalidUserCode`, `InvalidBindingMessage`, `AccessDenied`, ...).
    fn identify(
        &self,
        request: &BackchannelRequest,
    ) -> impl Future<Output = Result<String, CibaFailReason>> + Send;

    /// Reaches `subject`'s authentication device for the request that
    /// `ticket` names, which now has its `auth_req_id`. Return once the
    /// device is reached; when the user has decided, call
    /// [`BackchannelEndpoint::complete`] with the ticket.
    fn start(
        &self,
        ticket: BackchannelTicket,
        subject: String,
        request: &BackchannelRequest,
    ) -> impl Future<Output = ()> + Send;
}

/// A backchannel authentication request as the delegate sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackchannelRequest {
    /// Which parameter named the user: `LOGIN_HINT`, `LOGIN_HINT_TOKEN` or
    /// `ID_TOKEN_HINT`.
    pub hint_type: Option<String>,
    /// That parameter's value.
    pub hint: Option<String>,
    /// The subject of an `id_token_hint`, when Authlete could read it.
    pub subject: Option<String>,
    /// The text to show on both devices, if the client sent one.
    pub binding_message: Option<String>,
    /// The user code the client sent, if any.
    pub user_code: Option<String>,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// The client's name, to show the user.
    pub client_name: Option<String>,
}

/// The handle of a backchannel request, for [`BackchannelEndpoint::complete`].
/// Its `Debug` does not show it: it is Authlete's ticket.
#[derive(Clone, PartialEq, Eq)]
pub struct BackchannelTicket(String);

impl BackchannelTicket {
    /// The ticket, to keep until the user decides.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for BackchannelTicket {
    fn from(ticket: String) -> Self {
        BackchannelTicket(ticket)
    }
}

impl std::fmt::Debug for BackchannelTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackchannelTicket(..)")
    }
}

/// What the user decided on their authentication device.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackchannelDecision {
    /// `subject` authenticated and approved.
    Authorized {
        /// The user's identifier, the tokens' subject.
        subject: String,
    },
    /// `subject` refused; the client hears `access_denied`.
    Denied {
        /// The user's identifier.
        subject: String,
    },
}

/// What [`BackchannelEndpoint::complete`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Completion {
    /// Recorded; a poll client collects the answer at the token endpoint.
    Recorded,
    /// Recorded, and the ping client's notification endpoint was told.
    Notified,
    /// Recorded, but the notification endpoint could not be told (it
    /// answered with an error, or not at all); the client can still poll.
    NotificationFailed,
    /// Authlete refused: an unknown or spent ticket, or its own error.
    Refused,
}

/// The backchannel authentication endpoint backed by Authlete; see the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct BackchannelEndpoint<D> {
    client: Client,
    delegate: D,
    http: reqwest::Client,
}

impl<D: BackchannelDelegate> BackchannelEndpoint<D> {
    /// The endpoint, calling Authlete through `client` and asking
    /// `delegate` about users.
    pub fn new(client: Client, delegate: D) -> Self {
        BackchannelEndpoint {
            client,
            delegate,
            // A notification goes where the client registered it, never
            // where a redirect points.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        }
    }

    /// Serves one backchannel authentication request: a POST with a form
    /// body. Other methods get 405, other bodies 400.
    pub async fn handle<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        let (parameters, auth) = match client_form(&parts, body.as_ref(), CHALLENGE) {
            Ok(read) => read,
            Err(refusal) => return refusal,
        };
        let call = forward_client_auth!(self.client.ciba().process(parameters), &auth);
        let answer = match call.send().await {
            Ok(answer) => answer,
            Err(error) => return outage(PROCESS.id, &error),
        };
        if answer.action() != Some(CibaAction::UserIdentification) {
            return answer.into_http_response();
        }
        let Some(ticket) = answer.ticket().map(str::to_owned) else {
            unexpected_action(PROCESS.id, Some("USER_IDENTIFICATION"), "no ticket");
            return server_error();
        };
        let request = BackchannelRequest {
            hint_type: answer.hint_type().map(str::to_owned),
            hint: answer.hint().map(str::to_owned),
            subject: answer.subject().map(str::to_owned),
            binding_message: answer.binding_message().map(str::to_owned),
            user_code: answer.user_code().map(str::to_owned),
            scopes: answer
                .scopes()
                .iter()
                .filter_map(|s| s.name.clone())
                .collect(),
            client_name: answer.client_name().map(str::to_owned),
        };
        match self.delegate.identify(&request).await {
            Ok(subject) => self.issue(ticket.into(), subject, &request).await,
            Err(reason) => self.fail(&ticket, reason).await,
        }
    }

    /// `/issue`: the request gets its `auth_req_id`, then the user's device
    /// is reached.
    async fn issue(
        &self,
        ticket: BackchannelTicket,
        subject: String,
        request: &BackchannelRequest,
    ) -> http::Response<String> {
        let answer = match self.client.ciba().issue(ticket.as_str()).send().await {
            Ok(answer) => answer,
            Err(error) => return outage(ISSUE.id, &error),
        };
        let action = answer.action();
        let content = answer.response_content().map(str::to_owned);
        match action {
            Some(CibaIssueAction::Ok) => {
                self.delegate.start(ticket, subject, request).await;
                json_response(StatusCode::OK, content, "server_error")
            }
            // Authlete's error, a ticket it no longer knows, or an action
            // newer than this crate: the client learns only that it failed.
            other @ (Some(
                CibaIssueAction::InternalServerError | CibaIssueAction::InvalidTicket,
            )
            | Some(_)
            | None) => {
                unexpected_action(ISSUE.id, other.as_ref().map(|a| a.as_str()), "not issued");
                server_error()
            }
        }
    }

    /// `/fail`: the request is refused for `reason`.
    async fn fail(&self, ticket: &str, reason: CibaFailReason) -> http::Response<String> {
        let answer = match self.client.ciba().fail(ticket, reason).send().await {
            Ok(answer) => answer,
            Err(error) => return outage(FAIL.id, &error),
        };
        let content = answer.response_content().map(str::to_owned);
        match answer.action() {
            Some(CibaFailAction::BadRequest) => {
                json_response(StatusCode::BAD_REQUEST, content, "invalid_request")
            }
            Some(CibaFailAction::Forbidden) => {
                json_response(StatusCode::FORBIDDEN, content, "access_denied")
            }
            other @ (Some(CibaFailAction::InternalServerError) | Some(_) | None) => {
                unexpected_action(FAIL.id, other.as_ref().map(|a| a.as_str()), "refusal");
                server_error()
            }
        }
    }

    /// Reports the user's decision for the request `ticket` names, and
    /// notifies a ping client.
    pub async fn complete(
        &self,
        ticket: &BackchannelTicket,
        decision: BackchannelDecision,
    ) -> Result<Completion, Error> {
        let (result, subject) = match decision {
            BackchannelDecision::Authorized { subject } => {
                (CibaCompleteResult::Authorized, subject)
            }
            BackchannelDecision::Denied { subject } => (CibaCompleteResult::AccessDenied, subject),
        };
        let answer = self
            .client
            .ciba()
            .complete(ticket.as_str(), result, subject)
            .send()
            .await?;
        match answer.action() {
            Some(CibaCompleteAction::NoAction) => Ok(Completion::Recorded),
            Some(CibaCompleteAction::Notification) => {
                let (Some(endpoint), Some(token), Some(content)) = (
                    answer.client_notification_endpoint(),
                    answer.client_notification_token(),
                    answer.response_content(),
                ) else {
                    unexpected_action(COMPLETE.id, Some("NOTIFICATION"), "nothing to deliver");
                    return Ok(Completion::NotificationFailed);
                };
                let sent = self
                    .http
                    .post(endpoint)
                    .bearer_auth(token)
                    .header(http::header::CONTENT_TYPE, "application/json")
                    .body(content.to_owned())
                    .send()
                    .await;
                Ok(match sent {
                    Ok(response) if response.status().is_success() => Completion::Notified,
                    Ok(response) => {
                        tracing::warn!(
                            status = response.status().as_u16(),
                            "the client's notification endpoint refused the notification"
                        );
                        Completion::NotificationFailed
                    }
                    Err(error) => {
                        tracing::warn!(%error, "the client's notification endpoint is out of reach");
                        Completion::NotificationFailed
                    }
                })
            }
            other @ (Some(CibaCompleteAction::ServerError) | Some(_) | None) => {
                unexpected_action(
                    COMPLETE.id,
                    other.as_ref().map(|a| a.as_str()),
                    "not completed",
                );
                Ok(Completion::Refused)
            }
        }
    }
}
