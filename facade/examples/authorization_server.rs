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
//! `wonderland`), the login sessions, the login and consent pages, and
//! which resource servers may introspect tokens. The pages are plain HTML
//! forms, without JavaScript.
//!
//! The tests (`tests/e2e_oauth2.rs`) include this file for [`app`] and
//! [`start_stand_in`], and drive it with the `oauth2` crate as the client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use authlete::endpoint::authorization::{
    Authenticated, AuthorizationDelegate, AuthorizationEndpoint, AuthorizationOutcome, Interaction,
};
use authlete::endpoint::discovery::DiscoveryEndpoint;
use authlete::endpoint::introspection::{
    CallerCredentials, IntrospectionEndpoint, ResourceServer, ResourceServers,
};
use authlete::endpoint::jwks::JwksEndpoint;
use authlete::endpoint::par::ParEndpoint;
use authlete::endpoint::revocation::RevocationEndpoint;
use authlete::endpoint::token::{TokenEndpoint, TokenEndpointDelegate, UserCheck};
use authlete::endpoint::userinfo::{UserInfoDelegate, UserInfoEndpoint};
use authlete::resource::{ResourceGuard, ValidatedToken};
use authlete::testing::{MockAuthlete, MockClient};
use authlete::{AuthorizationFailReason, Client, Prompt, TokenFailReason};
use axum::body::Bytes;
use axum::extract::{Form, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
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
/// The cookie holding a browser's session identifier.
pub const SESSION_COOKIE: &str = "sid";
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
    name: &'static str,
    email: &'static str,
}

/// The whole user store. A real one compares slow password hashes, not
/// plain text.
const USERS: &[User] = &[User {
    username: "alice",
    password: "wonderland",
    subject: "user-alice-1001",
    name: "Alice Liddell",
    email: "alice@example.com",
}];

/// The user store, as the token and UserInfo endpoints ask it.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoUsers;

impl DemoUsers {
    fn find(username: &str, password: &str) -> Option<&'static User> {
        USERS
            .iter()
            .find(|u| u.username == username && u.password == password)
    }

    /// The values of the requested claims the store has for `subject`;
    /// names with a language tag (`name#ja`) are not kept, so left out.
    fn claims(subject: &str, requested: &[String]) -> Map<String, Value> {
        let Some(user) = USERS.iter().find(|u| u.subject == subject) else {
            return Map::new();
        };
        requested
            .iter()
            .filter_map(|claim| match claim.as_str() {
                "name" => Some((claim.clone(), json!(user.name))),
                "email" => Some((claim.clone(), json!(user.email))),
                _ => None,
            })
            .collect()
    }
}

