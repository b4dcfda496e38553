//! A stand-in for Authlete on 127.0.0.1, for testing code built on this crate.
//!
//! Enabled by the `testing` feature. [`MockAuthlete::start`] binds a random
//! loopback port and keeps state the way Authlete does for the OAuth 2.0 and
//! OpenID Connect flows, closely enough to test an authorization server's
//! endpoints and a resource server end to end:
//!
//! - **Clients.** [`MockAuthlete::register`] takes a [`MockClient`]: public,
//!   or confidential with a secret, with a name and redirect URIs
//!   ([`register_client`](MockAuthlete::register_client) and
//!   [`register_redirect_uri`](MockAuthlete::register_redirect_uri) do the
//!   same in steps). A client authenticates with Basic (forwarded as
//!   `clientId`/`clientSecret`) or form credentials.
//! - **Authorization** (`/auth/authorization`): the code flow only. The
//!   client and its redirect URI are checked first (an unknown client or an
//!   unregistered URI is a `BAD_REQUEST`, never a redirect); later errors go
//!   to the client as `LOCATION` (or `FORM` for `response_mode=form_post`)
//!   with `error`, `state` and `iss`. A good request gets `INTERACTION`, or
//!   `NO_INTERACTION` for `prompt=none`, with a single-use ticket, the
//!   client, scopes, `maxAge`, `loginHint`, prompts and any `subject`
//!   demanded through `claims`. PKCE (S256 or plain) is checked, and required
//!   of public clients. `/issue` spends the ticket for a code bound to the
//!   client, redirect URI, scopes, PKCE challenge, nonce and subject; `/fail`
//!   spends it for the error Authlete maps the reason to (`NOT_LOGGED_IN` →
//!   `login_required`, `DENIED` → `access_denied`, …).
//! - **PAR** (`/pushed_auth_req`): the same checks, after client
//!   authentication; the request waits 600 s under
//!   `urn:ietf:params:oauth:request_uri:…` for one use by its own client.
//! - **Tokens** (`/auth/token`): the password grant answers `PASSWORD` and a
//!   ticket for `/auth/token/issue` or `/fail`; client credentials,
//!   authorization code (single use, same redirect URI, PKCE verified) and
//!   refresh token (rotated, scope may narrow) answer `OK` with the token
//!   response; anything wrong gets `INVALID_CLIENT` or `BAD_REQUEST`
//!   (`invalid_grant`, …). With `openid`, an ID token comes too: an
//!   unsecured JWT (`"alg":"none"`) with the claims `/issue` gave. The mock
//!   signs nothing; do not verify its ID tokens.
//! - **Resource side**: `/auth/introspection` answers `OK` for an active
//!   token, `UNAUTHORIZED` for an unknown, revoked or expired one,
//!   `BAD_REQUEST` for none and `FORBIDDEN` for missing scopes or another
//!   subject, each with a `Bearer` challenge in `responseContent`;
//!   `/auth/introspection/standard` gives RFC 7662's `active` document;
//!   `/auth/revocation`, `/auth/token/delete` and `/auth/token/revoke` end
//!   tokens (an access token and its refresh token go together);
//!   `/auth/userinfo` answers for tokens with a subject and `openid`, and
//!   `/auth/userinfo/issue` returns the caller's claims plus `sub`.
//! - **Discovery**: `/service/configuration` is OpenID Provider metadata for
//!   the issuer ([`DEFAULT_MOCK_ISSUER`] unless
//!   [`set_issuer`](MockAuthlete::set_issuer)), its endpoints under the
//!   issuer URL; `/service/jwks/get` is a JWK Set with one fixed public key.
//! - The mock holds no user data: claims come from whoever calls
//!   `/auth/authorization/issue` or `/auth/userinfo/issue`.
//! - Tokens last an hour, refresh tokens a day, codes and pushed requests
//!   ten minutes; [`MockAuthlete::advance_clock`] makes them expire.
//! - Every other operation answers a well-formed example of its success
//!   body; requests without the mock's service access token get Authlete's
//!   401.
//!
//! The checks and the `error_description` texts are the mock's own; the
//! actions, fields and error codes are Authlete's.
//!
//! On top of that, [`MockAuthlete::script`] queues replies per operation,
//! including faults (a status, a delay, a malformed body, a dropped
//! connection), and [`MockAuthlete::requests`] records everything received.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::operations::tokens;
//! use authlete::testing::{MockAuthlete, MockReply};
//!
//! let authlete = MockAuthlete::start().await?;
//! authlete.script(&tokens::REVOKE, MockReply::json(200, serde_json::json!({"count": 5})));
//! let revoked = authlete.client()?.tokens().revoke().subject("john").send().await?;
//! assert_eq!(revoked.count(), Some(5));
//! assert_eq!(authlete.requests_to(&tokens::REVOKE).len(), 1);
//! # Ok(()) }
//! ```
//!
//! The authorization-code flow, as an authorization server drives it:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use authlete::testing::{MockAuthlete, MockClient};
//!
//! let authlete = MockAuthlete::start().await?;
//! authlete.register(MockClient::new("app").secret("s").redirect_uri("https://app.example/cb"));
//! let client = authlete.client()?;
//! let asked = client
//!     .authorization()
//!     .process("response_type=code&client_id=app&scope=openid&state=xyz")
//!     .send()
//!     .await?;
//! let ticket = asked.ticket().ok_or("no ticket")?;
//! let issued = client.authorization().issue(ticket, "alice").send().await?;
//! let code = issued.authorization_code().ok_or("no code")?;
//! assert!(issued.response_content().is_some_and(|l| l.contains("state=xyz")));
//! let tokens = client
//!     .tokens()
//!     .process(format!("grant_type=authorization_code&code={code}"))
//!     .client_id("app")
//!     .client_secret("s")
//!     .send()
//!     .await?;
//! assert_eq!(tokens.subject(), Some("alice"));
//! # Ok(()) }
//! ```

