//! `/auth/token`: hand a token request to Authlete and learn what to do with it.

use std::fmt;

use authlete_generated::types;
use http::StatusCode;
use http::header::{HeaderValue, WWW_AUTHENTICATE};

use crate::call::{Operation, execute_with_body};
use crate::client::Client;
use crate::enums::{TokenAction, TokenType};
use crate::error::Error;
use crate::http_response::{CLIENT_CHALLENGE, json_response};
use crate::model::{AuthzDetails, CimdOptions, Pair, Property, TokenInfo};
use crate::request::setters;
use crate::response::response;
use crate::retry::Replay;

const OPERATION: Operation = Operation {
    id: "auth_token_api",
    // An authorization code or refresh token in the request may be spent by
    // the first request that reaches Authlete.
    replay: Replay::OnlyIfNeverSent,
};

/// The response header carrying a DPoP nonce (RFC 9449).
const DPOP_NONCE: &str = "dpop-nonce";

/// A `/auth/token` call, ready to send; see [`Tokens::process`](crate::tokens::Tokens::process).
#[must_use = "nothing is sent until `send` is awaited"]
pub struct ProcessTokenRequest<'a> {
    client: &'a Client,
    body: types::builder::TokenRequest,
}

impl fmt::Debug for ProcessTokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every field may hold a credential (form parameters, client secret, DPoP proof).
        f.debug_struct("ProcessTokenRequest")
            .finish_non_exhaustive()
    }
}

impl<'a> ProcessTokenRequest<'a> {
    pub(crate) fn new(client: &'a Client, parameters: String) -> Self {
        ProcessTokenRequest {
            client,
            body: types::TokenRequest::builder().parameters(parameters),
        }
    }

    setters! {
        /// The client ID from the `Authorization: Basic` header, if the client sent one.
        client_id: text;
        /// The client secret from the `Authorization: Basic` header, if the client sent one.
        client_secret: text;
        /// The client's TLS certificate (PEM), for mutual-TLS authentication or binding.
        client_certificate: text;
        /// The certificates between the client's and a trust anchor (PEM each).
        client_certificate_path: strings;
        /// The `DPoP` header of the token request.
        dpop: text;
        /// The HTTP method of the token request, for DPoP checks (normally `POST`).
        htm: text;
        /// The URL of the token endpoint, for DPoP checks.
        htu: text;
        /// Extra key-value pairs to attach to the token that gets issued.
        properties: items<Property>;
        /// A value to use as the access token instead of one Authlete makes up.
        access_token: text;
        /// Extra claims (a JSON object) for a JWT access token.
        jwt_at_claims: text;
        /// Lifetime of the access token in seconds, overriding the service's setting.
        access_token_duration: int;
        /// Lifetime of the refresh token in seconds, overriding the service's setting.
        refresh_token_duration: int;
        /// Whether the DPoP proof must carry a nonce this server provided.
        dpop_nonce_required: flag;
        /// The `OAuth-Client-Attestation` header of the token request.
        oauth_client_attestation: text;
        /// The `OAuth-Client-Attestation-PoP` header of the token request.
        oauth_client_attestation_pop: text;
        /// How to treat client ID metadata documents for this request.
        cimd_options: object<CimdOptions>;
    }

    /// Sends the call. Not repeated once it may have reached Authlete: an
    /// authorization code in it can only be used once.
    pub async fn send(self) -> Result<TokenResponse, Error> {
        let reply = execute_with_body(
            self.client,
            OPERATION,
            self.body,
            |generated, service_id, body| async move {
                generated
                    .auth_token_api()
                    .service_id(service_id)
                    .body(body)
                    .send()
                    .await
            },
        )
        .await?;
        Ok(TokenResponse::new(reply.body, reply.request_id))
    }
}