impl TokenEndpointDelegate for DemoUsers {
    // The resource owner password grant, for clients Authlete allows it.
    async fn authenticate_user(&self, username: &str, password: &str) -> UserCheck {
        match DemoUsers::find(username, password) {
            Some(user) => UserCheck::Authenticated {
                subject: user.subject.to_owned(),
            },
            None => UserCheck::Rejected(TokenFailReason::InvalidResourceOwnerCredentials),
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

/// Who logged in on a browser, and when (for `max_age`).
#[derive(Debug, Clone)]
struct LoggedIn {
    subject: String,
    at: SystemTime,
}

/// One browser's state on the server.
#[derive(Debug, Default)]
struct Session {
    user: Option<LoggedIn>,
    /// The authorization request waiting for this browser's login or
    /// consent. It holds Authlete's ticket, so it stays on the server: the
    /// browser only ever sees the session identifier.
    pending: Option<Interaction>,
}

/// The login sessions, by the random identifier in the browser's cookie.
///
/// In memory and never expired: enough for a demonstration. A real server
/// keeps them in a store that expires them (and can
/// [`save`](Interaction::save) the pending interaction there).
#[derive(Clone, Default)]
pub struct Sessions(Arc<Mutex<HashMap<String, Session>>>);

impl std::fmt::Debug for Sessions {
    // The identifiers are bearer credentials for the sessions: count them only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("count", &self.lock().len())
            .finish()
    }
}

impl Sessions {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The user logged in under the session `id`, if any.
    fn user(&self, id: &str) -> Option<LoggedIn> {
        self.lock().get(id).and_then(|s| s.user.clone())
    }

    /// Keeps `interaction` in the session `id` (a new session when `id` is
    /// missing or unknown) and returns the session's identifier. With
    /// `log_out`, the user must log in again before consenting.
    fn park(&self, id: Option<&str>, interaction: Interaction, log_out: bool) -> String {
        let mut sessions = self.lock();
        let id = match id {
            Some(id) if sessions.contains_key(id) => id.to_owned(),
            _ => new_session_id(),
        };
        let session = sessions.entry(id.clone()).or_default();
        session.pending = Some(interaction);
        if log_out {
            session.user = None;
        }
        id
    }

    /// Runs `f` on the session `id`; `None` when there is no such session.
    fn with<R>(&self, id: &str, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        self.lock().get_mut(id).map(f)
    }

    /// Moves the session `id` to a fresh identifier and returns it. Done at
    /// login, so that an identifier planted in the browser before the
    /// login (session fixation) is worth nothing after it.
    fn renew(&self, id: &str) -> Option<String> {
        let mut sessions = self.lock();
        let session = sessions.remove(id)?;
        let fresh = new_session_id();
        sessions.insert(fresh.clone(), session);
        Some(fresh)
    }
}

impl AuthorizationDelegate for Sessions {
    // Asked for `prompt=none`, where the endpoint must decide without a page.
    async fn current_session(
        &self,
        request: &http::request::Parts,
        interaction: &Interaction,
    ) -> Option<Authenticated> {
        let user = self.user(session_id(&request.headers)?)?;
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

/// 256 bits from the operating system's generator: a session identifier is
/// as good as a password while the session lives.
fn new_session_id() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    // Without an entropy source nothing here can be secure: stop.
    getrandom::fill(&mut bytes).expect("the operating system's random generator");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The session identifier the browser sent, if any.
fn session_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .find_map(|cookie| {
            cookie
                .trim()
                .strip_prefix(SESSION_COOKIE)?
                .strip_prefix('=')
        })
}

/// `Set-Cookie` for a session identifier. `HttpOnly`: no script reads it.
/// `SameSite=Lax`: it rides the client's top-level redirect to
/// `/authorize` (so `prompt=none` sees the session) but not another site's
/// POST, which keeps other sites from submitting the login and consent
/// forms for the user. Over HTTPS, add `Secure`.
fn session_cookie(id: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax"
    ))
    .expect("base64url is a valid header value")
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
    userinfo: UserInfoEndpoint<DemoUsers>,
    introspection: IntrospectionEndpoint<DemoResourceServers>,
    revocation: RevocationEndpoint,
    discovery: DiscoveryEndpoint,
    jwks: JwksEndpoint,
}

impl Provider {
    /// The endpoints of the provider public at `issuer` (scheme, host,
    /// port). Their public URLs are what DPoP proofs name.
    fn new(client: &Client, issuer: &str) -> Self {
        Provider {
            authorization: AuthorizationEndpoint::new(client.clone(), Sessions::default()),
            token: TokenEndpoint::new(client.clone(), DemoUsers)
                .token_endpoint_url(format!("{issuer}/token")),
            par: ParEndpoint::new(client.clone()).endpoint_url(format!("{issuer}/par")),
            userinfo: UserInfoEndpoint::new(client.clone(), DemoUsers)
                .endpoint_url(format!("{issuer}/userinfo")),
            introspection: IntrospectionEndpoint::new(client.clone(), DemoResourceServers),
            revocation: RevocationEndpoint::new(client.clone()),
            discovery: DiscoveryEndpoint::new(client.clone()),
            jwks: JwksEndpoint::new(client.clone()),
        }
    }

