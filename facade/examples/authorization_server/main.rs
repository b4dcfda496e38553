//! A complete OpenID provider in axum, backed by Authlete.
//!
//! ```text
//! cargo run -p authlete --example authorization_server
//! ```
//!
//! It serves on 127.0.0.1:3000 (or `PORT`):
//!
//! | route | what |
//! |---|---|
//! | `GET /.well-known/openid-configuration` | discovery document |
//! | `GET /jwks` | the public keys |
//! | `GET, POST /authorize` | authorization endpoint, then `/login` and `/consent` |
//! | `POST /token` | token endpoint |
//! | `POST /introspect` | token introspection (RFC 7662), for resource servers |
//! | `POST /revoke` | token revocation (RFC 7009) |
//! | `GET, POST /userinfo` | UserInfo endpoint |
//! | `POST /par` | pushed authorization requests (RFC 9126) |
//! | `POST /device_authorization` | device authorization (RFC 8628) |
//! | `GET, POST /device`, `POST /device/decide` | the device verification page: the user types the code, signs in and decides |
//! | `POST /backchannel/authentication` | CIBA: a client asks for tokens for a user it names (`login_hint`) |
//! | `GET, POST /ciba`, `POST /ciba/decide` | the demo's CIBA authentication device: the user signs in and decides |
//! | `GET, DELETE /grants/{grant_id}` | FAPI grant management: a client reads or revokes a grant it holds |
//! | `GET /.well-known/openid-federation`, `POST /federation/register` | OpenID Federation: the provider's entity configuration, explicit registration of relying parties |
//! | `GET /.well-known/openid-credential-issuer`, `/.well-known/jwt-vc-issuer`, `/vci/jwks` | the credential issuer's metadata and keys (OpenID4VCI) |
//! | `POST /credential`, `/batch_credential`, `/deferred_credential` | verifiable credentials for a wallet's access token |
//! | `GET /credential-offer/{offer}` | a credential offer by reference |
//! | `POST /register`, `GET, PUT, DELETE /register/{client_id}` | dynamic client registration and management (RFC 7591, 7592), open to anyone |
//! | `GET /api/me` | a protected API: the token's subject, as JSON |
//! | `GET /callback` | the demo client's landing page, to see the code |
//!
//! With `AUTHLETE_BASE_URL`, `AUTHLETE_SERVICE_ID` and
//! `AUTHLETE_SERVICE_ACCESSTOKEN` set it talks to that Authlete service
//! (register the endpoints above with it, and a client). Without them it
//! starts the crate's stand-in for Authlete
//! ([`MockAuthlete`](authlete::testing::MockAuthlete)) in-process, with one
//! confidential client, so it runs offline.
//!
//! Everything Authlete cannot know lives here: the users (`alice` /
//! `wonderland`), the login and consent pages, and which resource servers
//! may introspect tokens. The pages are plain HTML forms, without
//! JavaScript. What keeps them safe comes from [`authlete::browser`]:
//! bounded sessions with one identifier per parked request (a consent form
//! approves the request it showed, nothing else), login throttling per
//! account and address (the password grant included), and the headers
//! that stop framing, sniffing and caching on every page.
//!
//! The tests (`tests/traced/e2e_oauth2.rs`) include this file for [`app`] and
//! [`start_stand_in`], and drive it with the `oauth2` crate as the client.

mod ciba;
mod credentials;
mod device;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::SystemTime;

