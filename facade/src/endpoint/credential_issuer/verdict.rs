//! Authlete's answers to the credential calls, as one verdict each.
//!
//! The single, batch and deferred calls each have their own action enum,
//! but the same few outcomes. Each enum is turned into a [`Verdict`] here,
//! naming every value, and [`Verdict::respond`] makes the one HTTP response
//! each outcome gets, whichever endpoint met it.

use http::StatusCode;

use crate::credential_issuer::{
    BatchCredentialIssueResponse, BatchCredentialParseResponse, CredentialIssueResponse,
    CredentialParseResponse, DeferredCredentialIssueResponse, DeferredCredentialParseResponse,
};
use crate::endpoint::failure::{outage, unexpected_action};
use crate::enums::{
    BatchCredentialIssueAction, BatchCredentialParseAction, CredentialIssueAction,
    CredentialParseAction, DeferredCredentialIssueAction, DeferredCredentialParseAction,
};
use crate::error::Error;
use crate::http_response::{challenge_response, json_response, server_error};

/// What a credential call's action means for the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Go on (parse), or 200 with the content (issue).
    Ok,
    /// 202: the credential comes later, by its `transaction_id`.
    Accepted,
    /// 400: the request itself is wrong.
    BadRequest,
    /// 401: the access token is missing, expired or not for this.
    Unauthorized,
    /// 403: the token does not cover the credential asked for.
    Forbidden,
    /// Authlete's error, the caller's, or an action newer than this crate
    /// (its name, when there is one): 500.
    Failed(Option<String>),
}

impl Verdict {
    /// The HTTP response for this verdict with Authlete's `content`;
    /// `operation` names the call in the log when it failed.
    pub(super) fn respond(self, operation: &str, content: Option<&str>) -> http::Response<String> {
        let content = content.map(str::to_owned);
        match self {
            Verdict::Ok => json_response(StatusCode::OK, content, "server_error"),
            Verdict::Accepted => json_response(StatusCode::ACCEPTED, content, "server_error"),
            Verdict::BadRequest => json_response(
                StatusCode::BAD_REQUEST,
                content,
                "invalid_credential_request",
            ),
            Verdict::Unauthorized => {
                challenge_response(StatusCode::UNAUTHORIZED, content, "invalid_token")
            }
            Verdict::Forbidden => {
                json_response(StatusCode::FORBIDDEN, content, "insufficient_scope")
            }
            Verdict::Failed(action) => {
                unexpected_action(operation, action.as_deref(), "no credential");
                server_error()
            }
        }
    }
}

/// One of Authlete's answers to a parse or issue call, as a verdict and
/// the content to send.
pub(super) trait Answer {
    /// What the answer's `action` means.
    fn verdict(&self) -> Verdict;
    /// Authlete's `responseContent`.
    fn content(&self) -> Option<&str>;
}

/// `Answer` for a response type with `action()` and `response_content()`.
macro_rules! answer {
    ($response:ident) => {
        impl Answer for $response {
            fn verdict(&self) -> Verdict {
                self.action().into()
            }
            fn content(&self) -> Option<&str> {
                self.response_content()
            }
        }
    };
}

answer!(CredentialParseResponse);
answer!(BatchCredentialParseResponse);
answer!(DeferredCredentialParseResponse);
answer!(CredentialIssueResponse);
answer!(BatchCredentialIssueResponse);
answer!(DeferredCredentialIssueResponse);

/// A parse call's answer when Authlete says to go on; otherwise the
/// response for the wallet (Authlete's refusal, or 500 when it was out of
/// reach).
#[allow(
    clippy::result_large_err,
    reason = "the error is the response, sent at once; boxing it would only add an allocation"
)]
pub(super) fn go_on<R: Answer>(
    operation: &str,
    sent: Result<R, Error>,
) -> Result<R, http::Response<String>> {
    let answer = sent.map_err(|error| outage(operation, &error))?;
    match answer.verdict() {
        Verdict::Ok => Ok(answer),
        other => Err(other.respond(operation, answer.content())),
    }
}

/// The wallet's response to an issue call's answer.
pub(super) fn settle<R: Answer>(operation: &str, sent: Result<R, Error>) -> http::Response<String> {
    match sent {
        Ok(answer) => answer.verdict().respond(operation, answer.content()),
        Err(error) => outage(operation, &error),
    }
}

