//! The device authorization grant (RFC 8628), ready: the device
//! authorization endpoint, and the calls behind the verification page where
//! the user types the code shown on the device.
//!
//! The flow has three places:
//!
//! 1. The device POSTs to the **device authorization endpoint**;
//!    [`DeviceAuthorizationEndpoint::handle`] forwards the form and the
//!    client's authentication to `/device/authorization` and answers as
//!    Authlete says: 200 with `device_code`, `user_code`,
//!    `verification_uri`, `expires_in` and `interval`; 400; 401 with
//!    `WWW-Authenticate: Basic realm="device/authorization"`; 500.
//! 2. The user opens the **verification page** on another device and types
//!    the user code. [`DeviceVerification::look_up`] says whether the code
//!    is valid (and for which client and scopes), expired or unknown; once
//!    the user has signed in and decided, [`DeviceVerification::decide`]
//!    reports it to `/device/complete`. The page itself, its sign-in and
//!    its consent, are the application's: bind the form to the code it
//!    shows and throttle guesses, since user codes are short.
//! 3. The device polls the **token endpoint** with
//!    `grant_type=urn:ietf:params:oauth:grant-type:device_code`;
//!    [`TokenEndpoint`](super::token::TokenEndpoint) passes Authlete's
//!    answers through: `authorization_pending`, `slow_down`,
//!    `access_denied`, `expired_token`, then the tokens.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::endpoint::device::{
//!     DeviceAuthorizationEndpoint, DeviceDecision, DeviceVerification, UserCodeStatus,
//! };
//! use authlete::testing::{MockAuthlete, MockClient};
//!
//! let authlete = MockAuthlete::start().await?;
//! authlete.register(MockClient::new("tv-app"));
//! let endpoint = DeviceAuthorizationEndpoint::new(authlete.client()?);
//! let request = http::Request::post("/device_authorization")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .body("client_id=tv-app&scope=openid")?;
//! let response = endpoint.handle(request).await;
//! assert_eq!(response.status(), 200);
//! let answer: serde_json::Value = serde_json::from_str(response.body())?;
//! let user_code = answer["user_code"].as_str().ok_or("no user code")?;
//!
//! // On the verification page, after the user typed the code and signed in:
//! let verification = DeviceVerification::new(authlete.client()?);
//! let UserCodeStatus::Valid(pending) = verification.look_up(user_code).await? else {
//!     return Err("the code should be valid".into());
//! };
//! assert_eq!(pending.scopes(), ["openid"]);
//! let decided = verification
//!     .decide(user_code, DeviceDecision::Authorized { subject: "alice".into() })
//!     .await?;
//! assert_eq!(decided, UserCodeStatus::Decided);
//! # Ok(()) }
//! ```

use super::client_auth::forward_client_auth;
use super::failure::outage;
use super::form_post::client_form;
use crate::client::Client;
use crate::enums::{DeviceCompleteAction, DeviceCompleteResult, DeviceVerificationAction};
use crate::error::Error;
use crate::operations::device_flow::{AUTHORIZATION, COMPLETE, VERIFICATION};

/// The challenge sent with a 401 (RFC 6749 §5.2, as RFC 8628 §3.2 uses it).
const CHALLENGE: &str = "Basic realm=\"device/authorization\"";

/// A device authorization endpoint backed by Authlete; see the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct DeviceAuthorizationEndpoint {
    client: Client,
}

impl DeviceAuthorizationEndpoint {
    /// A device authorization endpoint calling Authlete through `client`.
    pub fn new(client: Client) -> Self {
        DeviceAuthorizationEndpoint { client }
    }

    /// Serves one device authorization request: a POST with a form body
    /// (`client_id`, `scope`, ...). Other methods get 405, other bodies 400.
    pub async fn handle<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        let (parameters, auth) = match client_form(&parts, body.as_ref(), CHALLENGE) {
            Ok(read) => read,
            Err(refusal) => return refusal,
        };
        let call = forward_client_auth!(self.client.device_flow().authorization(parameters), &auth);
        match call.send().await {
            Ok(response) => response.into_http_response(),
            Err(error) => outage(AUTHORIZATION.id, &error),
        }
    }
}