use authlete::browser::{
    BrowserSessions, LoggedIn, LoginThrottle, SecurePagesLayer, Throttled, describe_scope,
    escape_html, page,
};
use authlete::endpoint::authorization::{
    Authenticated, AuthorizationDelegate, AuthorizationEndpoint, AuthorizationOutcome, Interaction,
};
use authlete::endpoint::ciba::BackchannelEndpoint;
use authlete::endpoint::credential_issuer::CredentialIssuerEndpoint;
use authlete::endpoint::device::DeviceAuthorizationEndpoint;
use authlete::endpoint::discovery::DiscoveryEndpoint;
use authlete::endpoint::federation::FederationEndpoint;
use authlete::endpoint::grant_management::GrantManagementEndpoint;
use authlete::endpoint::introspection::{
    CallerCredentials, IntrospectionEndpoint, ResourceServer, ResourceServers,
};
use authlete::endpoint::jwks::JwksEndpoint;
use authlete::endpoint::par::ParEndpoint;
use authlete::endpoint::registration::{OpenRegistration, RegistrationEndpoint};
use authlete::endpoint::revocation::RevocationEndpoint;
use authlete::endpoint::token::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
use authlete::endpoint::userinfo::{UserInfoDelegate, UserInfoEndpoint};
use authlete::resource::{ResourceGuard, ValidatedToken};
use authlete::testing::{MockAuthlete, MockClient};
use authlete::{AuthorizationFailReason, Client, Prompt, TokenFailReason};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Form, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The OAuth client the offline stand-in knows.
pub const DEMO_CLIENT_ID: &str = "demo-client";
/// That client's secret. Printed at start-up, logged nowhere.
pub const DEMO_CLIENT_SECRET: &str = "demo-client-secret";
/// Where the demo client receives its authorization responses, under the
/// provider's own URL (the [`callback`] page stands in for the client).
pub const DEMO_REDIRECT_PATH: &str = "/callback";
/// The resource server allowed to call `/introspect`.
pub const RESOURCE_SERVER_ID: &str = "demo-api";
/// Its secret.
pub const RESOURCE_SERVER_SECRET: &str = "demo-api-secret";
/// Requests larger than this are refused before parsing.
const MAX_BODY: usize = 64 * 1024;

// ---------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------

/// A user of the demo, with the claims the provider can tell about them.
#[derive(Debug)]
struct User {
    username: &'static str,
    password: &'static str,
    /// The stable identifier tokens are issued for (`sub`); unlike the
    /// username it never changes, so clients may key their data on it.
    subject: &'static str,
    given_name: &'static str,
    family_name: &'static str,
    email: &'static str,
}

/// The whole user store. A real one compares slow password hashes, not
/// plain text.
const USERS: &[User] = &[User {
    username: "alice",
    password: "wonderland",
    subject: "user-alice-1001",
    given_name: "Alice",
    family_name: "Liddell",
    email: "alice@example.com",
}];

/// The user store, as the token and UserInfo endpoints ask it. Password
/// checks go through the [`LoginThrottle`] the login form uses too, so
/// the password grant is no way around it.
#[derive(Debug, Clone, Default)]
pub struct DemoUsers {
    throttle: LoginThrottle,
}

impl DemoUsers {
    /// The user `username` if `password` is theirs, unless the throttle
    /// refuses the attempt first (then the password is not compared).
    fn log_in(
        &self,
        username: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<Option<&'static User>, Throttled> {
        self.throttle.check(username, address)?;
        let user = USERS
            .iter()
            .find(|u| u.username == username && u.password == password);
        match user {
            Some(_) => self.throttle.succeeded(username, address),
            None => self.throttle.failed(username, address),
        }
        Ok(user)
    }

    fn by_subject(subject: &str) -> Option<&'static User> {
        USERS.iter().find(|u| u.subject == subject)
    }

    /// The values of the requested claims the store has for `subject`;
    /// names with a language tag (`name#ja`) are not kept, so left out.
    fn claims(subject: &str, requested: &[String]) -> Map<String, Value> {
        let Some(user) = DemoUsers::by_subject(subject) else {
            return Map::new();
        };
        requested
            .iter()
            .filter_map(|claim| {
                let value = match claim.as_str() {
                    "name" => json!(format!("{} {}", user.given_name, user.family_name)),
                    "given_name" => json!(user.given_name),
                    "family_name" => json!(user.family_name),
                    "preferred_username" => json!(user.username),
                    "email" => json!(user.email),
                    // The demo's addresses are known to be the users'.
                    "email_verified" => json!(true),
                    _ => return None,
                };
                Some((claim.clone(), value))
            })
            .collect()
    }
}

impl TokenEndpointDelegate for DemoUsers {
    // The resource owner password grant, for clients Authlete allows it.
    async fn authenticate_user(&self, username: &str, password: &str) -> UserCheck {
        match self.log_in(username, password, None) {
            Ok(Some(user)) => UserCheck::Authenticated {
                subject: user.subject.to_owned(),
            },
            Ok(None) | Err(_) => {
                UserCheck::Rejected(TokenFailReason::InvalidResourceOwnerCredentials)
            }
        }
    }
}