response! {
    /// Authlete's verdict on a token request: the [`action`](Self::action) to
    /// take, and what each action needs.
    ///
    /// `Debug` shows only the action, the result code and the request id:
    /// this type carries tokens, tickets and the resource owner's password.
    pub struct TokenResponse wraps types::TokenResponse, with result;
    debug { action }
    fields {
        /// What the token endpoint should do next.
        action: open<TokenAction>;
        /// The JSON body for the client, for actions answered directly.
        response_content: text;
        /// The resource owner's username (password grant).
        username: text;
        /// The resource owner's password (password grant).
        password: text;
        /// The ticket for `/auth/token/issue` or `/auth/token/fail`.
        ticket: text;
        /// The access token issued.
        access_token: text;
        /// When the access token expires, in milliseconds since the Unix epoch.
        access_token_expires_at: int;
        /// The access token's lifetime in seconds.
        access_token_duration: int;
        /// The refresh token issued.
        refresh_token: text;
        /// When the refresh token expires, in milliseconds since the Unix epoch.
        refresh_token_expires_at: int;
        /// The refresh token's lifetime in seconds.
        refresh_token_duration: int;
        /// The ID token issued.
        id_token: text;
        /// The grant type of the request, as Authlete names it.
        grant_type: text;
        /// The client's numeric ID.
        client_id: int;
        /// The client's ID alias.
        client_id_alias: text;
        /// Whether the client identified itself by its alias.
        client_id_alias_used: flag;
        /// The resource owner the tokens are for.
        subject: text;
        /// The scopes granted.
        scopes: list<String>;
        /// Key-value pairs attached to the token.
        properties: list<Property>;
        /// The access token in JWT form, when the service issues JWTs.
        jwt_access_token: text;
        /// The resources (RFC 8707) requested.
        resources: list<String>;
        /// The resources the access token is meant for.
        access_token_resources: list<String>;
        /// Rich authorization details (RFC 9396).
        authorization_details: object<AuthzDetails>;
        /// Additional claims requested for the ID token, as JSON.
        additional_claims: text;
        /// The service's attributes.
        service_attributes: list<Pair>;
        /// The client's attributes.
        client_attributes: list<Pair>;
        /// How the client authenticated.
        client_auth_method: text;
        /// The grant ID (Grant Management).
        grant_id: text;
        /// The audiences requested (token exchange).
        audiences: list<String>;
        /// The token type requested (token exchange).
        requested_token_type: open<TokenType>;
        /// The subject token (token exchange).
        subject_token: text;
        /// The subject token's type (token exchange).
        subject_token_type: open<TokenType>;
        /// What Authlete knows of the subject token (token exchange).
        subject_token_info: object<TokenInfo>;
        /// The actor token (token exchange).
        actor_token: text;
        /// The actor token's type (token exchange).
        actor_token_type: open<TokenType>;
        /// What Authlete knows of the actor token (token exchange).
        actor_token_info: object<TokenInfo>;
        /// The assertion (JWT bearer grant).
        assertion: text;
        /// Whether the refresh token presented was the previous one, kept valid for a grace period.
        previous_refresh_token_used: flag;
        /// The client's entity ID (OpenID Federation).
        client_entity_id: text;
        /// Whether the client identified itself by its entity ID.
        client_entity_id_used: flag;
        /// The `c_nonce` lifetime in seconds (credential issuance).
        cnonce_duration: int;
        /// A nonce to return in the `DPoP-Nonce` header.
        dpop_nonce: text;
        /// The `c_nonce` issued (credential issuance).
        cnonce: text;
        /// When the `c_nonce` expires, in milliseconds since the Unix epoch.
        cnonce_expires_at: int;
        /// Claims requested for the ID token.
        requested_id_token_claims: list<String>;
        /// The scopes of the refresh token.
        refresh_token_scopes: list<String>;
        /// The authentication session ID (Native SSO).
        session_id: text;
        /// The device secret (Native SSO).
        device_secret: text;
        /// The hash of the device secret (Native SSO).
        device_secret_hash: text;
        /// Where the client's metadata document is, when one was used.
        metadata_document_location: text;
        /// Whether the client was identified by a metadata document.
        metadata_document_used: flag;
    }
}

impl TokenResponse {
    /// Whether the action leaves a decision to the authorization server
    /// (`PASSWORD`, `TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO`), so that
    /// [`into_http_response`](Self::into_http_response) is not the next step.
    pub fn needs_decision(&self) -> bool {
        matches!(
            self.action(),
            Some(
                TokenAction::Password
                    | TokenAction::TokenExchange
                    | TokenAction::JwtBearer
                    | TokenAction::NativeSso
            )
        )
    }

    /// The response the token endpoint should send to the OAuth client, for
    /// the actions Authlete answers itself.
    ///
    /// `OK` and `ID_TOKEN_REISSUABLE` give 200, `BAD_REQUEST` 400,
    /// `INVALID_CLIENT` 401 with `WWW-Authenticate: Basic realm="token"`,
    /// `INTERNAL_SERVER_ERROR` 500; the body is `responseContent` unchanged
    /// and a `dpopNonce` is passed on as `DPoP-Nonce`. The actions that need
    /// a decision (see [`needs_decision`](Self::needs_decision)), a missing
    /// action and one newer than this crate give 500 `server_error`.
    pub fn into_http_response(self) -> http::Response<String> {
        let action = self.action();
        let (status, fallback) = match action {
            Some(TokenAction::Ok | TokenAction::IdTokenReissuable) => {
                (StatusCode::OK, "server_error")
            }
            Some(TokenAction::BadRequest) => (StatusCode::BAD_REQUEST, "invalid_request"),
            Some(TokenAction::InvalidClient) => (StatusCode::UNAUTHORIZED, "invalid_client"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
        };
        let content = if status == StatusCode::INTERNAL_SERVER_ERROR
            && action != Some(TokenAction::InternalServerError)
        {
            // Nothing Authlete wrote applies when the action is not one it answers.
            None
        } else {
            self.body.response_content
        };
        let mut response = json_response(status, content, fallback);
        let headers = response.headers_mut();
        if action == Some(TokenAction::InvalidClient) {
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static(CLIENT_CHALLENGE));
        }
        if let Some(nonce) = self.body.dpop_nonce.as_deref()
            && let Ok(value) = HeaderValue::from_str(nonce)
        {
            headers.insert(DPOP_NONCE, value);
        }
        response
    }
}