/// An action this crate has no verdict for, or Authlete's own error.
fn failed(action: Option<&str>) -> Verdict {
    Verdict::Failed(action.map(str::to_owned))
}

impl From<Option<CredentialParseAction>> for Verdict {
    fn from(action: Option<CredentialParseAction>) -> Self {
        match action {
            Some(CredentialParseAction::Ok) => Verdict::Ok,
            Some(CredentialParseAction::BadRequest) => Verdict::BadRequest,
            Some(CredentialParseAction::Unauthorized) => Verdict::Unauthorized,
            Some(CredentialParseAction::Forbidden) => Verdict::Forbidden,
            other @ (Some(CredentialParseAction::InternalServerError) | Some(_) | None) => {
                failed(other.as_ref().map(|a| a.as_str()))
            }
        }
    }
}

impl From<Option<BatchCredentialParseAction>> for Verdict {
    fn from(action: Option<BatchCredentialParseAction>) -> Self {
        match action {
            Some(BatchCredentialParseAction::Ok) => Verdict::Ok,
            Some(BatchCredentialParseAction::BadRequest) => Verdict::BadRequest,
            Some(BatchCredentialParseAction::Unauthorized) => Verdict::Unauthorized,
            Some(BatchCredentialParseAction::Forbidden) => Verdict::Forbidden,
            other @ (Some(BatchCredentialParseAction::InternalServerError) | Some(_) | None) => {
                failed(other.as_ref().map(|a| a.as_str()))
            }
        }
    }
}

impl From<Option<DeferredCredentialParseAction>> for Verdict {
    fn from(action: Option<DeferredCredentialParseAction>) -> Self {
        match action {
            Some(DeferredCredentialParseAction::Ok) => Verdict::Ok,
            Some(DeferredCredentialParseAction::BadRequest) => Verdict::BadRequest,
            Some(DeferredCredentialParseAction::Unauthorized) => Verdict::Unauthorized,
            Some(DeferredCredentialParseAction::Forbidden) => Verdict::Forbidden,
            other @ (Some(DeferredCredentialParseAction::InternalServerError) | Some(_) | None) => {
                failed(other.as_ref().map(|a| a.as_str()))
            }
        }
    }
}

impl From<Option<CredentialIssueAction>> for Verdict {
    fn from(action: Option<CredentialIssueAction>) -> Self {
        match action {
            Some(CredentialIssueAction::Ok) => Verdict::Ok,
            Some(CredentialIssueAction::Accepted) => Verdict::Accepted,
            Some(CredentialIssueAction::Unauthorized) => Verdict::Unauthorized,
            Some(CredentialIssueAction::Forbidden) => Verdict::Forbidden,
            other @ (Some(
                CredentialIssueAction::CallerError | CredentialIssueAction::InternalServerError,
            )
            | Some(_)
            | None) => failed(other.as_ref().map(|a| a.as_str())),
        }
    }
}

impl From<Option<BatchCredentialIssueAction>> for Verdict {
    fn from(action: Option<BatchCredentialIssueAction>) -> Self {
        match action {
            Some(BatchCredentialIssueAction::Ok) => Verdict::Ok,
            Some(BatchCredentialIssueAction::Unauthorized) => Verdict::Unauthorized,
            Some(BatchCredentialIssueAction::Forbidden) => Verdict::Forbidden,
            other @ (Some(
                BatchCredentialIssueAction::CallerError
                | BatchCredentialIssueAction::InternalServerError,
            )
            | Some(_)
            | None) => failed(other.as_ref().map(|a| a.as_str())),
        }
    }
}

impl From<Option<DeferredCredentialIssueAction>> for Verdict {
    fn from(action: Option<DeferredCredentialIssueAction>) -> Self {
        match action {
            Some(DeferredCredentialIssueAction::Ok) => Verdict::Ok,
            Some(DeferredCredentialIssueAction::Forbidden) => Verdict::Forbidden,
            other @ (Some(
                DeferredCredentialIssueAction::CallerError
                | DeferredCredentialIssueAction::InternalServerError,
            )
            | Some(_)
            | None) => failed(other.as_ref().map(|a| a.as_str())),
        }
    }
}
