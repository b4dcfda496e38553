//! A stand-in for Authlete on 127.0.0.1, for testing code built on this crate.
//!
//! Enabled by the `testing` feature. [`MockAuthlete::start`] binds a random
//! loopback port and keeps state the way Authlete does for the OAuth 2.0 and
//! OpenID Connect flows, closely enough to test an authorization server's
//! endpoints and a resource server end to end:
//!
//! - **Clients.** [`MockAuthlete::register`] takes a [`MockClient`]: public,
//!   or confidential with a secret, with a name, redirect URIs, the
//!   response types it may use (`code` unless it registers others), and
//!   the algorithms its ID tokens and UserInfo answers are signed with
//!   ([`register_client`](MockAuthlete::register_client) and
//!   [`register_redirect_uri`](MockAuthlete::register_redirect_uri) do the
//!   simplest of this in steps). A client authenticates with Basic
//!   (forwarded as `clientId`/`clientSecret`) or with form credentials,
//!   never both in one request.
//! - **Scopes.** The service supports OpenID Connect's scopes (`openid`,
//!   `profile`, `email`, `address`, `phone`, `offline_access`), FAPI Grant
//!   Management's (`grant_management_query`, `grant_management_revoke`),
//!   plus those a
//!   test adds with [`support_scopes`](MockAuthlete::support_scopes). A
//!   request for any other scope is refused with `invalid_scope`, at the
//!   authorization endpoint, PAR and the token endpoint alike. That is the
//!   mock's decision: Authlete may instead drop unsupported scopes,
//!   depending on the service's settings, and a test learns more from a
//!   refusal than from a scope that silently went missing.
//! - **Authorization** (`/auth/authorization`): `code`, `token`, `id_token`
//!   and their hybrids, for the clients that registered them. The client
//!   and its redirect URI are checked first (an unknown client or an
//!   unregistered URI is a `BAD_REQUEST`, never a redirect); later errors
//!   go to the client as `LOCATION` (in the query, or in the fragment when
//!   the response type carries tokens) or `FORM` for
//!   `response_mode=form_post`, with `error`, `state` and `iss`. A good
//!   request gets `INTERACTION`, or `NO_INTERACTION` for `prompt=none`,
//!   with a single-use ticket, the client, scopes, `maxAge`, `loginHint`,
//!   `acrs`, prompts, any `subject` demanded through the `claims`
//!   parameter, and the claims asked for: in `claims` those for the ID
//!   token (the `claims` parameter's `id_token` member, plus what the
//!   scopes stand for when `response_type=id_token` gives no access token),
//!   in `claimsAtUserInfo` those for UserInfo. PKCE (S256 or plain) is
//!   checked, and required of public clients asking for a code. `/issue`
//!   spends the ticket for what the response type asks: a code bound to the
//!   client, redirect URI, scopes, PKCE challenge, nonce, subject and
//!   claims; an access token; an ID token (with `c_hash`, `at_hash`).
//!   `/fail` spends it for the error Authlete maps the reason to
//!   (`NOT_LOGGED_IN` → `login_required`, `DENIED` → `access_denied`, …).
//! - **PAR** (`/pushed_auth_req`): the same checks, after client
//!   authentication; the request waits 600 s under
//!   `urn:ietf:params:oauth:request_uri:…` for one use by its own client.
//! - **Tokens** (`/auth/token`): a parameter given twice is
//!   `invalid_request`; the password grant answers `PASSWORD` and a ticket
//!   for `/auth/token/issue` or `/fail`; client credentials, authorization
//!   code (single use, same redirect URI, PKCE verified) and refresh token
//!   (rotated, scope may narrow) answer `OK` with the token response and,
//!   beside it, the fields Authlete sends (`accessToken`,
//!   `accessTokenExpiresAt`, `accessTokenDuration`, `refreshToken`, …,
//!   `idToken`, `scopes`, `subject`, `clientId`, `grantType`); anything
//!   wrong gets `INVALID_CLIENT` or `BAD_REQUEST` (`invalid_grant`, …).
//! - **ID tokens** are signed, with RS256 unless the client registered
//!   `ES256`, `PS256` or `none`
//!   ([`MockClient::id_token_signed_response_alg`]), and carry `iss`,
//!   `sub`, `aud`, `iat`, `exp`, `nonce`, `auth_time` when the request
//!   asked for it (`max_age`, or `claims`) and `/issue` gave `authTime`,
//!   `acr` when `/issue` gave one, `at_hash` and `c_hash` beside an access
//!   token or a code, and the claims `/issue` gave. The keys (RSA 2048 for
//!   RS256 and for PS256, P-256 for ES256) are made the first time any mock
//!   of the process needs them, and shared by its mocks: RSA key generation
//!   is slow in an unoptimised build, and most tests never sign anything.
//! - **Resource side**: `/auth/introspection` answers `OK` for an active
//!   token, `UNAUTHORIZED` for an unknown, revoked or expired one,
//!   `BAD_REQUEST` for none and `FORBIDDEN` for missing scopes or another
//!   subject, each with a `Bearer` challenge in `responseContent`;
//!   `/auth/introspection/standard` gives RFC 7662's `active` document;
//!   `/auth/revocation`, `/auth/token/delete` and `/auth/token/revoke` end
//!   tokens (an access token and its refresh token go together);
//!   `/auth/userinfo` answers for tokens with a subject and `openid`, with
//!   the claims UserInfo should return in `claims` (those the token's
//!   scopes stand for and those the authorization request's `claims`
//!   parameter asked UserInfo for), and `/auth/userinfo/issue` returns the
//!   caller's claims plus `sub`: as JSON, or as a signed JWT for a client
//!   that registered [`userinfo_signed_response_alg`](MockClient::userinfo_signed_response_alg).
//! - **Discovery**: `/service/configuration` is OpenID Provider metadata for
//!   the issuer ([`DEFAULT_MOCK_ISSUER`] unless
//!   [`set_issuer`](MockAuthlete::set_issuer)), its endpoints under the
//!   issuer URL, the supported scopes, and the signing algorithms the mock
//!   uses (RS256 first; `none` only once a client registered it);
//!   `/service/jwks/get` publishes the public keys, each with `kid`, `alg`
//!   and `use`.
//! - **Administration** (see the `admin` module's docs): the service's
//!   settings (`/service/delete` deletes it, and every later call for it is
//!   a 404; `/service/create` adds services that `/service/get/list` shows)
//!   and the clients made through `clients().create()`, which get
//!   an ID and a secret, show in `get` and `list`, change with `update`
//!   (omitted settings reset, as in Authlete) and go with `delete`, their
//!   tokens with them; such a client can use every endpoint at once.
//!   `tokens().list/create/update/revoke/delete` act on the same tokens the
//!   flows issue; `tokens().create` refuses a client it does not know.
//! - **Scopes per client and subject**: requestable scopes limit what a
//!   client gets (a scope outside them is dropped, as Authlete drops it);
//!   granted scopes record, per client and subject, the last grant's
//!   scopes and all of them, and survive token revocation.
//! - **Device flow** (RFC 8628) and **CIBA**: `/device/authorization`,
//!   `/verification`, `/complete` and the device-code grant;
//!   `/backchannel/authentication`, `/issue`, `/fail`, `/complete` and the
//!   CIBA grant (poll and ping; for push, `/complete` carries the tokens
//!   to deliver), each a state machine with `authorization_pending`,
//!   `slow_down` (which adds 5 s to the interval), `access_denied` and
//!   `expired_token`.
//! - **Grant management** (FAPI): `grant_management_action=create`, `merge`
//!   or `replace` at the authorization endpoint makes or changes a grant
//!   when the code is exchanged (`grant_id` in the token response); `/gm`
//!   reads and revokes grants, revoking ending the grant's tokens.
//! - **Dynamic registration** (RFC 7591/7592): registered clients are the
//!   administration API's clients; reading, updating and deleting need the
//!   registration access token.
//! - **Keys and credential offers**: `/hsk/*` keeps key records by handle
//!   (no HSM, so no public key); `/vci/offer/create` makes offers with
//!   pre-authorized codes or issuer state that `/vci/offer/info` reads
//!   until they expire.
//! - **OpenID Federation**: the service's signed entity configuration, and
//!   explicit registration of a relying party whose self-signed entity
//!   configuration checks out, as a client under its entity ID (no trust
//!   chain is resolved: the mock has no network).
//! - **Credential issuance** (OpenID4VCI): the issuer metadata, JWT VC
//!   issuer metadata and keys; single, batch and deferred requests parsed
//!   against the access token, then issued as signed `jwt_vc_json`
//!   credentials or deferred to a `transaction_id` (see the module
//!   `credentials` for the one configuration offered).
//! - The mock holds no user data: claims come from whoever calls
//!   `/auth/authorization/issue` or `/auth/userinfo/issue`.
//! - Tokens and ID tokens last an hour, refresh tokens a day, codes and
//!   pushed requests ten minutes, tickets a day (as Authlete's
//!   authorization tickets do; the mock gives its password tickets the
//!   same); [`MockAuthlete::advance_clock`] makes them expire. What expired
//!   is forgotten (tokens a day later, so that introspection can still say
//!   "expired"), and no kind of ticket, code or pushed request is kept more
//!   than 4,096 times (tokens 10,000; the first to expire makes room): a
//!   mock facing endless unauthenticated traffic keeps bounded memory. Its
//!   record of requests is kept whole for tests, unless
//!   [`record_at_most`](MockAuthlete::record_at_most) bounds it too.
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

