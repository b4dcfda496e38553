//! A Verifiable Credential Issuer (OpenID for Verifiable Credential
//! Issuance), ready: its public documents and its credential endpoint.
//!
//! - [`CredentialIssuerEndpoint::metadata`] serves
//!   `/.well-known/openid-credential-issuer`,
//!   [`jwt_issuer_metadata`](CredentialIssuerEndpoint::jwt_issuer_metadata)
//!   `/.well-known/jwt-vc-issuer` and [`jwks`](CredentialIssuerEndpoint::jwks)
//!   the issuer's JWK Set: 200 JSON that clients may cache (five minutes),
//!   404 when the service issues no credentials, 500 for Authlete's error.
//! - [`CredentialIssuerEndpoint::credential`] serves the credential
//!   endpoint: the wallet POSTs its credential request as JSON with the
//!   access token it got (Bearer or DPoP). Authlete checks the request
//!   (`/vci/single/parse`); the application's [`CredentialDelegate`] says
//!   what the credential holds, or that it comes later; Authlete makes it
//!   (`/vci/single/issue`): 200 with the credential, 202 with a
//!   `transaction_id` for the deferred endpoint, 400 for a bad request, 401
//!   with Authlete's `WWW-Authenticate` challenge, 403.
//!
//! Authlete out of reach, Authlete's own errors and actions newer than this
//! crate give 500 `{"error":"server_error"}`. Access tokens, credentials
//! and Authlete's `responseContent` never reach the logs.

use std::future::Future;

use http::{Method, StatusCode};

use super::failure::{method_not_allowed, outage, unexpected_action, unreadable_body};
use super::public_document::{DEFAULT_MAX_AGE, cacheable, refuse_method};
use super::request::access_token;
use crate::client::Client;
use crate::enums::{
    CredentialIssueAction, CredentialIssuerJwksAction, CredentialIssuerMetadataAction,
    CredentialParseAction, JwtIssuerMetadataAction,
};
use crate::http_response::{challenge_response, json_response, server_error};
use crate::model::{CredentialIssuanceOrder, CredentialRequestInfo};
use crate::operations::credential_issuer::{
    ISSUE_SINGLE, JWKS, JWT_ISSUER, METADATA, PARSE_SINGLE,
};

/// What the application decides about a credential request.
pub trait CredentialDelegate: Send + Sync {
    /// The credential for `request` (Authlete checked the access token and
    /// the request): its claims now, or later through the deferred
    /// credential endpoint. `subject` is the access token's subject.
    fn credential(
        &self,
        subject: Option<&str>,
        request: &CredentialRequestInfo,
    ) -> impl Future<Output = CredentialDecision> + Send;
}

/// What goes into a credential.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CredentialDecision {
    /// Issue now, with these claims.
    Issue(serde_json::Map<String, serde_json::Value>),
    /// Issue later: the wallet gets a `transaction_id` and asks again at the
    /// deferred credential endpoint.
    Defer,
}

/// The credential issuer's endpoints backed by Authlete; see the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct CredentialIssuerEndpoint<D> {
    client: Client,
    delegate: D,
}

impl<D: CredentialDelegate> CredentialIssuerEndpoint<D> {
    /// The endpoints, calling Authlete through `client` and asking
    /// `delegate` what credentials hold.
    pub fn new(client: Client, delegate: D) -> Self {
        CredentialIssuerEndpoint { client, delegate }
    }

    /// Serves `/.well-known/openid-credential-issuer` (GET or HEAD).
    pub async fn metadata<B>(&self, request: http::Request<B>) -> http::Response<String> {
        if let Some(refusal) = refuse_method(request.method()) {
            return refusal;
        }
        let answer = match self.client.credential_issuer().metadata(false).send().await {
            Ok(answer) => answer,
            Err(error) => return outage(METADATA.id, &error),
        };
        let found = match answer.action() {
            Some(CredentialIssuerMetadataAction::Ok) => Some(true),
            Some(CredentialIssuerMetadataAction::NotFound) => Some(false),
            Some(CredentialIssuerMetadataAction::InternalServerError) | Some(_) | None => None,
        };
        document(METADATA.id, found, answer.response_content())
    }