impl UserInfoDelegate for DemoUsers {
    async fn claims(&self, subject: &str, claims: &[String]) -> Map<String, Value> {
        DemoUsers::claims(subject, claims)
    }
}

/// The resource servers that may introspect tokens: one, with a secret.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoResourceServers;

impl ResourceServers for DemoResourceServers {
    async fn authenticate(&self, caller: CallerCredentials) -> Option<ResourceServer> {
        let known = caller.id() == RESOURCE_SERVER_ID && caller.secret() == RESOURCE_SERVER_SECRET;
        known.then(ResourceServer::new)
    }
}

// ---------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------

/// The browser sessions, as the authorization endpoint asks them for
/// `prompt=none`. [`BrowserSessions`] bounds them and ties each consent
/// form to the request it shows.
#[derive(Debug, Clone)]
pub struct Sessions(BrowserSessions);

impl AuthorizationDelegate for Sessions {
    // Asked for `prompt=none`, where the endpoint must decide without a page.
    async fn current_session(
        &self,
        request: &http::request::Parts,
        interaction: &Interaction,
    ) -> Option<Authenticated> {
        let user = self.0.user(&request.headers)?;
        Some(authenticated(&user, interaction))
    }
}

/// The user as the authorization endpoint vouches for them, with the claims
/// the client asked to find in the ID token.
fn authenticated(user: &LoggedIn, interaction: &Interaction) -> Authenticated {
    Authenticated {
        subject: user.subject.clone(),
        auth_time: Some(user.at),
        claims: DemoUsers::claims(&user.subject, interaction.claims()),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------
// The application
// ---------------------------------------------------------------------------

/// Every endpoint, each calling Authlete through the same client.
#[derive(Debug)]
struct Provider {
    authorization: AuthorizationEndpoint<Sessions>,
    token: TokenEndpoint<DemoUsers>,
    par: ParEndpoint,
    device: DeviceAuthorizationEndpoint,
    device_pages: device::DevicePages,
    backchannel: BackchannelEndpoint<ciba::DemoBackchannel>,
    ciba_pages: ciba::CibaPages,
    registration: RegistrationEndpoint<OpenRegistration>,
    grants: GrantManagementEndpoint,
    federation: FederationEndpoint,
    credentials: CredentialIssuerEndpoint<credentials::DemoCredentials>,
    userinfo: UserInfoEndpoint<DemoUsers>,
    introspection: IntrospectionEndpoint<DemoResourceServers>,
    revocation: RevocationEndpoint,
    discovery: DiscoveryEndpoint,
    jwks: JwksEndpoint,
    users: DemoUsers,
}

impl Provider {
    /// The endpoints of the provider public at `issuer` (scheme, host,
    /// port). Their public URLs are what DPoP proofs name.
    fn new(client: &Client, issuer: &str) -> Self {
        // The cookie is `Secure` unless the provider itself is plain HTTP
        // (a development server on loopback), where browsers would drop it.
        let sessions = BrowserSessions::default().secure_cookie(issuer.starts_with("https:"));
        let users = DemoUsers::default();
        let backchannel = ciba::DemoBackchannel::default();
        Provider {
            authorization: AuthorizationEndpoint::new(client.clone(), Sessions(sessions)),
            token: TokenEndpoint::new(client.clone(), users.clone())
                .token_endpoint_url(format!("{issuer}/token")),
            par: ParEndpoint::new(client.clone()).endpoint_url(format!("{issuer}/par")),
            device: DeviceAuthorizationEndpoint::new(client.clone()),
            device_pages: device::DevicePages::new(client),
            backchannel: BackchannelEndpoint::new(client.clone(), backchannel.clone()),
            ciba_pages: ciba::CibaPages::new(&backchannel),
            // Open registration suits a demo; a deployment decides who may
            // register through its own `RegistrationPolicy`.
            registration: RegistrationEndpoint::new(client.clone(), OpenRegistration),
            credentials: CredentialIssuerEndpoint::new(
                client.clone(),
                credentials::DemoCredentials,
            ),
            federation: FederationEndpoint::new(client.clone()),
            grants: GrantManagementEndpoint::new(client.clone())
                .endpoint_url(format!("{issuer}/grants")),
            userinfo: UserInfoEndpoint::new(client.clone(), users.clone())
                .endpoint_url(format!("{issuer}/userinfo")),
            introspection: IntrospectionEndpoint::new(client.clone(), DemoResourceServers),
            revocation: RevocationEndpoint::new(client.clone()),
            discovery: DiscoveryEndpoint::new(client.clone()),
            jwks: JwksEndpoint::new(client.clone()),
            users,
        }
    }

    fn sessions(&self) -> &BrowserSessions {
        &self.authorization.delegate().0
    }
}

type Shared = State<Arc<Provider>>;

/// The whole provider as an axum app, public at `issuer`
/// (`http://127.0.0.1:3000`), calling Authlete through `client`.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so
/// that failed logins are also counted per client address.
pub fn app(client: Client, issuer: &str) -> Router {
    let issuer = issuer.trim_end_matches('/');
    // The API runs only for requests with a valid access token; the guard
    // answers the others with 401 and a `WWW-Authenticate` challenge.
    let api = Router::new().route("/api/me", get(me)).route_layer(
        ResourceGuard::new(client.clone())
            .public_url(issuer)
            .layer(),
    );
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize).post(authorize))
        .route("/login", post(login).get(form_only))
        .route("/consent", post(consent).get(form_only))
        .route("/token", post(token))
        .route("/introspect", post(introspect))
        .route("/revoke", post(revoke))
        .route("/userinfo", get(userinfo).post(userinfo))
        .route("/par", post(par))
        .route("/device_authorization", post(device_authorization))
        .route("/device", get(device_page).post(device_sign_in))
        .route("/device/decide", post(device_decide).get(form_only))
        .route("/backchannel/authentication", post(backchannel))
        .route("/ciba", get(ciba_page).post(ciba_sign_in))
        .route("/ciba/decide", post(ciba_decide).get(form_only))
        .route("/grants/{grant_id}", get(grant).delete(grant))
        .route("/.well-known/openid-federation", get(entity_configuration))
        .route("/federation/register", post(federation_register))
        .route(
            "/.well-known/openid-credential-issuer",
            get(credential_issuer_metadata),
        )
        .route("/.well-known/jwt-vc-issuer", get(jwt_vc_issuer_metadata))
        .route("/vci/jwks", get(credential_issuer_jwks))
        .route("/credential", post(credential))
        .route("/batch_credential", post(batch_credential))
        .route("/deferred_credential", post(deferred_credential))
        .route("/credential-offer/{offer}", get(credential_offer))
        .route("/register", post(register))
        .route(
            "/register/{client_id}",
            get(manage_registration)
                .put(manage_registration)
                .delete(manage_registration),
        )
        .route(DEMO_REDIRECT_PATH, get(callback))
        .with_state(Arc::new(Provider::new(&client, issuer)))
        .merge(api)
        // Every HTML page, whoever wrote it: no framing, no sniffing, no
        // caching, no Referer. JSON passes through untouched.
        .layer(SecurePagesLayer)
}