    fn sessions(&self) -> &Sessions {
        self.authorization.delegate()
    }
}

type Shared = State<Arc<Provider>>;

/// The whole provider as an axum app, public at `issuer`
/// (`http://127.0.0.1:3000`), calling Authlete through `client`.
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
        .route("/login", post(login))
        .route("/consent", post(consent))
        .route("/token", post(token))
        .route("/introspect", post(introspect))
        .route("/revoke", post(revoke))
        .route("/userinfo", get(userinfo).post(userinfo))
        .route("/par", post(par))
        .route(DEMO_REDIRECT_PATH, get(callback))
        .with_state(Arc::new(Provider::new(&client, issuer)))
        .merge(api)
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
/// user must act, the interaction is parked in the browser's session and
/// the login page (or, for a user already logged in, the consent page) is
/// shown.
async fn authorize(State(provider): Shared, request: Request) -> Response {
    let request = match buffered(request).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let sid = session_id(request.headers()).map(str::to_owned);
    let interaction = match provider.authorization.handle(request).await {
        AuthorizationOutcome::Respond(response) => return response.into_response(),
        AuthorizationOutcome::Interact(interaction) => interaction,
    };
    let sessions = provider.sessions();
    let user = sid
        .as_deref()
        .and_then(|id| sessions.user(id))
        .filter(|user| !must_log_in_again(&interaction, user));
    let page = match &user {
        Some(user) => consent_page(&interaction, user),
        None => login_page(&interaction, None),
    };
    let id = sessions.park(sid.as_deref(), interaction, user.is_none());
    with_session_cookie(page, sid.as_deref(), &id)
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

/// The login form's fields.
#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

/// The login form was posted: check the password, then ask for consent.
async fn login(
    State(provider): Shared,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let sessions = provider.sessions();
    let Some(sid) = session_id(&headers) else {
        return no_request_in_progress();
    };
    let user = DemoUsers::find(&form.username, &form.password);
    match sessions
        .with(sid, |session| log_in(session, user))
        .flatten()
    {
        None => no_request_in_progress(),
        Some(LoginOutcome::Retry(page)) => page.into_response(),
        Some(LoginOutcome::Consent { page, subject }) => {
            tracing::info!(%subject, "user logged in");
            match sessions.renew(sid) {
                Some(fresh) => with_session_cookie(page, None, &fresh),
                None => no_request_in_progress(),
            }
        }
    }
}

/// Where a login attempt leads.
enum LoginOutcome {
    /// On to the consent page, with `subject` logged in.
    Consent {
        page: Html<String>,
        subject: &'static str,
    },
    /// Back to the login page, with an error.
    Retry(Html<String>),
}

/// Logs `user` (`None`: the password was wrong) in on `session`. `None`
/// when no authorization request waits in the session.
fn log_in(session: &mut Session, user: Option<&'static User>) -> Option<LoginOutcome> {
    let interaction = session.pending.as_ref()?;
    // A client that names the user it expects (`id_token_hint`) gets no other.
    let user = user.filter(|u| interaction.subject().is_none_or(|s| s == u.subject));
    let Some(user) = user else {
        let retry = login_page(interaction, Some("Wrong username or password."));
        return Some(LoginOutcome::Retry(retry));
    };
    let logged_in = LoggedIn {
        subject: user.subject.to_owned(),
        at: SystemTime::now(),
    };
    let page = consent_page(interaction, &logged_in);
    session.user = Some(logged_in);
    Some(LoginOutcome::Consent {
        page,
        subject: user.subject,
    })
}

/// The consent form's field: which button was pressed.
#[derive(Deserialize)]
struct ConsentForm {
    decision: String,
}

/// The user decided: spend the interaction on `issue` or `fail(DENIED)`,
/// and send the browser back to the client with the answer.
async fn consent(
    State(provider): Shared,
    headers: HeaderMap,
    Form(form): Form<ConsentForm>,
) -> Response {
    // Taken out of the session: a second post of the form finds nothing.
    let taken = session_id(&headers).and_then(|sid| {
        provider
            .sessions()
            .with(sid, |session| {
                Some((session.pending.take()?, session.user.clone()?))
            })
            .flatten()
    });
    let Some((interaction, user)) = taken else {
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

/// The demo client's landing page: what came back from the provider, and
/// how the client would exchange the code.
async fn callback(Query(answer): Query<HashMap<String, String>>) -> Html<String> {
    let shown = |key: &str| escape(answer.get(key).map_or("", String::as_str));
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
    Html(page("Back at the client", &body))
}

// ---------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------

/// The login page, with an error after a failed attempt.
fn login_page(interaction: &Interaction, error: Option<&str>) -> Html<String> {
    let client = escape(interaction.client_name().unwrap_or("An application"));
    // A client naming the user it expects presets the field.
    let hint = escape(interaction.login_hint().unwrap_or_default());
    let error = error.map_or(String::new(), |e| {
        format!("<p><strong>{}</strong></p>", escape(e))
    });
    let body = format!(
        "<p>{client} asks you to sign in.</p>{error}\
         <form method=\"post\" action=\"/login\">\
         <p><label>Username <input name=\"username\" value=\"{hint}\" autocomplete=\"username\"></label></p>\
         <p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label></p>\
         <p><button type=\"submit\">Sign in</button></p>\
         </form>"
    );
    Html(page("Sign in", &body))
}

/// The consent page: who asks, for what, and two buttons.
fn consent_page(interaction: &Interaction, user: &LoggedIn) -> Html<String> {
    let client = escape(interaction.client_name().unwrap_or("An application"));
    let scopes: String = interaction
        .scopes()
        .iter()
        .filter_map(|scope| scope.name.as_deref())
        .map(|name| format!("<li>{}</li>", escape(name)))
        .collect();
    let body = format!(
        "<p>Signed in as {subject}.</p>\
         <p>{client} asks for:</p><ul>{scopes}</ul>\
         <form method=\"post\" action=\"/consent\">\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Allow</button> \
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
         </form>",
        subject = escape(&user.subject),
    );
    Html(page("Allow access?", &body))
}

/// The answer to a login or consent post without an authorization request
/// waiting in the browser's session (expired, already answered, or forged).
fn no_request_in_progress() -> Response {
    let body =
        "<p>There is no authorization request in progress. Start again from the application.</p>";
    (StatusCode::BAD_REQUEST, Html(page("Nothing to do", body))).into_response()
}

/// A page that holds a session's state: never cached, and with the cookie
/// when the session is new or renewed.
fn with_session_cookie(page: Html<String>, sent: Option<&str>, id: &str) -> Response {
    let mut response = page.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if sent != Some(id) {
        headers.insert(header::SET_COOKIE, session_cookie(id));
    }
    response
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    )
}

/// Text made safe for HTML: client names and hints come from outside.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
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
    tracing_subscriber::fmt().init();
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
    axum::serve(listener, app(client, &issuer)).await?;
    drop(stand_in);
    Ok(())
}