    /// Serves `/.well-known/jwt-vc-issuer` (GET or HEAD): the JWT VC
    /// issuer metadata.
    pub async fn jwt_issuer_metadata<B>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        if let Some(refusal) = refuse_method(request.method()) {
            return refusal;
        }
        let answer = match self
            .client
            .credential_issuer()
            .jwt_issuer(false)
            .send()
            .await
        {
            Ok(answer) => answer,
            Err(error) => return outage(JWT_ISSUER.id, &error),
        };
        let found = match answer.action() {
            Some(JwtIssuerMetadataAction::Ok) => Some(true),
            Some(JwtIssuerMetadataAction::NotFound) => Some(false),
            Some(JwtIssuerMetadataAction::InternalServerError) | Some(_) | None => None,
        };
        document(JWT_ISSUER.id, found, answer.response_content())
    }

    /// Serves the issuer's JWK Set (GET or HEAD).
    pub async fn jwks<B>(&self, request: http::Request<B>) -> http::Response<String> {
        if let Some(refusal) = refuse_method(request.method()) {
            return refusal;
        }
        let answer = match self.client.credential_issuer().jwks(false).send().await {
            Ok(answer) => answer,
            Err(error) => return outage(JWKS.id, &error),
        };
        let found = match answer.action() {
            Some(CredentialIssuerJwksAction::Ok) => Some(true),
            Some(CredentialIssuerJwksAction::NotFound) => Some(false),
            Some(CredentialIssuerJwksAction::InternalServerError) | Some(_) | None => None,
        };
        document(JWKS.id, found, answer.response_content())
    }

    /// Serves one credential request: a POST with a JSON body and the
    /// access token in the `Authorization` header. Other methods get 405.
    pub async fn credential<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        if parts.method != Method::POST {
            return method_not_allowed("POST");
        }
        let token = match access_token(&parts, &[]) {
            Ok(Some(token)) => token,
            Ok(None) => {
                return challenge_response(StatusCode::UNAUTHORIZED, Some("Bearer".into()), "");
            }
            Err(()) => return unreadable_body(),
        };
        let Ok(content) = std::str::from_utf8(body.as_ref()) else {
            return unreadable_body();
        };
        let parsed = self
            .client
            .credential_issuer()
            .parse_single(token.as_str(), content)
            .send()
            .await;
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(error) => return outage(PARSE_SINGLE.id, &error),
        };
        let response_content = parsed.response_content().map(str::to_owned);
        let info = match parsed.action() {
            Some(CredentialParseAction::Ok) => match parsed.info() {
                Some(info) => info.clone(),
                None => {
                    unexpected_action(PARSE_SINGLE.id, Some("OK"), "no request info");
                    return server_error();
                }
            },
            Some(CredentialParseAction::BadRequest) => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    response_content,
                    "invalid_credential_request",
                );
            }
            Some(CredentialParseAction::Unauthorized) => {
                return challenge_response(
                    StatusCode::UNAUTHORIZED,
                    response_content,
                    "invalid_token",
                );
            }
            Some(CredentialParseAction::Forbidden) => {
                return json_response(
                    StatusCode::FORBIDDEN,
                    response_content,
                    "insufficient_scope",
                );
            }
            other @ (Some(CredentialParseAction::InternalServerError) | Some(_) | None) => {
                unexpected_action(
                    PARSE_SINGLE.id,
                    other.as_ref().map(|a| a.as_str()),
                    "not parsed",
                );
                return server_error();
            }
        };
        let subject = self.subject_of(&token).await;
        let order = match self.delegate.credential(subject.as_deref(), &info).await {
            CredentialDecision::Issue(claims) => CredentialIssuanceOrder {
                request_identifier: info.identifier.clone(),
                credential_payload: Some(serde_json::Value::Object(claims).to_string()),
                ..Default::default()
            },
            CredentialDecision::Defer => CredentialIssuanceOrder {
                request_identifier: info.identifier.clone(),
                issuance_deferred: Some(true),
                ..Default::default()
            },
        };
        let issued = self
            .client
            .credential_issuer()
            .issue_single(token.as_str(), order)
            .send()
            .await;
        let issued = match issued {
            Ok(issued) => issued,
            Err(error) => return outage(ISSUE_SINGLE.id, &error),
        };
        let content = issued.response_content().map(str::to_owned);
        match issued.action() {
            Some(CredentialIssueAction::Ok) => {
                json_response(StatusCode::OK, content, "server_error")
            }
            Some(CredentialIssueAction::Accepted) => {
                json_response(StatusCode::ACCEPTED, content, "server_error")
            }
            Some(CredentialIssueAction::Unauthorized) => {
                challenge_response(StatusCode::UNAUTHORIZED, content, "invalid_token")
            }
            Some(CredentialIssueAction::Forbidden) => {
                json_response(StatusCode::FORBIDDEN, content, "insufficient_scope")
            }
            other @ (Some(
                CredentialIssueAction::CallerError | CredentialIssueAction::InternalServerError,
            )
            | Some(_)
            | None) => {
                unexpected_action(
                    ISSUE_SINGLE.id,
                    other.as_ref().map(|a| a.as_str()),
                    "not issued",
                );
                server_error()
            }
        }
    }

    /// The access token's subject, from introspection when that group is
    /// on (the parse answer does not carry it).
    async fn subject_of(&self, token: &str) -> Option<String> {
        #[cfg(feature = "introspection")]
        {
            let answer = self
                .client
                .introspection()
                .process(token)
                .send()
                .await
                .ok()?;
            answer.subject().map(str::to_owned)
        }
        #[cfg(not(feature = "introspection"))]
        {
            let _ = token;
            None
        }
    }
}

/// A public document's answer: 200 (cacheable) when `found`, 404 when not,
/// 500 for Authlete's error or an action this crate does not know.
fn document(operation: &str, found: Option<bool>, content: Option<&str>) -> http::Response<String> {
    match (found, content) {
        (Some(true), Some(content)) => {
            cacheable(StatusCode::OK, content.to_owned(), DEFAULT_MAX_AGE)
        }
        (Some(false), _) => json_response(StatusCode::NOT_FOUND, None, "not_found"),
        (other, _) => {
            unexpected_action(
                operation,
                None,
                if other.is_some() {
                    "no document"
                } else {
                    "Authlete's error"
                },
            );
            server_error()
        }
    }
}