/// The request with its body read, for the endpoints that take
/// `http::Request<impl AsRef<[u8]>>`.
async fn buffered(request: Request) -> Result<http::Request<Bytes>, Response> {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => Ok(http::Request::from_parts(parts, bytes)),
        Err(_) => Err((StatusCode::PAYLOAD_TOO_LARGE, "request too large").into_response()),
    }
}

// The endpoints Authlete answers alone: read the body, hand the request
// over, send back what comes out.

async fn token(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider.token.handle(request).await.into_response(),
        Err(refusal) => refusal,
    }
}

async fn par(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider.par.handle(request).await.into_response(),
        Err(refusal) => refusal,
    }
}

async fn device_authorization(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider.device.handle(request).await.into_response(),
        Err(refusal) => refusal,
    }
}

/// The device verification page; see [`device`].
async fn device_page(State(provider): Shared, Query(query): Query<device::CodeQuery>) -> Response {
    provider.device_pages.show(query)
}

async fn device_sign_in(
    State(provider): Shared,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<device::CodeForm>,
) -> Response {
    provider
        .device_pages
        .sign_in(&provider.users, peer(connection), form)
        .await
}

async fn device_decide(State(provider): Shared, Form(form): Form<DecisionForm>) -> Response {
    provider.device_pages.decide(form).await
}

async fn backchannel(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider.backchannel.handle(request).await.into_response(),
        Err(refusal) => refusal,
    }
}