/// The calls behind the verification page; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct DeviceVerification {
    client: Client,
}

/// What a user code stands for, or what became of a decision about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserCodeStatus {
    /// The code is waiting for the user's decision.
    Valid(PendingDevice),
    /// The decision was recorded; the device gets its answer at its next poll.
    Decided,
    /// The code was valid once; the device must start again.
    Expired,
    /// No device request has this code (a typo, a guess, or a code already
    /// decided on).
    Unknown,
    /// Authlete could not handle the call (its `INTERNAL_SERVER_ERROR` or
    /// `INVALID_REQUEST`, or an action newer than this crate); the details
    /// went to `tracing`. Show the user an error page.
    Failed,
}

/// A device's request waiting for the user, as the verification page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDevice {
    client_name: Option<String>,
    scopes: Vec<String>,
    expires_at: Option<i64>,
}

impl PendingDevice {
    /// The name of the client the device runs, to show the user.
    pub fn client_name(&self) -> Option<&str> {
        self.client_name.as_deref()
    }

    /// The scopes the device asked for.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// When the code expires, in milliseconds since the Unix epoch.
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_at
    }
}

/// What the user decided on the verification page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeviceDecision {
    /// The user signed in as `subject` and approved the request.
    Authorized {
        /// The end-user's identifier, the tokens' subject.
        subject: String,
    },
    /// The user refused; the device hears `access_denied`.
    Denied {
        /// The signed-in user, if any (Authlete asks for a subject).
        subject: String,
    },
}

impl DeviceVerification {
    /// Verification calls through `client`.
    pub fn new(client: Client) -> Self {
        DeviceVerification { client }
    }

    /// What the user code typed on the verification page stands for. The
    /// code is not spent.
    pub async fn look_up(&self, user_code: &str) -> Result<UserCodeStatus, Error> {
        let answer = self
            .client
            .device_flow()
            .verification(user_code)
            .send()
            .await?;
        Ok(match answer.action() {
            Some(DeviceVerificationAction::Valid) => UserCodeStatus::Valid(PendingDevice {
                client_name: answer.client_name().map(str::to_owned),
                scopes: answer
                    .scopes()
                    .iter()
                    .filter_map(|s| s.name.clone())
                    .collect(),
                expires_at: answer.expires_at(),
            }),
            Some(DeviceVerificationAction::Expired) => UserCodeStatus::Expired,
            Some(DeviceVerificationAction::NotExist) => UserCodeStatus::Unknown,
            other @ (Some(DeviceVerificationAction::InternalServerError) | Some(_) | None) => {
                unexpected(VERIFICATION.id, other.as_ref().map(|a| a.as_str()))
            }
        })
    }

    /// Reports the user's decision for `user_code`, which spends the code.
    pub async fn decide(
        &self,
        user_code: &str,
        decision: DeviceDecision,
    ) -> Result<UserCodeStatus, Error> {
        let (result, subject) = match decision {
            DeviceDecision::Authorized { subject } => (DeviceCompleteResult::Authorized, subject),
            DeviceDecision::Denied { subject } => (DeviceCompleteResult::AccessDenied, subject),
        };
        let answer = self
            .client
            .device_flow()
            .complete(user_code, result, subject)
            .send()
            .await?;
        Ok(match answer.action() {
            Some(DeviceCompleteAction::Success) => UserCodeStatus::Decided,
            Some(DeviceCompleteAction::UserCodeExpired) => UserCodeStatus::Expired,
            Some(DeviceCompleteAction::UserCodeNotExist) => UserCodeStatus::Unknown,
            other @ (Some(
                DeviceCompleteAction::InvalidRequest | DeviceCompleteAction::ServerError,
            )
            | Some(_)
            | None) => unexpected(COMPLETE.id, other.as_ref().map(|a| a.as_str())),
        })
    }
}

/// An answer the verification page cannot act on, logged without anything
/// the user typed.
fn unexpected(operation: &str, action: Option<&str>) -> UserCodeStatus {
    tracing::error!(operation, action, "Authlete could not handle the user code");
    UserCodeStatus::Failed
}