mod authorization;
mod behaviour;
mod discovery;
mod resources;
mod server;
mod state;
mod tokens;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::operations::OperationInfo;
use crate::{Client, Error, RetryPolicy};

pub use server::MockAuthlete;
use state::{RegisteredClient, State};

/// The service ID the mock serves.
pub const MOCK_SERVICE_ID: &str = "715948317";
/// The service access token the mock accepts.
pub const MOCK_ACCESS_TOKEN: &str = "mock-service-access-token";
/// The issuer the mock announces until [`MockAuthlete::set_issuer`].
pub const DEFAULT_MOCK_ISSUER: &str = state::DEFAULT_ISSUER;

/// A reply scripted for the next request to one operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MockReply {
    /// This status and JSON body.
    Json {
        /// The HTTP status.
        status: u16,
        /// The body.
        body: serde_json::Value,
    },
    /// This status, content type and body, verbatim (an HTML error page, say).
    Raw {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body.
        body: String,
    },
    /// A 200 whose JSON body is cut off.
    MalformedBody,
    /// Close the connection without answering.
    DropConnection,
    /// Wait, then give the inner reply (or behave normally if `None`).
    Delay(Duration, Option<Box<MockReply>>),
}

impl MockReply {
    /// A JSON reply.
    pub fn json(status: u16, body: serde_json::Value) -> MockReply {
        MockReply::Json { status, body }
    }

    /// Authlete's error shape (`resultCode`, `resultMessage`) with `status`.
    pub fn error(status: u16, result_code: &str, result_message: &str) -> MockReply {
        MockReply::json(
            status,
            serde_json::json!({ "resultCode": result_code, "resultMessage": result_message }),
        )
    }

    /// Normal behaviour, after a delay.
    pub fn delay(delay: Duration) -> MockReply {
        MockReply::Delay(delay, None)
    }
}

