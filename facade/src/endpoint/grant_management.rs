//! The FAPI grant management endpoint, ready: a client reads a grant it
//! holds (GET) or revokes it (DELETE) at `<endpoint>/<grant_id>`, with an
//! access token that carries the `grant_management_query` or
//! `grant_management_revoke` scope.
//!
//! [`GrantManagementEndpoint::handle`] forwards the access token (Bearer
//! or DPoP, with the proof, the method and the URL it must name), the
//! client certificate and the grant ID to `/gm`, and answers as Authlete
//! says: `OK` 200 with the grant, `NO_CONTENT` 204 once revoked,
//! `UNAUTHORIZED` 401, `FORBIDDEN` 403, `NOT_FOUND` 404, each with
//! Authlete's JSON; a `DPoP-Nonce` header when Authlete sends one. A
//! request without an access token gets 401 with a bare `Bearer` challenge
//! (RFC 6750 §3.1) and does not reach Authlete; Authlete's own errors
//! (`CALLER_ERROR`, `AUTHLETE_ERROR`), an action newer than this crate or
//! Authlete out of reach give 500 `{"error":"server_error"}`.
//!
//! A 401 carries `WWW-Authenticate: Bearer error="invalid_token"` (RFC
//! 6750 §3.1 asks for a challenge; Authlete's reference handler sends
//! none).

use http::{Method, StatusCode};

use super::failure::{method_not_allowed, outage, unexpected_action, unreadable_body};
use super::request::{access_token, client_certificate, dpop};
use crate::client::Client;
use crate::enums::{GrantManagementAction, GrantManagementResponseAction};
use crate::http_response::{
    challenge_response, empty_response, json_response, with_challenge, with_dpop_nonce,
};
use crate::operations::grant_management::PROCESS;

/// A grant management endpoint backed by Authlete; see the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct GrantManagementEndpoint {
    client: Client,
    endpoint_url: Option<String>,
}

impl GrantManagementEndpoint {
    /// A grant management endpoint calling Authlete through `client`.
    pub fn new(client: Client) -> Self {
        GrantManagementEndpoint {
            client,
            endpoint_url: None,
        }
    }

    /// The public URL of this endpoint without the grant ID; DPoP proofs
    /// name it followed by `/<grant_id>` (`htu`). Without it Authlete
    /// checks proofs against the service's `grantManagementEndpoint`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Serves one request for the grant `grant_id` (the last segment of
    /// the request's path): GET reads it, DELETE revokes it. Other methods
    /// get 405.
    pub async fn handle<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
        grant_id: &str,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        let gm_action = match parts.method {
            Method::GET => GrantManagementAction::Query,
            Method::DELETE => GrantManagementAction::Revoke,
            _ => return method_not_allowed("GET, DELETE"),
        };
        let token = match access_token(&parts, body.as_ref()) {
            Ok(Some(token)) => token,
            Ok(None) => {
                return challenge_response(StatusCode::UNAUTHORIZED, Some("Bearer".into()), "");
            }
            Err(()) => return unreadable_body(),
        };
        let Ok(proof) = dpop(&parts.headers) else {
            return json_response(StatusCode::BAD_REQUEST, None, "invalid_dpop_proof");
        };
        let mut call = self
            .client
            .grant_management()
            .process(gm_action, grant_id, token)
            .htm(parts.method.as_str());
        if let Some(url) = &self.endpoint_url {
            call = call.htu(format!("{}/{grant_id}", url.trim_end_matches('/')));
        }
        if let Some(proof) = proof {
            call = call.dpop(proof);
        }
        if let Some(pem) = client_certificate(&parts) {
            call = call.client_certificate(pem);
        }
        let answer = match call.send().await {
            Ok(answer) => answer,
            Err(error) => return outage(PROCESS.id, &error),
        };
        let nonce = answer.dpop_nonce().map(str::to_owned);
        let action = answer.action();
        let content = answer.response_content().map(str::to_owned);
        let response = match action {
            Some(GrantManagementResponseAction::Ok) => {
                json_response(StatusCode::OK, content, "server_error")
            }
            Some(GrantManagementResponseAction::NoContent) => {
                empty_response(StatusCode::NO_CONTENT)
            }
            Some(GrantManagementResponseAction::Unauthorized) => with_challenge(
                json_response(StatusCode::UNAUTHORIZED, content, "invalid_token"),
                "Bearer error=\"invalid_token\"",
            ),
            Some(GrantManagementResponseAction::Forbidden) => {
                json_response(StatusCode::FORBIDDEN, content, "insufficient_scope")
            }
            Some(GrantManagementResponseAction::NotFound) => {
                json_response(StatusCode::NOT_FOUND, content, "invalid_grant")
            }
            other @ (Some(
                GrantManagementResponseAction::CallerError
                | GrantManagementResponseAction::AuthleteError,
            )
            | Some(_)
            | None) => {
                unexpected_action(
                    PROCESS.id,
                    other.as_ref().map(|a| a.as_str()),
                    "Authlete's error",
                );
                json_response(StatusCode::INTERNAL_SERVER_ERROR, None, "server_error")
            }
        };
        with_dpop_nonce(response, nonce.as_deref())
    }
}