/// The demo's authentication device for CIBA; see [`ciba`].
async fn ciba_page(State(provider): Shared) -> Response {
    provider.ciba_pages.show()
}

async fn ciba_sign_in(
    State(provider): Shared,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<ciba::SignInForm>,
) -> Response {
    provider
        .ciba_pages
        .sign_in(&provider.users, peer(connection), form)
}

async fn ciba_decide(State(provider): Shared, Form(form): Form<DecisionForm>) -> Response {
    provider
        .ciba_pages
        .decide(&provider.backchannel, form)
        .await
}

/// The client's address, when the server was started with it, for the
/// throttles.
fn peer(connection: Option<Extension<ConnectInfo<SocketAddr>>>) -> Option<IpAddr> {
    connection.map(|Extension(ConnectInfo(address))| address.ip())
}

async fn grant(
    State(provider): Shared,
    Path(grant_id): Path<String>,
    request: Request,
) -> Response {
    match buffered(request).await {
        Ok(request) => provider
            .grants
            .handle(request, &grant_id)
            .await
            .into_response(),
        Err(refusal) => refusal,
    }
}

async fn entity_configuration(State(provider): Shared, request: Request) -> Response {
    provider
        .federation
        .entity_configuration(request)
        .await
        .into_response()
}

async fn federation_register(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider.federation.register(request).await.into_response(),
        Err(refusal) => refusal,
    }
}

async fn credential_issuer_metadata(State(provider): Shared, request: Request) -> Response {
    provider.credentials.metadata(request).await.into_response()
}

async fn jwt_vc_issuer_metadata(State(provider): Shared, request: Request) -> Response {
    provider
        .credentials
        .jwt_issuer_metadata(request)
        .await
        .into_response()
}

async fn credential_issuer_jwks(State(provider): Shared, request: Request) -> Response {
    provider.credentials.jwks(request).await.into_response()
}

async fn credential(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider
            .credentials
            .credential(request)
            .await
            .into_response(),
        Err(refusal) => refusal,
    }
}

async fn batch_credential(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider
            .credentials
            .batch_credential(request)
            .await
            .into_response(),
        Err(refusal) => refusal,
    }
}

async fn deferred_credential(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider
            .credentials
            .deferred_credential(request)
            .await
            .into_response(),
        Err(refusal) => refusal,
    }
}

/// A credential offer by reference: what a wallet finds at the
/// `credential_offer_uri` it scanned.
async fn credential_offer(
    State(provider): Shared,
    Path(offer): Path<String>,
    request: Request,
) -> Response {
    provider
        .credentials
        .offer(request, &offer)
        .await
        .into_response()
}

async fn register(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider
            .registration
            .register(request)
            .await
            .into_response(),
        Err(refusal) => refusal,
    }
}

async fn manage_registration(
    State(provider): Shared,
    Path(client_id): Path<String>,
    request: Request,
) -> Response {
    match buffered(request).await {
        Ok(request) => provider
            .registration
            .manage(request, &client_id)
            .await
            .into_response(),
        Err(refusal) => refusal,
    }
}

async fn userinfo(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider.userinfo.handle(request).await.into_response(),
        Err(refusal) => refusal,
    }
}

async fn introspect(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider.introspection.handle(request).await.into_response(),
        Err(refusal) => refusal,
    }
}

async fn revoke(State(provider): Shared, request: Request) -> Response {
    match buffered(request).await {
        Ok(request) => provider.revocation.handle(request).await.into_response(),
        Err(refusal) => refusal,
    }
}

// The public documents read nothing but the method.

async fn discovery(State(provider): Shared, request: Request) -> Response {
    provider.discovery.handle(request).await.into_response()
}

async fn jwks(State(provider): Shared, request: Request) -> Response {
    provider.jwks.handle(request).await.into_response()
}

/// The protected API: who the token speaks for. `sub` is `null` for a
/// client credentials token, which acts for no user.
async fn me(Extension(token): Extension<ValidatedToken>) -> Json<Value> {
    Json(json!({ "sub": token.subject(), "scope": token.scopes().join(" ") }))
}

// ---------------------------------------------------------------------------
// Authorization: request, login, consent
// ---------------------------------------------------------------------------