/// One request the mock received.
///
/// Its `Debug` shows the operation, the method and the body's size: the
/// path, headers and body may hold tokens, codes and secrets.
#[derive(Clone)]
pub struct RecordedRequest {
    /// The operation it addressed, if the mock recognised it.
    pub operation: Option<&'static OperationInfo>,
    /// The HTTP method.
    pub method: http::Method,
    /// The path and query, as received (still percent-encoded).
    pub path_and_query: String,
    /// The request headers.
    pub headers: http::HeaderMap,
    /// The raw body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("operation", &self.operation.map(|op| op.id))
            .field("method", &self.method)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl RecordedRequest {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An OAuth client to register with [`MockAuthlete::register`].
///
/// Public by default; [`secret`](Self::secret) makes it confidential. Its
/// redirect URIs are compared with the authorization request's
/// `redirect_uri` exactly, as Authlete does for registered URIs without
/// wildcards; a client with exactly one may leave `redirect_uri` out.
///
/// ```
/// use authlete::testing::MockClient;
///
/// let web_app = MockClient::new("web-app")
///     .secret("s3cret")
///     .name("The Web App")
///     .redirect_uri("https://app.example/cb");
/// ```
#[derive(Clone)]
pub struct MockClient {
    id: String,
    secret: Option<String>,
    name: Option<String>,
    redirect_uris: Vec<String>,
}

impl std::fmt::Debug for MockClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Whether it has a secret, never the secret.
        f.debug_struct("MockClient")
            .field("id", &self.id)
            .field("confidential", &self.secret.is_some())
            .field("name", &self.name)
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

impl MockClient {
    /// A public client with this `client_id`. A numeric ID is also
    /// Authlete's `clientId`; any other string is the `clientIdAlias`, and
    /// the mock gives the client a number of its own.
    pub fn new(client_id: impl Into<String>) -> MockClient {
        MockClient {
            id: client_id.into(),
            secret: None,
            name: None,
            redirect_uris: Vec::new(),
        }
    }

    /// Makes the client confidential: it must authenticate with this secret
    /// (Basic or form credentials) at the token, revocation and PAR endpoints.
    pub fn secret(mut self, secret: impl Into<String>) -> MockClient {
        self.secret = Some(secret.into());
        self
    }

    /// The `clientName` the authorization response shows the user.
    pub fn name(mut self, name: impl Into<String>) -> MockClient {
        self.name = Some(name.into());
        self
    }

    /// Adds a registered redirect URI.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> MockClient {
        self.redirect_uris.push(uri.into());
        self
    }
}

impl MockAuthlete {
    /// The base URL to give a [`Client`](crate::Client).
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The socket address the mock listens on.
    pub fn addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A client configured for this mock: its service, its token, its URL,
    /// and no retries, so that tests count exactly the requests they make.
    pub fn client(&self) -> Result<Client, Error> {
        Client::builder()
            .service_id(MOCK_SERVICE_ID)
            .access_token(MOCK_ACCESS_TOKEN)
            .base_url(self.uri())
            .retry_policy(RetryPolicy::never())
            .build()
    }

    /// Registers an OAuth client; with a secret it is confidential and must
    /// authenticate, without one it is public. It has no redirect URI until
    /// [`register_redirect_uri`](Self::register_redirect_uri) gives it one;
    /// [`register`](Self::register) does it all at once.
    pub fn register_client(&self, client_id: &str, secret: Option<&str>) {
        let mut client = MockClient::new(client_id);
        client.secret = secret.map(str::to_owned);
        self.register(client);
    }

    /// Registers `client`, replacing any client registered under its ID.
    pub fn register(&self, client: MockClient) {
        let mut state = lock(&self.state);
        let number = match state.clients.get(&client.id) {
            Some(existing) => existing.number,
            None => state.client_number(&client.id),
        };
        state.clients.insert(
            client.id,
            RegisteredClient {
                number,
                secret: client.secret,
                name: client.name,
                redirect_uris: client.redirect_uris,
            },
        );
    }

    /// Adds a redirect URI to a client registered before.
    ///
    /// # Panics
    ///
    /// If no client is registered under `client_id`: a test that forgot to
    /// register its client should stop here rather than at a puzzling
    /// `BAD_REQUEST` later.
    pub fn register_redirect_uri(&self, client_id: &str, uri: &str) {
        let mut state = lock(&self.state);
        let Some(client) = state.clients.get_mut(client_id) else {
            panic!("register the client {client_id:?} before its redirect URIs");
        };
        client.redirect_uris.push(uri.to_owned());
    }

    /// The issuer the mock announces: in `iss` on authorization responses,
    /// in ID tokens, introspection and the discovery document.
    /// [`DEFAULT_MOCK_ISSUER`] until [`set_issuer`](Self::set_issuer).
    pub fn issuer(&self) -> String {
        lock(&self.state).issuer().to_owned()
    }

    /// Makes the mock announce `issuer` (the URL of the authorization server
    /// under test, say); the discovery document's endpoints follow it.
    pub fn set_issuer(&self, issuer: &str) {
        lock(&self.state).issuer = Some(issuer.trim_end_matches('/').to_owned());
    }

    /// Moves the mock's clock forward, so that tickets, codes, pushed
    /// requests and tokens expire without a test waiting for them.
    pub fn advance_clock(&self, by: Duration) {
        lock(&self.state).clock_offset += by;
    }

    /// Queues `reply` for the next request to `operation`; replies are used
    /// in order, once each, before normal behaviour resumes.
    pub fn script(&self, operation: &'static OperationInfo, reply: MockReply) {
        lock(&self.state)
            .scripts
            .entry(operation.id)
            .or_default()
            .push_back(reply);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    /// The requests received for one operation.
    pub fn requests_to(&self, operation: &OperationInfo) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.operation.is_some_and(|op| op.id == operation.id))
            .collect()
    }

    /// How many tickets (of the password grant and of authorization
    /// requests) were handed out and not yet spent.
    pub fn open_tickets(&self) -> usize {
        let state = lock(&self.state);
        state.tickets.len() + state.authorization_tickets.len()
    }
}
