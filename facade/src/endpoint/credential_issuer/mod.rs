//! A Verifiable Credential Issuer (OpenID for Verifiable Credential
//! Issuance), ready: its public documents, its credential endpoints and
//! its credential offers.
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
//! - [`batch_credential`](CredentialIssuerEndpoint::batch_credential) does
//!   the same for a batch (`/vci/batch/parse`, `/vci/batch/issue`), asking
//!   the delegate once per credential asked for.
//! - [`deferred_credential`](CredentialIssuerEndpoint::deferred_credential)
//!   serves the deferred credential endpoint (`/vci/deferred/parse`,
//!   `/vci/deferred/issue`): the delegate is asked again, and while it
//!   still defers the wallet hears 400 `issuance_pending` with a 5 s
//!   `interval` (OpenID4VCI draft 13 §9.3), the transaction left open.
//! - [`offer`](CredentialIssuerEndpoint::offer) serves a credential offer
//!   at its `credential_offer_uri` (`/vci/offer/info`), never cached.
//!
//! Authlete out of reach, Authlete's own errors and actions newer than this
//! crate give 500 `{"error":"server_error"}`. Access tokens, credentials,
//! offers and Authlete's `responseContent` never reach the logs.

use std::future::Future;

use http::{Method, StatusCode};

use super::failure::{outage, unexpected_action};
use super::public_document::{DEFAULT_MAX_AGE, cacheable, refuse_method};
use crate::client::Client;
use crate::credential_issuer::{
    CredentialIssuerJwksResponse, CredentialIssuerMetadataResponse, JwtIssuerMetadataResponse,
};
use crate::enums::{
    CredentialIssuerJwksAction, CredentialIssuerMetadataAction, CredentialOfferInfoAction,
    JwtIssuerMetadataAction,
};
use crate::error::Error;
use crate::http_response::{json_response, server_error};
use crate::model::CredentialRequestInfo;
use crate::operations::credential_issuer::{JWKS, JWT_ISSUER, METADATA, OFFER_INFO};

mod credential;
mod verdict;

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
        let sent = self.client.credential_issuer().metadata(false).send();
        serve_document(METADATA.id, request.method(), sent).await
    }

    /// Serves `/.well-known/jwt-vc-issuer` (GET or HEAD): the JWT VC
    /// issuer metadata.
    pub async fn jwt_issuer_metadata<B>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let sent = self.client.credential_issuer().jwt_issuer(false).send();
        serve_document(JWT_ISSUER.id, request.method(), sent).await
    }

    /// Serves the issuer's JWK Set (GET or HEAD).
    pub async fn jwks<B>(&self, request: http::Request<B>) -> http::Response<String> {
        let sent = self.client.credential_issuer().jwks(false).send();
        serve_document(JWKS.id, request.method(), sent).await
    }

    /// Serves a credential offer by reference (`GET`, or `HEAD`): the
    /// `credential_offer_uri` a wallet dereferences, ending in the offer's
    /// `identifier` from [`CredentialIssuer::create_offer`](crate::credential_issuer::CredentialIssuer::create_offer).
    /// 200 with the offer as JSON, never cached (it can hold a
    /// pre-authorized code); 404 for an unknown or expired offer; 403 when
    /// Authlete refuses it.
    pub async fn offer<B>(
        &self,
        request: http::Request<B>,
        identifier: &str,
    ) -> http::Response<String> {
        if let Some(refusal) = refuse_method(request.method()) {
            return refusal;
        }
        let answer = match self
            .client
            .credential_issuer()
            .offer_info(identifier)
            .send()
            .await
        {
            Ok(answer) => answer,
            Err(error) => return outage(OFFER_INFO.id, &error),
        };
        match answer.action() {
            Some(CredentialOfferInfoAction::Ok) => {
                let offer = answer.info().and_then(|i| i.credential_offer.clone());
                json_response(StatusCode::OK, offer, "server_error")
            }
            Some(CredentialOfferInfoAction::NotFound) => {
                json_response(StatusCode::NOT_FOUND, None, "not_found")
            }
            Some(CredentialOfferInfoAction::Forbidden) => {
                json_response(StatusCode::FORBIDDEN, None, "access_denied")
            }
            other @ (Some(
                CredentialOfferInfoAction::CallerError | CredentialOfferInfoAction::AuthleteError,
            )
            | Some(_)
            | None) => {
                unexpected_action(
                    OFFER_INFO.id,
                    other.as_ref().map(|a| a.as_str()),
                    "no offer",
                );
                server_error()
            }
        }
    }
}

/// Authlete's answer for one of the issuer's public documents.
trait DocumentAnswer {
    /// `Some(true)` for the document, `Some(false)` when the service has
    /// none, `None` for Authlete's error or an action this crate does not
    /// know.
    fn found(&self) -> Option<bool>;
    /// The document.
    fn content(&self) -> Option<&str>;
}

impl DocumentAnswer for CredentialIssuerMetadataResponse {
    fn found(&self) -> Option<bool> {
        match self.action() {
            Some(CredentialIssuerMetadataAction::Ok) => Some(true),
            Some(CredentialIssuerMetadataAction::NotFound) => Some(false),
            Some(CredentialIssuerMetadataAction::InternalServerError) | Some(_) | None => None,
        }
    }
    fn content(&self) -> Option<&str> {
        self.response_content()
    }
}

impl DocumentAnswer for JwtIssuerMetadataResponse {
    fn found(&self) -> Option<bool> {
        match self.action() {
            Some(JwtIssuerMetadataAction::Ok) => Some(true),
            Some(JwtIssuerMetadataAction::NotFound) => Some(false),
            Some(JwtIssuerMetadataAction::InternalServerError) | Some(_) | None => None,
        }
    }
    fn content(&self) -> Option<&str> {
        self.response_content()
    }
}

impl DocumentAnswer for CredentialIssuerJwksResponse {
    fn found(&self) -> Option<bool> {
        match self.action() {
            Some(CredentialIssuerJwksAction::Ok) => Some(true),
            Some(CredentialIssuerJwksAction::NotFound) => Some(false),
            Some(CredentialIssuerJwksAction::InternalServerError) | Some(_) | None => None,
        }
    }
    fn content(&self) -> Option<&str> {
        self.response_content()
    }
}

/// Serves a public document: 405 for a method other than GET or HEAD
/// (before `sent` is awaited, so Authlete is not called), else what
/// Authlete answered.
async fn serve_document<R: DocumentAnswer>(
    operation: &str,
    method: &Method,
    sent: impl Future<Output = Result<R, Error>>,
) -> http::Response<String> {
    if let Some(refusal) = refuse_method(method) {
        return refusal;
    }
    match sent.await {
        Ok(answer) => document(operation, answer.found(), answer.content()),
        Err(error) => outage(operation, &error),
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