mod admin;
mod authorization;
mod behaviour;
mod ciba;
mod credentials;
mod device;
mod discovery;
mod federation;
mod grants;
mod jwt;
mod keys;
mod records;
mod reply;
mod request;
mod resources;
mod scopes;
mod server;
mod state;
mod tokens;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::operations::OperationInfo;
use crate::{Client, Error, RetryPolicy};

use keys::SigningAlg;
pub use server::MockAuthlete;
use state::{RegisteredClient, ResponseType, State};

/// The service ID the mock serves.
pub const MOCK_SERVICE_ID: &str = "715948317";
/// The service access token the mock accepts.
pub const MOCK_ACCESS_TOKEN: &str = "mock-service-access-token";
/// The issuer the mock announces until [`MockAuthlete::set_issuer`].
pub const DEFAULT_MOCK_ISSUER: &str = state::DEFAULT_ISSUER;

/// A reply scripted for the next request to one operation.
///
/// Authlete answers in two ways, and a script should too:
///
/// - **An action**: HTTP 200 with a JSON body whose `action` tells the
///   authorization server what to do (`BAD_REQUEST`, `INVALID_CLIENT`,
///   `OK`, ...), even when the client's request is refused. Build it with
///   [`MockReply::action`].
/// - **A refusal of the call itself** (wrong service credentials, a
///   malformed call, an unknown ticket, Authlete failing): a 4xx or 5xx
///   status with `resultCode` and `resultMessage` and no `action`. Build it
///   with [`MockReply::error`].
///
/// [`MockAuthlete::script`] refuses an `action` body with any status but
/// 200: the facade would read it as a failed call, not as the action.
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

    /// An action answer: HTTP 200 with `body`, whose `action` member is set
    /// to `action` (`body` may be `json!({})` or carry the answer's other
    /// members, `responseContent` and so on).
    pub fn action(action: &str, body: serde_json::Value) -> MockReply {
        let mut body = match body {
            serde_json::Value::Object(members) => members,
            _ => serde_json::Map::new(),
        };
        body.insert("action".into(), serde_json::Value::from(action));
        MockReply::json(200, serde_json::Value::Object(body))
    }

    /// Authlete's error shape (`resultCode`, `resultMessage`) with `status`:
    /// the call itself was refused or failed.
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