/// The authorization endpoint. Authlete validates the request; when the
/// user must act, the interaction is parked in the browser's session under
/// its own identifier and the login page (or, for a user already logged
/// in, the consent page) is shown with that identifier in its form.
async fn authorize(State(provider): Shared, request: Request) -> Response {
    let request = match buffered(request).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let headers = request.headers().clone();
    let interaction = match provider.authorization.handle(request).await {
        AuthorizationOutcome::Respond(response) => return response.into_response(),
        AuthorizationOutcome::Interact(interaction) => interaction,
    };
    let sessions = provider.sessions();
    let user = sessions
        .user(&headers)
        .filter(|user| !must_log_in_again(&interaction, user));
    let view = View::of(&interaction);
    let Some(parked) = sessions.park(&headers, interaction, user.is_none()) else {
        return sorry();
    };
    let page = match &user {
        Some(user) => consent_page(&view, &parked.interaction, user),
        None => login_page(&view, &parked.interaction, None),
    };
    with_cookie(page, parked.set_cookie)
}

/// Whether the client demands a fresh login: `prompt=login`, a login older
/// than `max_age`, or another user than the one logged in.
fn must_log_in_again(interaction: &Interaction, user: &LoggedIn) -> bool {
    let forced = interaction.prompts().contains(&Prompt::Login);
    let too_old = interaction
        .max_age()
        .is_some_and(|max_age| user.at + max_age <= SystemTime::now());
    let someone_else = interaction.subject().is_some_and(|s| s != user.subject);
    forced || too_old || someone_else
}

/// The login form's fields: the request it belongs to, and the credentials.
#[derive(Deserialize)]
struct LoginForm {
    interaction: String,
    username: String,
    password: String,
}

/// The login form was posted: check the password (unless the throttle
/// refuses the attempt), then ask for consent.
async fn login(
    State(provider): Shared,
    headers: HeaderMap,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let sessions = provider.sessions();
    let Some(view) = sessions.with_interaction(&headers, &form.interaction, |i, _| View::of(i))
    else {
        return no_request_in_progress();
    };
    let user = match provider
        .users
        .log_in(&form.username, &form.password, peer(connection))
    {
        Ok(user) => user,
        Err(throttled) => return throttled.page().into_response(),
    };
    // A client that names the user it expects (`id_token_hint`) gets no other.
    let Some(user) = user.filter(|u| view.subject.as_deref().is_none_or(|s| s == u.subject)) else {
        let retry = login_page(
            &view,
            &form.interaction,
            Some("Wrong username or password."),
        );
        return retry.into_response();
    };
    let logged_in = LoggedIn {
        subject: user.subject.to_owned(),
        at: SystemTime::now(),
    };
    let Some(cookie) = sessions.log_in(&headers, &form.interaction, logged_in.clone()) else {
        return no_request_in_progress();
    };
    tracing::info!(subject = %user.subject, "user logged in");
    with_cookie(
        consent_page(&view, &form.interaction, &logged_in),
        Some(cookie),
    )
}

/// The consent form's fields: the request it shows, and which button was
/// pressed.
#[derive(Deserialize)]
struct ConsentForm {
    interaction: String,
    decision: String,
}

/// The user decided on the request the page showed: spend that
/// interaction, and only that one, on `issue` or `fail(DENIED)`, and send
/// the browser back to the client with the answer.
async fn consent(
    State(provider): Shared,
    headers: HeaderMap,
    Form(form): Form<ConsentForm>,
) -> Response {
    // Taken out of the session: a second post of the form finds nothing,
    // and a post naming a request this session does not hold finds nothing.
    let Some((interaction, user)) = provider.sessions().take(&headers, &form.interaction) else {
        return no_request_in_progress();
    };
    let approved = form.decision == "approve";
    tracing::info!(subject = %user.subject, approved, "consent given");
    let response = if approved {
        let user = authenticated(&user, &interaction);
        interaction.issue(user).await
    } else {
        interaction.fail(AuthorizationFailReason::Denied).await
    };
    response.into_response()
}

/// The fields of the Allow/Deny forms of the device and CIBA pages: the
/// page they answer (its [`PendingForms`](authlete::browser::PendingForms)
/// identifier), and the button pressed.
#[derive(Deserialize)]
pub(crate) struct DecisionForm {
    form: String,
    decision: String,
}

impl DecisionForm {
    /// Whether Allow was pressed.
    fn approved(&self) -> bool {
        self.decision == "approve"
    }
}

