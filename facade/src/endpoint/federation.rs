//! OpenID Federation, ready: the entity configuration at
//! `/.well-known/openid-federation` and the explicit registration endpoint.
//!
//! - [`FederationEndpoint::entity_configuration`] answers GET (and HEAD)
//!   with the signed entity configuration Authlete makes
//!   (`/federation/configuration`): 200
//!   `application/entity-statement+jwt`; 404 when the service does not
//!   take part in a federation; 500 for Authlete's own error.
//! - [`FederationEndpoint::register`] serves explicit registration: the
//!   relying party POSTs its entity configuration
//!   (`application/entity-statement+jwt`) or a trust chain
//!   (`application/trust-chain+json`), and gets the registration entity
//!   statement (200 `application/entity-statement+jwt`), or 400, 404 or
//!   500 with Authlete's JSON error.
//!
//! Authlete out of reach, or an action newer than this crate, gives 500
//! `{"error":"server_error"}`.

use http::{Method, StatusCode};

use super::failure::{method_not_allowed, outage, unexpected_action};
use super::request::is_labelled;
use crate::client::Client;
use crate::enums::{FederationConfigurationAction, FederationRegistrationAction};
use crate::http_response::{json_response, jwt_response, server_error};
use crate::operations::federation::{CONFIGURATION, REGISTER};

/// The media type of an entity statement (OpenID Federation §3).
const ENTITY_STATEMENT: &str = "application/entity-statement+jwt";
/// The media type of a trust chain (OpenID Federation §4).
const TRUST_CHAIN: &str = "application/trust-chain+json";

/// The federation endpoints backed by Authlete; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct FederationEndpoint {
    client: Client,
}

impl FederationEndpoint {
    /// The endpoints, calling Authlete through `client`.
    pub fn new(client: Client) -> Self {
        FederationEndpoint { client }
    }

    /// Serves `/.well-known/openid-federation`: GET or HEAD; other
    /// methods get 405.
    pub async fn entity_configuration<B>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return method_not_allowed("GET, HEAD");
        }
        let call = self.client.federation().configuration(Default::default());
        let answer = match call.send().await {
            Ok(answer) => answer,
            Err(error) => return outage(CONFIGURATION.id, &error),
        };
        let action = answer.action();
        let content = answer.response_content().map(str::to_owned);
        match action {
            Some(FederationConfigurationAction::Ok) => jwt_response(ENTITY_STATEMENT, content),
            Some(FederationConfigurationAction::NotFound) => {
                json_response(StatusCode::NOT_FOUND, content, "not_found")
            }
            Some(FederationConfigurationAction::InternalServerError) => {
                json_response(StatusCode::INTERNAL_SERVER_ERROR, content, "server_error")
            }
            other => {
                unexpected_action(
                    CONFIGURATION.id,
                    other.as_ref().map(|a| a.as_str()),
                    "unknown action",
                );
                server_error()
            }
        }
    }

    /// Serves one explicit registration request: a POST whose body is the
    /// relying party's entity configuration or a trust chain, as its
    /// `Content-Type` says. Other methods get 405, other bodies 400.
    pub async fn register<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let (parts, body) = request.into_parts();
        if parts.method != Method::POST {
            return method_not_allowed("POST");
        }
        let Ok(text) = std::str::from_utf8(body.as_ref()) else {
            return json_response(StatusCode::BAD_REQUEST, None, "invalid_request");
        };
        let call = self.client.federation().register();
        let call = if is_labelled(&parts.headers, ENTITY_STATEMENT) {
            call.entity_configuration(text)
        } else if is_labelled(&parts.headers, TRUST_CHAIN) {
            call.trust_chain(text)
        } else {
            return json_response(StatusCode::BAD_REQUEST, None, "invalid_request");
        };
        let answer = match call.send().await {
            Ok(answer) => answer,
            Err(error) => return outage(REGISTER.id, &error),
        };
        let action = answer.action();
        let content = answer.response_content().map(str::to_owned);
        match action {
            Some(FederationRegistrationAction::Ok) => jwt_response(ENTITY_STATEMENT, content),
            Some(FederationRegistrationAction::BadRequest) => {
                json_response(StatusCode::BAD_REQUEST, content, "invalid_request")
            }
            Some(FederationRegistrationAction::NotFound) => {
                json_response(StatusCode::NOT_FOUND, content, "not_found")
            }
            Some(FederationRegistrationAction::InternalServerError) => {
                json_response(StatusCode::INTERNAL_SERVER_ERROR, content, "server_error")
            }
            other => {
                unexpected_action(
                    REGISTER.id,
                    other.as_ref().map(|a| a.as_str()),
                    "unknown action",
                );
                server_error()
            }
        }
    }
}