/// A scripted reply [`MockAuthlete::try_script`] refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptRefused {
    /// The operation the reply was for.
    pub operation: &'static str,
    /// Why Authlete would never send it.
    pub reason: String,
}

impl std::fmt::Display for ScriptRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "reply scripted for `{}` refused: {}",
            self.operation, self.reason
        )
    }
}

impl std::error::Error for ScriptRefused {}

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
    response_types: Vec<ResponseType>,
    id_token_alg: SigningAlg,
    userinfo_alg: Option<SigningAlg>,
}

impl std::fmt::Debug for MockClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Whether it has a secret, never the secret.
        f.debug_struct("MockClient")
            .field("id", &self.id)
            .field("confidential", &self.secret.is_some())
            .field("name", &self.name)
            .field("redirect_uris", &self.redirect_uris)
            .field(
                "response_types",
                &self
                    .response_types
                    .iter()
                    .map(|t| t.name())
                    .collect::<Vec<_>>(),
            )
            .field("id_token_signed_response_alg", &self.id_token_alg.name())
            .field(
                "userinfo_signed_response_alg",
                &self.userinfo_alg.map(SigningAlg::name),
            )
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
            response_types: Vec::new(),
            id_token_alg: SigningAlg::Rs256,
            userinfo_alg: None,
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

    /// Adds a response type the client may ask for: `code`, `token`,
    /// `id_token`, or a combination (`code id_token`, `id_token token`, …,
    /// in any order). A client that registers none may use `code` only, as
    /// Authlete's clients by default.
    ///
    /// # Panics
    ///
    /// On anything else (`none` included), so that a typo stops the test
    /// here.
    pub fn response_type(mut self, response_type: &str) -> MockClient {
        let Some(parsed) = ResponseType::parse(response_type) else {
            panic!("the mock offers no response type {response_type:?}");
        };
        self.response_types.push(parsed);
        self
    }

    /// The algorithm the client's ID tokens are signed with
    /// (`id_token_signed_response_alg`): `RS256` (the default), `ES256` or
    /// `PS256`, or `none` for unsecured ID tokens, which the mock hands out
    /// only to a client that registered for them, and then announces in
    /// its discovery document.
    ///
    /// # Panics
    ///
    /// On any other algorithm.
    pub fn id_token_signed_response_alg(mut self, alg: &str) -> MockClient {
        let Some(parsed) = SigningAlg::parse(alg) else {
            panic!("the mock cannot sign ID tokens with {alg:?} (RS256, ES256, PS256 or none)");
        };
        self.id_token_alg = parsed;
        self
    }

    /// The algorithm the client's UserInfo answers are signed with
    /// (`userinfo_signed_response_alg`): `RS256`, `ES256` or `PS256`. Without
    /// it, `/auth/userinfo/issue` answers plain JSON.
    ///
    /// # Panics
    ///
    /// On any other algorithm (`none` included: a client that wants no
    /// signature registers nothing).
    pub fn userinfo_signed_response_alg(mut self, alg: &str) -> MockClient {
        match SigningAlg::parse(alg) {
            Some(SigningAlg::None) | None => {
                panic!("the mock cannot sign UserInfo answers with {alg:?} (RS256, ES256 or PS256)")
            }
            Some(parsed) => self.userinfo_alg = Some(parsed),
        }
        self
    }
}