/// `GET /login` or `GET /consent`: a reload, or a bookmark. The forms are
/// only ever posted; say so in words.
async fn form_only() -> Response {
    let body = "<p>This page only answers the sign-in and consent forms. \
                To sign in, start again from the application.</p>";
    let mut response = page(StatusCode::METHOD_NOT_ALLOWED, "Nothing to show here", body);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response.into_response()
}

/// The demo client's landing page: what came back from the provider, and
/// how the client would exchange the code.
async fn callback(Query(answer): Query<HashMap<String, String>>) -> Response {
    let shown = |key: &str| escape_html(answer.get(key).map_or("", String::as_str));
    let body = match answer.get("code") {
        Some(_) => format!(
            "<p>The provider sent the code <code>{code}</code> (state <code>{state}</code>).</p>\
             <p>The client exchanges it within ten minutes:</p>\
             <pre>curl -s -u {DEMO_CLIENT_ID}:SECRET -d grant_type=authorization_code \
             -d code={code} -d redirect_uri=REDIRECT_URI ISSUER/token</pre>",
            code = shown("code"),
            state = shown("state"),
        ),
        None => format!(
            "<p>The provider answered <code>{}</code>: {}</p>",
            shown("error"),
            shown("error_description"),
        ),
    };
    page(StatusCode::OK, "Back at the client", &body).into_response()
}

// ---------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------

/// What the login and consent pages show of an authorization request,
/// copied out so the page can be drawn after the request is parked.
struct View {
    client: String,
    login_hint: String,
    subject: Option<String>,
    /// Each scope with a sentence saying what it gives.
    scopes: Vec<(String, String)>,
}

impl View {
    fn of(interaction: &Interaction) -> View {
        let scopes = interaction
            .scopes()
            .iter()
            .filter_map(|scope| {
                let name = scope.name.as_deref()?;
                Some(scope_line(name, scope.description.as_deref()))
            })
            .collect();
        View {
            client: interaction
                .client_name()
                .unwrap_or("An application")
                .to_owned(),
            login_hint: interaction.login_hint().unwrap_or_default().to_owned(),
            subject: interaction.subject().map(str::to_owned),
            scopes,
        }
    }
}

/// A scope with the sentence that says what it gives: the service's own
/// description first, then the standard one.
fn scope_line(name: &str, description: Option<&str>) -> (String, String) {
    let sentence = description
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .or_else(|| describe_scope(name).map(str::to_owned))
        .unwrap_or_else(|| format!("Use the permission \u{201c}{name}\u{201d}."));
    (name.to_owned(), sentence)
}

/// The scopes as the list a consent page shows.
fn scope_list(scopes: &[(String, String)]) -> String {
    let items: String = scopes
        .iter()
        .map(|(name, sentence)| {
            format!(
                "<li><strong>{}</strong>: {}</li>",
                escape_html(name),
                escape_html(sentence)
            )
        })
        .collect();
    format!("<ul>{items}</ul>")
}

/// The user `subject` as a page names them: their name, not the
/// identifier tokens carry.
fn display_name(subject: &str) -> String {
    DemoUsers::by_subject(subject).map_or_else(
        || subject.to_owned(),
        |u| format!("{} {} ({})", u.given_name, u.family_name, u.username),
    )
}

/// The login page, with an error after a failed attempt. The hidden
/// `interaction` field names the request the login is for.
fn login_page(view: &View, interaction: &str, error: Option<&str>) -> http::Response<String> {
    let body = format!(
        "<p>{client} asks you to sign in.</p>{error}\
         <form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"interaction\" value=\"{interaction}\">\
         {credentials}\
         <p><button type=\"submit\">Sign in</button></p>\
         </form>",
        client = escape_html(&view.client),
        error = error_line(error),
        interaction = escape_html(interaction),
        // A client naming the user it expects presets the field.
        credentials = credential_fields(&view.login_hint),
    );
    page(StatusCode::OK, "Sign in", &body)
}

/// What went wrong with the last post, in bold; nothing without an error.
fn error_line(error: Option<&str>) -> String {
    error.map_or(String::new(), |e| {
        format!("<p><strong>{}</strong></p>", escape_html(e))
    })
}

/// The username and password fields of a sign-in form, the username
/// preset to `hint`.
fn credential_fields(hint: &str) -> String {
    format!(
        "<p><label>Username <input name=\"username\" value=\"{}\" autocomplete=\"username\"></label></p>\
         <p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label></p>",
        escape_html(hint)
    )
}

/// A form with an Allow and a Deny button (`decision` = `approve` or
/// `deny`), posted to `action` with the hidden `field` naming what the
/// page showed: the form acts on that and nothing else.
fn decision_form(action: &str, field: &str, id: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"{field}\" value=\"{id}\">\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Allow</button> \
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
         </form>",
        id = escape_html(id),
    )
}

/// The consent page: who is signed in, who asks, what each scope gives,
/// and two buttons bound to this one request.
fn consent_page(view: &View, interaction: &str, user: &LoggedIn) -> http::Response<String> {
    let body = format!(
        "<p>You are signed in as {who}.</p>\
         <p><strong>{client}</strong> would like to:</p>{scopes}\
         {form}",
        who = escape_html(&display_name(&user.subject)),
        client = escape_html(&view.client),
        scopes = scope_list(&view.scopes),
        form = decision_form("/consent", "interaction", interaction),
    );
    page(StatusCode::OK, "Allow access?", &body)
}

/// The answer to a login or consent post that names no authorization
/// request of this browser's session (expired, already answered, or
/// forged).
fn no_request_in_progress() -> Response {
    let body = "<p>There is no sign-in in progress here: it was finished, it expired, or \
                it was started in another browser. Start again from the application.</p>";
    page(StatusCode::BAD_REQUEST, "Nothing to do", body).into_response()
}

/// The operating system's random generator failed: nothing can be safe.
fn sorry() -> Response {
    let body = "<p>Something went wrong on our side. Please try again later.</p>";
    page(StatusCode::INTERNAL_SERVER_ERROR, "Sorry", body).into_response()
}

/// `page` with the session cookie, when the session is new or renewed.
fn with_cookie(page: http::Response<String>, cookie: Option<HeaderValue>) -> Response {
    let mut response = page.into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

// ---------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------

/// Starts the stand-in for Authlete, announcing `issuer`, with the demo
/// client registered: confidential, redirecting to `issuer` +
/// [`DEMO_REDIRECT_PATH`].
pub async fn start_stand_in(issuer: &str) -> std::io::Result<MockAuthlete> {
    let mock = MockAuthlete::start().await?;
    mock.set_issuer(issuer);
    mock.register(
        MockClient::new(DEMO_CLIENT_ID)
            .secret(DEMO_CLIENT_SECRET)
            .name("Demo App")
            .redirect_uri(format!("{issuer}{DEMO_REDIRECT_PATH}")),
    );
    Ok(mock)
}

#[allow(dead_code)] // the tests include this file for `app` and `start_stand_in` only
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `RUST_LOG` picks what is logged (`RUST_LOG=authlete=debug`); info
    // by default.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let issuer = format!("http://127.0.0.1:{port}");

    // Kept alive until the server stops: dropping it stops the stand-in.
    let mut stand_in = None;
    let client = if std::env::var_os(authlete::ENV_SERVICE_ID).is_some() {
        println!("Using Authlete as configured by the AUTHLETE_* environment variables.");
        Client::from_env()?
    } else {
        let mock = start_stand_in(&issuer).await?;
        // The stand-in records every request for tests to inspect; nobody
        // reads them here, so keep the last few only.
        mock.record_at_most(100);
        println!(
            "AUTHLETE_* not set: a stand-in for Authlete runs at {}.",
            mock.uri()
        );
        println!("Its client: id {DEMO_CLIENT_ID}, secret {DEMO_CLIENT_SECRET}");
        println!("            redirect URI {issuer}{DEMO_REDIRECT_PATH}");
        let client = mock.client()?;
        stand_in = Some(mock);
        client
    };

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("OpenID provider on {issuer}; users: alice / wonderland. Try:");
    println!("  curl -s {issuer}/.well-known/openid-configuration");
    println!(
        "  open {issuer}/authorize?response_type=code&client_id={DEMO_CLIENT_ID}&scope=openid%20email&state=xyz"
    );
    println!("  a device's code is typed at {issuer}/device; alice's CIBA device is {issuer}/ciba");
    // With the peer's address, for the login throttle.
    let app = app(client, &issuer).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).await?;
    drop(stand_in);
    Ok(())
}