impl MockAuthlete {
    /// The base URL to give a [`Client`].
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
                response_types: if client.response_types.is_empty() {
                    vec![ResponseType::CODE]
                } else {
                    client.response_types
                },
                id_token_alg: client.id_token_alg,
                userinfo_alg: client.userinfo_alg,
                requestable_scopes: None,
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

    /// The scopes the service supports, in the order discovery lists them.
    pub fn supported_scopes(&self) -> Vec<String> {
        lock(&self.state).supported_scopes.clone()
    }

    /// Adds scopes to those the service supports (OpenID Connect's
    /// `openid`, `profile`, `email`, `address`, `phone` and
    /// `offline_access`, and `grant_management_query` and
    /// `grant_management_revoke`, until a test changes them).
    pub fn support_scopes<S: Into<String>>(&self, scopes: impl IntoIterator<Item = S>) {
        let mut state = lock(&self.state);
        for scope in scopes {
            let scope = scope.into();
            if !state.supported_scopes.contains(&scope) {
                state.supported_scopes.push(scope);
            }
        }
    }

    /// Makes `scopes` the only ones the service supports.
    pub fn set_supported_scopes<S: Into<String>>(&self, scopes: impl IntoIterator<Item = S>) {
        let mut state = lock(&self.state);
        state.supported_scopes.clear();
        drop(state);
        self.support_scopes(scopes);
    }

    /// Keeps only the last `limit` requests for [`requests`](Self::requests)
    /// (none with 0). The mock keeps every request until this is called,
    /// which a test wants and a long-running stand-in (the offline example
    /// server, a load test) does not: each request costs its headers and
    /// body in memory.
    pub fn record_at_most(&self, limit: usize) {
        let mut state = lock(&self.state);
        state.record_limit = Some(limit);
        while state.requests.len() > limit {
            state.requests.pop_front();
        }
    }

    /// Queues `reply` for the next request to `operation`; replies are used
    /// in order, once each, before normal behaviour resumes.
    ///
    /// # Panics
    ///
    /// When `reply` is something Authlete never sends (see
    /// [`try_script`](Self::try_script)): a test that scripts it would pass
    /// against the stand-in and fail against Authlete.
    pub fn script(&self, operation: &'static OperationInfo, reply: MockReply) {
        if let Err(refused) = self.try_script(operation, reply) {
            panic!("{refused}");
        }
    }

    /// [`script`](Self::script), refusing with the reason a reply Authlete
    /// never sends: a body with an `action` and a status other than 200
    /// (Authlete answers every action with 200; a refused call has
    /// `resultCode` and no `action`).
    pub fn try_script(
        &self,
        operation: &'static OperationInfo,
        reply: MockReply,
    ) -> Result<(), ScriptRefused> {
        let mut inner = &reply;
        while let MockReply::Delay(_, Some(next)) = inner {
            inner = next;
        }
        if let MockReply::Json { status, body } = inner
            && *status != 200
            && let Some(action) = body.get("action").and_then(serde_json::Value::as_str)
        {
            return Err(ScriptRefused {
                operation: operation.id,
                reason: format!(
                    "an `action` ({action}) with HTTP {status}: Authlete answers every action \
                     with 200, so the facade would read this as a failed call; script \
                     `MockReply::action(\"{action}\", ..)` for the action, or \
                     `MockReply::error({status}, code, message)` for a refused call"
                ),
            });
        }
        lock(&self.state)
            .scripts
            .entry(operation.id)
            .or_default()
            .push_back(reply);
        Ok(())
    }

    /// Every request received so far, in order (the last ones only after
    /// [`record_at_most`](Self::record_at_most)).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.iter().cloned().collect()
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
