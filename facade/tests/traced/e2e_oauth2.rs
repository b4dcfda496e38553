//! The `authorization_server` example, end to end, with the `oauth2` crate
//! as the OAuth client: someone else's reading of the specs, not ours.
//!
//! The pages are driven the way a browser drives them: the HTML form is
//! parsed for its action and fields, the session cookie is kept, and the
//! redirect back to the client is read, not followed. The provider runs
//! on 127.0.0.1 in front of the stand-in for Authlete, and the client finds
//! its endpoints in the discovery document.
//!
//! `oauth2`'s own HTTP client is reqwest 0.12; the workspace has reqwest
//! 0.13, so [`OAuthHttp`] adapts that one to `oauth2::AsyncHttpClient`
//! instead of compiling a second reqwest.
//!
//! Every test captures `tracing` output (see `tracing.rs` for why all of a
//! binary's tests must), and one runs every flow and checks that no token,
//! code, password, secret or ticket reached it.

#[path = "../../examples/authorization_server/main.rs"]
#[allow(dead_code)]
mod example;

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use authlete::operations::{authorization, ciba, tokens};
use authlete::testing::{MOCK_ACCESS_TOKEN, MockAuthlete};
use example::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_PATH, RESOURCE_SERVER_ID,
    RESOURCE_SERVER_SECRET,
};
use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AccessToken, AsyncHttpClient, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, IntrospectionUrl, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, RevocationUrl, Scope,
    StandardRevocableToken, TokenIntrospectionResponse, TokenResponse, TokenUrl,
};
use serde_json::{Value, json};
use url::Url;

use crate::common::jwt_claims;

/// The demo user, as typed into the login form.
const USERNAME: &str = "alice";
const PASSWORD: &str = "wonderland";
/// The subject the example's user store gives alice.
const ALICE: &str = "user-alice-1001";

// ---------------------------------------------------------------------------
// oauth2's HTTP client, made of the workspace's reqwest
// ---------------------------------------------------------------------------

/// `oauth2::AsyncHttpClient` for reqwest 0.13. It follows no redirect:
/// `oauth2` asks for that, so that a token request is never replayed
/// somewhere else.
///
/// It also stands in for a TLS terminator: `oauth2` sends a revocation
/// request only to an `https` URL (RFC 7009 §2 says clients must check),
/// and the provider under test listens on plain HTTP, so a request to
/// `https://` + `provider` goes to `http://` + `provider`. Nothing else
/// about the request changes.
struct OAuthHttp {
    http: reqwest::Client,
    /// The provider's `host:port`.
    provider: String,
}

impl OAuthHttp {
    /// The URL the request really goes to.
    fn behind_tls(&self, uri: &http::Uri) -> http::Uri {
        let via_tls = uri.scheme_str() == Some("https")
            && uri.authority().is_some_and(|a| a.as_str() == self.provider);
        if !via_tls {
            return uri.clone();
        }
        let mut parts = uri.clone().into_parts();
        parts.scheme = Some(http::uri::Scheme::HTTP);
        http::Uri::from_parts(parts).expect("the same URI with another scheme")
    }
}

impl<'c> AsyncHttpClient<'c> for OAuthHttp {
    type Error = reqwest::Error;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, reqwest::Error>> + Send + 'c>>;

    fn call(&'c self, mut request: HttpRequest) -> Self::Future {
        *request.uri_mut() = self.behind_tls(request.uri());
        Box::pin(async move {
            let response = self
                .http
                .execute(reqwest::Request::try_from(request)?)
                .await?;
            let mut answer = http::Response::builder().status(response.status());
            if let Some(headers) = answer.headers_mut() {
                headers.extend(response.headers().clone());
            }
            let body = response.bytes().await?.to_vec();
            Ok(answer
                .body(body)
                .expect("status and headers came from a response"))
        })
    }
}

/// A reqwest client that leaves redirects to the caller.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// The demo client: authorization, token and revocation endpoints.
type DemoClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointSet, EndpointSet>;
/// The resource server: the introspection endpoint only.
type ResourceServerClient =
    BasicClient<EndpointNotSet, EndpointNotSet, EndpointSet, EndpointNotSet, EndpointNotSet>;

// ---------------------------------------------------------------------------
// The provider under test
// ---------------------------------------------------------------------------

/// The example running on a random port, its stand-in for Authlete, the
/// two OAuth clients configured from its discovery document, and every
/// secret value the test saw go by.
struct Provider {
    issuer: String,
    authlete: MockAuthlete,
    metadata: Value,
    client: DemoClient,
    resource_server: ResourceServerClient,
    http: OAuthHttp,
    secrets: Mutex<Vec<String>>,
    traces: crate::traces::Traces,
    // Last: the capture ends after everything else is gone.
    _capture: tracing::subscriber::DefaultGuard,
}

async fn start() -> Provider {
    let (traces, capture) = crate::traces::capture_traces();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("addr").to_string();
    let issuer = format!("http://{address}");
    let authlete = example::start_stand_in(&issuer)
        .await
        .expect("the stand-in starts");
    // With the peer's address, as `main` serves it, for the login throttle.
    let app = example::app(authlete.client().expect("client"), &issuer)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let metadata: Value = reqwest::get(format!("{issuer}/.well-known/openid-configuration"))
        .await
        .expect("discovery answers")
        .json()
        .await
        .expect("JSON");
    let at = |field: &str| metadata[field].as_str().expect(field).to_owned();
    let client = BasicClient::new(ClientId::new(DEMO_CLIENT_ID.into()))
        .set_client_secret(ClientSecret::new(DEMO_CLIENT_SECRET.into()))
        .set_auth_uri(AuthUrl::new(at("authorization_endpoint")).expect("URL"))
        .set_token_uri(TokenUrl::new(at("token_endpoint")).expect("URL"))
        // Over TLS, as `oauth2` insists; see `OAuthHttp`.
        .set_revocation_url(
            RevocationUrl::new(at("revocation_endpoint").replacen("http:", "https:", 1))
                .expect("URL"),
        )
        .set_redirect_uri(RedirectUrl::new(format!("{issuer}{DEMO_REDIRECT_PATH}")).expect("URL"));
    let resource_server = BasicClient::new(ClientId::new(RESOURCE_SERVER_ID.into()))
        .set_client_secret(ClientSecret::new(RESOURCE_SERVER_SECRET.into()))
        .set_introspection_url(IntrospectionUrl::new(at("introspection_endpoint")).expect("URL"));
    Provider {
        issuer,
        authlete,
        metadata,
        client,
        resource_server,
        http: OAuthHttp {
            http: no_redirects(),
            provider: address,
        },
        secrets: Mutex::new(Vec::new()),
        traces,
        _capture: capture,
    }
}

/// Tokens from a successful grant.
struct Tokens {
    access: AccessToken,
    refresh: Option<RefreshToken>,
}

impl Provider {
    /// Remembers a value that must never reach the logs.
    fn saw(&self, secret: &str) {
        self.secrets
            .lock()
            .expect("not poisoned")
            .push(secret.to_owned());
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// An authorization request for `openid` with PKCE (S256), its state
    /// and its verifier.
    fn authorization_request(&self) -> (Url, CsrfToken, PkceCodeVerifier) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        self.saw(verifier.secret());
        let (url, state) = self
            .client
            .authorize_url(CsrfToken::new_random)
            .add_scope(Scope::new("openid".into()))
            .set_pkce_challenge(challenge)
            .url();
        (url, state, verifier)
    }

    /// An authorization request for `scopes` with PKCE (S256) and the
    /// given `state`, and its verifier.
    fn request_for(&self, scopes: &[&str], state: &str) -> (Url, PkceCodeVerifier) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        self.saw(verifier.secret());
        let state = state.to_owned();
        let (url, _) = self
            .client
            .authorize_url(move || CsrfToken::new(state))
            .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
            .set_pkce_challenge(challenge)
            .url();
        (url, verifier)
    }

    /// The whole browser side of the code flow: the request, alice's login,
    /// her approval; the code and the state the client gets back.
    async fn code_through_the_pages(
        &self,
        browser: &mut Browser<'_>,
        start: Url,
    ) -> (String, String) {
        let login = browser.get(start).await;
        let consent = browser.sign_in(&login).await;
        assert_eq!(consent.status, 200, "{}", consent.html);
        // The page names the person, not the identifier tokens carry.
        assert!(consent.html.contains("Alice Liddell"), "{}", consent.html);
        assert!(!consent.html.contains(ALICE), "{}", consent.html);
        let back = browser
            .submit(&consent, &[], Some(("decision", "approve")))
            .await;
        let answer = self.redirect_to_client(&back);
        let code = answer.get("code").expect("a code").clone();
        self.saw(&code);
        (code, answer.get("state").cloned().unwrap_or_default())
    }

    /// The parameters of a 302 to the demo client's redirect URI, after
    /// checking that the provider named itself (RFC 9207).
    fn redirect_to_client(&self, page: &Page) -> std::collections::HashMap<String, String> {
        assert_eq!(page.status, 302, "{}", page.html);
        let location = Url::parse(page.location.as_deref().expect("a Location")).expect("URL");
        let redirect_uri = self.url(DEMO_REDIRECT_PATH);
        assert!(
            location.as_str().starts_with(&format!("{redirect_uri}?")),
            "{location} is not the client's {redirect_uri}"
        );
        let answer: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
        assert_eq!(answer.get("iss"), Some(&self.issuer), "{location}");
        answer
    }

    /// The demo client as a device: the device authorization and token
    /// endpoints from discovery.
    fn device_client(
        &self,
    ) -> BasicClient<EndpointNotSet, EndpointSet, EndpointNotSet, EndpointNotSet, EndpointSet> {
        let at = |field: &str| self.metadata[field].as_str().expect(field).to_owned();
        BasicClient::new(ClientId::new(DEMO_CLIENT_ID.into()))
            .set_client_secret(ClientSecret::new(DEMO_CLIENT_SECRET.into()))
            .set_device_authorization_url(
                oauth2::DeviceAuthorizationUrl::new(at("device_authorization_endpoint"))
                    .expect("URL"),
            )
            .set_token_uri(TokenUrl::new(at("token_endpoint")).expect("URL"))
    }

    /// The code flow through the pages for `scopes` with `extra`
    /// authorization parameters, the code exchanged by hand (the `oauth2`
    /// crate drops the token response's `grant_id`): the access token and
    /// the `grant_id`, if any.
    async fn code_flow_with_grant(
        &self,
        scopes: &[&str],
        extra: &[(&str, &str)],
    ) -> (String, Option<String>) {
        let (mut url, verifier) = self.request_for(scopes, "grant");
        for (name, value) in extra {
            url.query_pairs_mut().append_pair(name, value);
        }
        let (code, _) = self
            .code_through_the_pages(&mut Browser::new(self), url)
            .await;
        let response = no_redirects()
            .post(self.url("/token"))
            .basic_auth(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &self.url(DEMO_REDIRECT_PATH)),
                ("code_verifier", verifier.secret()),
            ])
            .send()
            .await
            .expect("the token endpoint answers");
        assert_eq!(response.status(), 200);
        let tokens: Value = response.json().await.expect("JSON");
        let access = tokens["access_token"].as_str().expect("a token").to_owned();
        self.saw(&access);
        if let Some(refresh) = tokens["refresh_token"].as_str() {
            self.saw(refresh);
        }
        (access, tokens["grant_id"].as_str().map(str::to_owned))
    }

    /// A backchannel authentication request by the demo client
    /// (`client_secret_basic`): the status and the JSON answer.
    async fn ciba_request(&self, endpoint: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = no_redirects()
            .post(endpoint)
            .basic_auth(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET))
            .form(form)
            .send()
            .await
            .expect("the backchannel endpoint answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON"))
    }

    /// One poll of the token endpoint for `auth_req_id`.
    async fn ciba_poll(&self, auth_req_id: &str) -> (u16, Value) {
        let response = no_redirects()
            .post(self.url("/token"))
            .basic_auth(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET))
            .form(&[
                ("grant_type", "urn:openid:params:grant-type:ciba"),
                ("auth_req_id", auth_req_id),
            ])
            .send()
            .await
            .expect("the token endpoint answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON"))
    }

    /// The code flow with PKCE, from the first page to the tokens.
    async fn code_flow(&self) -> Tokens {
        let (start, state, verifier) = self.authorization_request();
        let (code, returned_state) = self
            .code_through_the_pages(&mut Browser::new(self), start)
            .await;
        assert_eq!(&returned_state, state.secret());
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(verifier)
            .request_async(&self.http)
            .await
            .expect("the code is exchanged");
        self.tokens(&response)
    }

    fn tokens(&self, response: &oauth2::basic::BasicTokenResponse) -> Tokens {
        self.saw(response.access_token().secret());
        if let Some(refresh) = response.refresh_token() {
            self.saw(refresh.secret());
        }
        Tokens {
            access: response.access_token().clone(),
            refresh: response.refresh_token().cloned(),
        }
    }

    /// `GET /api/me` with `token`: the status, the challenge, the body.
    async fn api_me(&self, token: Option<&AccessToken>) -> (u16, Option<String>, Value) {
        let mut request = reqwest::Client::new().get(self.url("/api/me"));
        if let Some(token) = token {
            request = request.bearer_auth(token.secret());
        }
        let response = request.send().await.expect("the API answers");
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().expect("text").to_owned());
        let body = response.json().await.unwrap_or_default();
        (status, challenge, body)
    }

    /// Whether introspection calls `token` active, and its subject.
    async fn introspect(&self, token: &AccessToken) -> (bool, Option<String>) {
        let response = self
            .resource_server
            .introspect(token)
            .request_async(&self.http)
            .await
            .expect("introspection answers");
        (response.active(), response.sub().map(str::to_owned))
    }

    /// The check of the run's logs: not one secret the test saw, and not
    /// the tickets Authlete handed out, which only the example saw.
    fn assert_logs_hold_no_secret(&self) {
        self.assert_logs_hold_none_of_at_least(20);
    }

    /// [`assert_logs_hold_no_secret`](Self::assert_logs_hold_no_secret)
    /// for a shorter run, which must have seen more than `minimum` secrets.
    fn assert_logs_hold_none_of_at_least(&self, minimum: usize) {
        let text = self.traces.text();
        let mut secrets = self.secrets.lock().expect("not poisoned").clone();
        secrets.extend(
            [
                PASSWORD,
                DEMO_CLIENT_SECRET,
                RESOURCE_SERVER_SECRET,
                MOCK_ACCESS_TOKEN,
            ]
            .map(String::from),
        );
        let ticketed = [
            &authorization::ISSUE,
            &authorization::FAIL,
            &tokens::ISSUE,
            &ciba::ISSUE,
            &ciba::FAIL,
            &ciba::COMPLETE,
        ];
        for operation in ticketed {
            for request in self.authlete.requests_to(operation) {
                secrets.extend(request.json()["ticket"].as_str().map(String::from));
            }
        }
        assert!(
            secrets.len() > minimum,
            "the run saw too little: {}",
            secrets.len()
        );
        for secret in &secrets {
            assert!(!secret.is_empty());
            assert!(
                !text.contains(secret.as_str()),
                "{secret} is in the logs:\n{text}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// A browser, as far as these pages need one
// ---------------------------------------------------------------------------

/// A page as the browser got it.
struct Page {
    url: Url,
    status: u16,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
    html: String,
}

/// Keeps the session cookie, submits forms, and leaves redirects to the
/// test.
struct Browser<'p> {
    http: reqwest::Client,
    provider: &'p Provider,
    cookie: Option<String>,
}

impl<'p> Browser<'p> {
    fn new(provider: &'p Provider) -> Self {
        Browser {
            http: no_redirects(),
            provider,
            cookie: None,
        }
    }

    async fn get(&mut self, url: Url) -> Page {
        let request = self.http.get(url.clone());
        self.send(url, request).await
    }

    /// Submits the sign-in form on `page` with alice's username and
    /// password.
    async fn sign_in(&mut self, page: &Page) -> Page {
        self.submit(
            page,
            &[("username", USERNAME), ("password", PASSWORD)],
            None,
        )
        .await
    }

    /// Submits the page's one form: its own fields with their values,
    /// `fields` typed in (each must be a field of the form), and the
    /// submit button named `button`, if any (it must be on the form).
    async fn submit(
        &mut self,
        page: &Page,
        fields: &[(&str, &str)],
        button: Option<(&str, &str)>,
    ) -> Page {
        let form = HtmlForm::parse(&page.html);
        assert_eq!(form.method, "post", "{}", page.html);
        let mut values = form.fields.clone();
        for (name, value) in fields {
            let field = values
                .iter_mut()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("no field {name} in {}", page.html));
            field.1 = (*value).to_owned();
        }
        if let Some(button) = button {
            let pressed = (button.0.to_owned(), button.1.to_owned());
            assert!(
                form.buttons.contains(&pressed),
                "no button {button:?} in {}",
                page.html
            );
            values.push(pressed);
        }
        let url = page.url.join(&form.action).expect("the action is a URL");
        let request = self.http.post(url.clone()).form(&values);
        self.send(url, request).await
    }

    async fn send(&mut self, url: Url, mut request: reqwest::RequestBuilder) -> Page {
        // What Chromium sends for a page: it prefers HTML.
        request = request.header(
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        );
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("the provider answers");
        if let Some(set) = response.headers().get("set-cookie") {
            let set = set.to_str().expect("text");
            let pair = set.split(';').next().expect("a name=value").to_owned();
            let value = pair.split_once('=').expect("name=value").1;
            self.provider.saw(value);
            self.cookie = Some(pair);
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().expect("text").to_owned());
        let headers = response.headers().clone();
        let html = response.text().await.expect("a body");
        // The pages are plain forms: nothing on them runs.
        assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
        Page {
            url,
            status,
            location,
            headers,
            html,
        }
    }
}

/// The one form of a page: where it posts, its named inputs with their
/// values, and its submit buttons (name, value).
#[derive(Debug, Default)]
struct HtmlForm {
    method: String,
    action: String,
    fields: Vec<(String, String)>,
    buttons: Vec<(String, String)>,
}

impl HtmlForm {
    /// Reads the `<form>`, `<input>` and `<button>` tags; enough HTML for
    /// pages whose attributes are double-quoted.
    fn parse(html: &str) -> HtmlForm {
        let mut form = HtmlForm::default();
        let mut forms = 0;
        for tag in html.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            let (name, rest) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
            let attributes = attributes(rest);
            let get = |key: &str| {
                attributes
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
            };
            match name.to_ascii_lowercase().as_str() {
                "form" => {
                    forms += 1;
                    form.method = get("method").unwrap_or_default().to_ascii_lowercase();
                    form.action = get("action").unwrap_or_default();
                }
                "input" => {
                    if let Some(field) = get("name") {
                        form.fields.push((field, get("value").unwrap_or_default()));
                    }
                }
                "button" => {
                    if let Some(button) = get("name") {
                        form.buttons
                            .push((button, get("value").unwrap_or_default()));
                    }
                }
                _ => {}
            }
        }
        assert_eq!(forms, 1, "one form expected in {html}");
        form
    }
}

/// `key="value"` pairs (and bare keys), with the HTML escapes undone.
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        let mut value = String::new();
        if let Some(quoted) = rest.strip_prefix("=\"") {
            let close = quoted.find('"').expect("a closing quote");
            value = unescape(&quoted[..close]);
            rest = &quoted[close + 1..];
        }
        found.push((key, value));
        rest = rest.trim_start();
    }
    found
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

// ---------------------------------------------------------------------------
// The flows, each usable alone and in the whole run
// ---------------------------------------------------------------------------

/// The code flow with PKCE, then the tokens at the API and UserInfo.
async fn code_flow_reaches_the_api_and_userinfo(provider: &Provider) {
    let tokens = provider.code_flow().await;
    assert!(
        tokens.refresh.is_some(),
        "a refresh token comes with the code"
    );

    let (status, _, me) = provider.api_me(Some(&tokens.access)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["sub"], ALICE);

    let userinfo = reqwest::Client::new()
        .get(
            provider.metadata["userinfo_endpoint"]
                .as_str()
                .expect("URL"),
        )
        .bearer_auth(tokens.access.secret())
        .send()
        .await
        .expect("UserInfo answers");
    assert_eq!(userinfo.status(), 200);
    let claims: Value = userinfo.json().await.expect("JSON");
    assert_eq!(claims["sub"], ALICE);

    let issued = provider.authlete.requests_to(&authorization::ISSUE);
    assert_eq!(
        issued.last().expect("an issue call").json()["subject"],
        ALICE
    );
}

/// A code is good for one exchange.
async fn a_code_is_refused_the_second_time(provider: &Provider) {
    let (start, _, verifier) = provider.authorization_request();
    let (code, _) = provider
        .code_through_the_pages(&mut Browser::new(provider), start)
        .await;
    let exchange = |verifier: &PkceCodeVerifier| {
        provider
            .client
            .exchange_code(AuthorizationCode::new(code.clone()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.secret().clone()))
            .request_async(&provider.http)
    };
    let first = exchange(&verifier).await.expect("the first exchange works");
    provider.tokens(&first);
    assert_invalid_grant(exchange(&verifier).await.map(|_| ()));
}

/// A PKCE verifier that does not match the challenge gets nothing.
async fn a_wrong_verifier_is_refused(provider: &Provider) {
    let (start, _, _) = provider.authorization_request();
    let (code, _) = provider
        .code_through_the_pages(&mut Browser::new(provider), start)
        .await;
    let (_, other_verifier) = PkceCodeChallenge::new_random_sha256();
    let refused = provider
        .client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(other_verifier)
        .request_async(&provider.http)
        .await;
    assert_invalid_grant(refused.map(|_| ()));
}

/// The refresh token gives new tokens, and is itself replaced.
async fn refresh_rotates_the_refresh_token(provider: &Provider) {
    let first = provider.code_flow().await;
    let old = first.refresh.expect("a refresh token");
    let refreshed = provider
        .client
        .exchange_refresh_token(&old)
        .request_async(&provider.http)
        .await
        .expect("the refresh works");
    let second = provider.tokens(&refreshed);
    assert_ne!(second.access.secret(), first.access.secret());
    let new = second.refresh.expect("a new refresh token");
    assert_ne!(new.secret(), old.secret());

    let (status, _, me) = provider.api_me(Some(&second.access)).await;
    assert_eq!((status, &me["sub"]), (200, &Value::from(ALICE)));
    let replayed = provider
        .client
        .exchange_refresh_token(&old)
        .request_async(&provider.http)
        .await;
    assert_invalid_grant(replayed.map(|_| ()));
}

/// Client credentials: a token for the client itself, with no user.
async fn client_credentials_get_a_token_for_no_user(provider: &Provider) {
    let response = provider
        .client
        .exchange_client_credentials()
        .request_async(&provider.http)
        .await
        .expect("client credentials work");
    let tokens = provider.tokens(&response);
    assert!(
        tokens.refresh.is_none(),
        "RFC 6749 §4.4.3: no refresh token"
    );

    let (active, subject) = provider.introspect(&tokens.access).await;
    assert!(active);
    assert_eq!(subject, None);
    let (status, _, me) = provider.api_me(Some(&tokens.access)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["sub"], Value::Null);
}

/// Revocation ends the token for the API and for introspection alike.
async fn revocation_ends_the_token(provider: &Provider) {
    let tokens = provider.code_flow().await;
    assert_eq!(
        provider.introspect(&tokens.access).await,
        (true, Some(ALICE.into()))
    );
    assert_eq!(provider.api_me(Some(&tokens.access)).await.0, 200);

    provider
        .client
        .revoke_token(StandardRevocableToken::AccessToken(tokens.access.clone()))
        .expect("a revocation URL")
        .request_async(&provider.http)
        .await
        .expect("the revocation is accepted");

    let (status, challenge, _) = provider.api_me(Some(&tokens.access)).await;
    assert_eq!(status, 401);
    let challenge = challenge.expect("a WWW-Authenticate challenge");
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    assert!(challenge.contains("invalid_token"), "{challenge}");
    assert_eq!(provider.introspect(&tokens.access).await, (false, None));
}

/// PAR: the request is pushed first, and the browser carries only its
/// `request_uri`, once.
async fn a_pushed_request_is_used_by_reference(provider: &Provider) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    provider.saw(verifier.secret());
    let state = CsrfToken::new_random();
    let redirect_uri = provider.url(DEMO_REDIRECT_PATH);
    let pushed = reqwest::Client::new()
        .post(
            provider.metadata["pushed_authorization_request_endpoint"]
                .as_str()
                .expect("URL"),
        )
        .basic_auth(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET))
        .form(&[
            ("response_type", "code"),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", &redirect_uri),
            ("scope", "openid"),
            ("state", state.secret()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", challenge.method().as_str()),
        ])
        .send()
        .await
        .expect("PAR answers");
    assert_eq!(pushed.status(), 201);
    let pushed: Value = pushed.json().await.expect("JSON");
    let request_uri = pushed["request_uri"].as_str().expect("a request_uri");

    let mut start = Url::parse(
        provider.metadata["authorization_endpoint"]
            .as_str()
            .expect("URL"),
    )
    .expect("URL");
    start
        .query_pairs_mut()
        .append_pair("client_id", DEMO_CLIENT_ID)
        .append_pair("request_uri", request_uri);
    let (code, returned_state) = provider
        .code_through_the_pages(&mut Browser::new(provider), start.clone())
        .await;
    assert_eq!(
        &returned_state,
        state.secret(),
        "the state came from the pushed request"
    );
    let response = provider
        .client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&provider.http)
        .await
        .expect("the code is exchanged");
    provider.tokens(&response);

    let again = Browser::new(provider).get(start).await;
    assert_eq!(
        again.status, 400,
        "a request_uri is good once: {}",
        again.html
    );
}

/// `prompt=none` decides at once: `login_required` without a session, a
/// code with one.
async fn prompt_none_follows_the_session(provider: &Provider) {
    let silent = |state: &str| {
        let mut url = Url::parse(
            provider.metadata["authorization_endpoint"]
                .as_str()
                .expect("URL"),
        )
        .expect("URL");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", DEMO_CLIENT_ID)
            .append_pair("scope", "openid")
            .append_pair("state", state)
            .append_pair("prompt", "none");
        url
    };
    let mut stranger = Browser::new(provider);
    let answer = provider.redirect_to_client(&stranger.get(silent("s-1")).await);
    assert_eq!(
        answer.get("error").map(String::as_str),
        Some("login_required")
    );
    assert_eq!(answer.get("state").map(String::as_str), Some("s-1"));
    assert!(!answer.contains_key("code"));

    // The same browser once alice has logged in: no page, a code.
    let mut browser = Browser::new(provider);
    let (start, _, _) = provider.authorization_request();
    provider.code_through_the_pages(&mut browser, start).await;
    let answer = provider.redirect_to_client(&browser.get(silent("s-2")).await);
    provider.saw(answer.get("code").expect("a code without a page"));
    assert_eq!(answer.get("state").map(String::as_str), Some("s-2"));
}

/// Deny sends the client `access_denied`, and no code.
async fn denying_sends_access_denied(provider: &Provider) {
    let (start, state, _) = provider.authorization_request();
    let mut browser = Browser::new(provider);
    let login = browser.get(start).await;
    let consent = browser.sign_in(&login).await;
    let back = browser
        .submit(&consent, &[], Some(("decision", "deny")))
        .await;
    let answer = provider.redirect_to_client(&back);
    assert_eq!(
        answer.get("error").map(String::as_str),
        Some("access_denied")
    );
    assert_eq!(answer.get("state"), Some(state.secret()));
    assert!(!answer.contains_key("code"));
    // The interaction was spent: posting the consent again finds nothing.
    let replay = browser
        .submit(&consent, &[], Some(("decision", "approve")))
        .await;
    assert_eq!(replay.status, 400);
}

/// A wrong password shows the form again, and nothing is issued.
async fn a_wrong_password_shows_the_form_again(provider: &Provider) {
    let issued_before = provider.authlete.requests_to(&authorization::ISSUE).len();
    let (start, _, _) = provider.authorization_request();
    let mut browser = Browser::new(provider);
    let login = browser.get(start).await;
    let again = browser
        .submit(
            &login,
            &[("username", USERNAME), ("password", "looking-glass")],
            None,
        )
        .await;
    assert_eq!(again.status, 200);
    assert!(
        again.html.contains("Wrong username or password"),
        "{}",
        again.html
    );
    let form = HtmlForm::parse(&again.html);
    assert!(form.fields.iter().any(|(name, _)| name == "password"));
    // Consent cannot be had without the login.
    let skipped = browser.submit(&again, &[], None).await;
    assert_eq!(skipped.status, 200, "still the login page");
    assert!(HtmlForm::parse(&skipped.html).buttons.is_empty());
    assert_eq!(
        provider.authlete.requests_to(&authorization::ISSUE).len(),
        issued_before
    );
}

fn assert_invalid_grant<E: std::error::Error>(
    result: Result<(), RequestTokenError<E, oauth2::basic::BasicErrorResponse>>,
) {
    match result {
        Err(RequestTokenError::ServerResponse(error)) => {
            assert_eq!(*error.error(), BasicErrorResponseType::InvalidGrant);
        }
        other => panic!("expected invalid_grant, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[tokio::test]
async fn discovery_names_the_routes_the_provider_serves() {
    let provider = start().await;
    assert_eq!(provider.metadata["issuer"], provider.issuer.as_str());
    for (field, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("introspection_endpoint", "/introspect"),
        ("revocation_endpoint", "/revoke"),
        ("pushed_authorization_request_endpoint", "/par"),
        ("device_authorization_endpoint", "/device_authorization"),
        ("registration_endpoint", "/register"),
        (
            "backchannel_authentication_endpoint",
            "/backchannel/authentication",
        ),
    ] {
        assert_eq!(provider.metadata[field], provider.url(path), "{field}");
    }
    // Every endpoint discovery names is served: none answers 404, nor 405
    // to the method its specification uses.
    let metadata = provider.metadata.as_object().expect("an object");
    let named: Vec<_> = metadata
        .iter()
        .filter(|(field, _)| field.ends_with("_endpoint") || *field == "jwks_uri")
        .collect();
    assert!(named.len() >= 10, "{named:?}");
    for (field, url) in named {
        let url = url.as_str().expect("a URL");
        let fetched = ["authorization_endpoint", "userinfo_endpoint", "jwks_uri"];
        let request = if field == "grant_management_endpoint" {
            // Grants live under it (FAPI Grant Management §5).
            no_redirects().get(format!("{url}/some-grant"))
        } else if fetched.contains(&field.as_str()) {
            no_redirects().get(url)
        } else {
            no_redirects().post(url).form(&[("x", "y")])
        };
        let status = request.send().await.expect("an answer").status().as_u16();
        assert!(status != 404 && status != 405, "{field} {url}: {status}");
    }
    let jwks: Value = reqwest::get(provider.url("/jwks"))
        .await
        .expect("JWKS answers")
        .json()
        .await
        .expect("JSON");
    assert!(
        jwks["keys"].as_array().is_some_and(|k| !k.is_empty()),
        "{jwks}"
    );
}

#[tokio::test]
async fn the_code_flow_with_pkce_reaches_the_api_and_userinfo() {
    code_flow_reaches_the_api_and_userinfo(&start().await).await;
}

#[tokio::test]
async fn a_code_used_twice_is_refused() {
    a_code_is_refused_the_second_time(&start().await).await;
}

#[tokio::test]
async fn a_wrong_pkce_verifier_is_refused() {
    a_wrong_verifier_is_refused(&start().await).await;
}

#[tokio::test]
async fn refreshing_rotates_the_refresh_token() {
    refresh_rotates_the_refresh_token(&start().await).await;
}

#[tokio::test]
async fn client_credentials_act_for_no_user() {
    client_credentials_get_a_token_for_no_user(&start().await).await;
}

#[tokio::test]
async fn a_revoked_token_is_refused_with_a_challenge() {
    revocation_ends_the_token(&start().await).await;
}

#[tokio::test]
async fn a_pushed_request_is_authorized_by_reference() {
    a_pushed_request_is_used_by_reference(&start().await).await;
}

#[tokio::test]
async fn prompt_none_without_a_session_redirects_with_login_required() {
    prompt_none_follows_the_session(&start().await).await;
}

#[tokio::test]
async fn denying_consent_sends_access_denied() {
    denying_sends_access_denied(&start().await).await;
}

#[tokio::test]
async fn a_wrong_password_issues_nothing() {
    a_wrong_password_shows_the_form_again(&start().await).await;
}

#[tokio::test]
async fn the_api_wants_a_token() {
    let provider = start().await;
    let (status, challenge, _) = provider.api_me(None).await;
    assert_eq!(status, 401);
    assert_eq!(challenge.as_deref(), Some("Bearer"));
    let (status, challenge, _) = provider
        .api_me(Some(&AccessToken::new("made-up".into())))
        .await;
    assert_eq!(status, 401);
    assert!(challenge.is_some_and(|c| c.contains("invalid_token")));
}

#[tokio::test]
async fn the_logs_of_a_whole_run_hold_no_secret() {
    let provider = start().await;
    code_flow_reaches_the_api_and_userinfo(&provider).await;
    a_code_is_refused_the_second_time(&provider).await;
    a_wrong_verifier_is_refused(&provider).await;
    refresh_rotates_the_refresh_token(&provider).await;
    client_credentials_get_a_token_for_no_user(&provider).await;
    revocation_ends_the_token(&provider).await;
    a_pushed_request_is_used_by_reference(&provider).await;
    prompt_none_follows_the_session(&provider).await;
    denying_sends_access_denied(&provider).await;
    a_wrong_password_shows_the_form_again(&provider).await;

    // The capture saw the run: Authlete's calls, and the example's own
    // events. A capture that missed them would pass the check below
    // for nothing.
    let text = provider.traces.text();
    for expected in [
        "operation=\"auth_authorization_api\"",
        "operation=\"auth_authorization_issue_api\"",
        "operation=\"auth_authorization_fail_api\"",
        "operation=\"auth_token_api\"",
        "operation=\"pushed_auth_req_api\"",
        "operation=\"auth_revocation_api\"",
        "operation=\"auth_introspection_api\"",
        "operation=\"auth_introspection_standard_api\"",
        "operation=\"auth_userinfo_api\"",
        "user logged in",
    ] {
        assert!(text.contains(expected), "no {expected} in:\n{text}");
    }
    provider.assert_logs_hold_no_secret();
}

// ---------------------------------------------------------------------------
// What a security review tries
// ---------------------------------------------------------------------------

/// The headers every page for a person must carry.
fn assert_secure_page(page: &Page) {
    let header = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("x-frame-options"), "DENY", "{}", page.url);
    assert_eq!(header("x-content-type-options"), "nosniff", "{}", page.url);
    assert_eq!(header("referrer-policy"), "no-referrer", "{}", page.url);
    assert_eq!(header("cache-control"), "no-store", "{}", page.url);
    let csp = header("content-security-policy");
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "{}: {csp}",
        page.url
    );
    assert!(csp.contains("default-src 'none'"), "{}: {csp}", page.url);
}

/// Two tabs, two requests, one session: each consent form approves the
/// request it showed, with that request's state and scopes, and nothing
/// else. (The old example approved whichever request came last.)
#[tokio::test]
async fn a_consent_form_approves_the_request_it_shows() {
    let provider = start().await;
    let mut browser = Browser::new(&provider);
    let (first, first_verifier) = provider.request_for(&["openid"], "one");
    let login = browser.get(first).await;
    let first_consent = browser.sign_in(&login).await;
    assert!(first_consent.html.contains("openid"));
    assert!(
        !first_consent.html.contains("email"),
        "{}",
        first_consent.html
    );
    // Another tab, or another site's top-level navigation with the Lax
    // cookie: a second request, wider, while the first page is open.
    let (second, _) = provider.request_for(&["openid", "email"], "two");
    let second_consent = browser.get(second).await;
    assert!(
        second_consent.html.contains("email"),
        "{}",
        second_consent.html
    );

    // Allow on the first page.
    let back = browser
        .submit(&first_consent, &[], Some(("decision", "approve")))
        .await;
    let answer = provider.redirect_to_client(&back);
    assert_eq!(answer.get("state").map(String::as_str), Some("one"));
    let code = answer.get("code").expect("a code").clone();
    provider.saw(&code);
    let tokens = provider
        .client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(first_verifier)
        .request_async(&provider.http)
        .await
        .expect("the code is exchanged");
    provider.tokens(&tokens);
    let scopes: Vec<String> = tokens
        .scopes()
        .map(|s| s.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default();
    assert_eq!(scopes, ["openid"], "the first page showed openid only");

    // A form pointed at a request of another session finds nothing.
    let mut stranger = Browser::new(&provider);
    let (third, _) = provider.request_for(&["openid"], "three");
    let stranger_login = stranger.get(third).await;
    let stranger_consent = stranger.sign_in(&stranger_login).await;
    let second_id = HtmlForm::parse(&second_consent.html)
        .fields
        .into_iter()
        .find(|(name, _)| name == "interaction")
        .expect("the form names its request")
        .1;
    let forged = stranger
        .submit(
            &stranger_consent,
            &[("interaction", second_id.as_str())],
            Some(("decision", "approve")),
        )
        .await;
    assert_eq!(forged.status, 400, "{}", forged.html);
    assert_secure_page(&forged);

    // The second tab's own form still works, for its own request.
    let back = browser
        .submit(&second_consent, &[], Some(("decision", "approve")))
        .await;
    let answer = provider.redirect_to_client(&back);
    assert_eq!(answer.get("state").map(String::as_str), Some("two"));
    provider.saw(answer.get("code").expect("a code"));
    provider.assert_logs_hold_none_of_at_least(8);
}

/// Every page a person sees, errors included, refuses framing, sniffing,
/// caching and the Referer; the JSON documents stay cacheable.
#[tokio::test]
async fn every_page_is_protected_from_framing_and_caching() {
    let provider = start().await;
    let mut browser = Browser::new(&provider);
    let (start_url, _, _) = provider.authorization_request();
    let login = browser.get(start_url).await;
    assert_secure_page(&login);
    let consent = browser.sign_in(&login).await;
    assert_secure_page(&consent);
    let back = browser
        .submit(&consent, &[], Some(("decision", "approve")))
        .await;
    provider.saw(
        provider
            .redirect_to_client(&back)
            .get("code")
            .expect("code"),
    );
    // The demo client's page shows the code: never cached either.
    let callback = browser
        .get(Url::parse(back.location.as_deref().expect("Location")).expect("URL"))
        .await;
    assert_eq!(callback.status, 200);
    assert_secure_page(&callback);

    // An unknown client cannot be redirected to: a person gets a page
    // that says so, an API client Authlete's JSON.
    let mut unknown = Url::parse(&provider.url("/authorize")).expect("URL");
    unknown
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", "no-such-client")
        .append_pair("scope", "openid");
    let error = Browser::new(&provider).get(unknown.clone()).await;
    assert_eq!(error.status, 400);
    assert!(
        error.headers["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/html")),
        "{:?}",
        error.headers
    );
    assert!(error.html.contains("cannot be completed"), "{}", error.html);
    assert_secure_page(&error);
    let api = no_redirects().get(unknown).send().await.expect("an answer");
    assert_eq!(api.status(), 400);
    let json: Value = api.json().await.expect("JSON for an API client");
    assert_eq!(json["error"], "invalid_request");

    // A reload of the consent page's URL is a page, not an empty 405.
    let reload = Browser::new(&provider)
        .get(Url::parse(&provider.url("/consent")).expect("URL"))
        .await;
    assert_eq!(reload.status, 405);
    assert!(reload.html.contains("start again"), "{}", reload.html);
    assert_secure_page(&reload);

    // The discovery document is public JSON: cacheable, no page headers.
    let discovery = reqwest::get(provider.url("/.well-known/openid-configuration"))
        .await
        .expect("discovery");
    assert!(discovery.headers().get("x-frame-options").is_none());
    assert_ne!(
        discovery
            .headers()
            .get("cache-control")
            .map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
}

/// Guessing is throttled: after five wrong passwords the account is
/// locked, the right password included, on the login form and through
/// the password grant alike; the failures are logged, the passwords not.
#[tokio::test]
async fn password_guessing_is_throttled() {
    let provider = start().await;
    let mut browser = Browser::new(&provider);
    let (start_url, _, _) = provider.authorization_request();
    let mut page = browser.get(start_url).await;
    let guesses: Vec<String> = (0..5).map(|n| format!("guess-{n}")).collect();
    for guess in &guesses {
        provider.saw(guess);
        page = browser
            .submit(&page, &[("username", USERNAME), ("password", guess)], None)
            .await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(page.html.contains("Wrong username or password"));
    }
    let locked = browser
        .submit(
            &page,
            &[("username", USERNAME), ("password", "guess-5")],
            None,
        )
        .await;
    assert_eq!(locked.status, 200, "the sixth failure itself is answered");
    let refused = browser.sign_in(&page).await;
    assert_eq!(refused.status, 429, "{}", refused.html);
    let retry_after: u64 = refused.headers["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!(retry_after >= 1);
    assert_secure_page(&refused);

    // The password grant asks the same throttle: the right password is
    // refused while the account is locked.
    let grant = provider
        .client
        .exchange_password(
            &oauth2::ResourceOwnerUsername::new(USERNAME.into()),
            &oauth2::ResourceOwnerPassword::new(PASSWORD.into()),
        )
        .request_async(&provider.http)
        .await;
    assert!(grant.is_err(), "a locked account gets no token");

    let text = provider.traces.text();
    assert!(text.contains("login failed"), "{text}");
    assert!(text.contains("account=\"alice\""), "{text}");
    provider.assert_logs_hold_none_of_at_least(8);
}

/// The form endpoints take forms only: a JSON or plain-text body is
/// refused with `invalid_request`, not parsed as a form.
#[tokio::test]
async fn form_endpoints_refuse_other_bodies() {
    let provider = start().await;
    for path in ["/token", "/revoke", "/introspect", "/par"] {
        for content_type in ["application/json", "text/plain", ""] {
            let mut request = no_redirects()
                .post(provider.url(path))
                .basic_auth(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET))
                .body("grant_type=client_credentials&token=x&response_type=code");
            if !content_type.is_empty() {
                request = request.header("content-type", content_type);
            }
            let response = request.send().await.expect("an answer");
            assert_eq!(response.status(), 400, "{path} {content_type}");
            let json: Value = response.json().await.expect("JSON");
            assert_eq!(json["error"], "invalid_request", "{path} {content_type}");
            assert!(
                json["error_description"]
                    .as_str()
                    .is_some_and(|d| d.contains("application/x-www-form-urlencoded")),
                "{json}"
            );
        }
    }
}

/// A successful revocation's empty answer claims no content type.
#[tokio::test]
async fn an_empty_revocation_answer_has_no_content_type() {
    let provider = start().await;
    let response = no_redirects()
        .post(provider.url("/revoke"))
        .basic_auth(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET))
        .form(&[("token", "not-a-token")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-type").is_none());
    assert_eq!(response.text().await.expect("body"), "");
}

// ---------------------------------------------------------------------------
// A relying party that verifies ID tokens: the `openidconnect` crate
// ---------------------------------------------------------------------------

/// The code flow through the pages as an OpenID Connect relying party
/// runs it: provider metadata and keys from discovery, `nonce`, PKCE, the
/// ID token's signature, `iss`, `aud`, `exp`, `nonce` and `at_hash`
/// verified by `openidconnect`, then UserInfo for the consented scopes.
/// The verifier allows exactly the algorithms discovery lists, as many
/// relying parties do; so a hand-edited or unsigned ID token must fail.
#[tokio::test]
async fn an_openid_connect_relying_party_verifies_the_id_token() {
    use openidconnect::core::{
        CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata, CoreUserInfoClaims,
    };
    use openidconnect::{AccessTokenHash, IssuerUrl, Nonce, OAuth2TokenResponse};
    use std::str::FromStr as _;

    let provider = start().await;
    let metadata = CoreProviderMetadata::discover_async(
        IssuerUrl::new(provider.issuer.clone()).expect("URL"),
        &provider.http,
    )
    .await
    .expect("discovery and the JWK Set load");
    let algorithms = metadata.id_token_signing_alg_values_supported().clone();
    assert!(
        algorithms.contains(&openidconnect::core::CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256),
        "OpenID Connect Discovery requires RS256: {algorithms:?}"
    );
    assert!(
        !algorithms.contains(&openidconnect::core::CoreJwsSigningAlgorithm::None),
        "{algorithms:?}"
    );
    let client = CoreClient::from_provider_metadata(
        metadata,
        openidconnect::ClientId::new(DEMO_CLIENT_ID.into()),
        Some(openidconnect::ClientSecret::new(DEMO_CLIENT_SECRET.into())),
    )
    .set_redirect_uri(
        openidconnect::RedirectUrl::new(provider.url(DEMO_REDIRECT_PATH)).expect("URL"),
    );

    let (challenge, verifier) = openidconnect::PkceCodeChallenge::new_random_sha256();
    provider.saw(verifier.secret());
    let (start_url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            openidconnect::CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(openidconnect::Scope::new("email".into()))
        .add_scope(openidconnect::Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let mut browser = Browser::new(&provider);
    let (code, returned_state) = provider
        .code_through_the_pages(&mut browser, start_url)
        .await;
    assert_eq!(&returned_state, state.secret());
    let tokens = client
        .exchange_code(openidconnect::AuthorizationCode::new(code))
        .expect("discovery named a token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&provider.http)
        .await
        .expect("the code is exchanged");
    provider.saw(tokens.access_token().secret());

    let id_token = tokens
        .extra_fields()
        .id_token()
        .expect("an ID token for scope openid");
    provider.saw(&id_token.to_string());
    let id_verifier = client
        .id_token_verifier()
        .set_allowed_algs(algorithms.clone());
    let claims = id_token
        .claims(&id_verifier, &nonce)
        .expect("the signature, iss, aud, exp and nonce verify");
    assert_eq!(claims.subject().as_str(), ALICE);
    assert_eq!(claims.issuer().as_str(), provider.issuer);
    let at_hash = claims
        .access_token_hash()
        .expect("at_hash comes with an access token");
    let expected = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().expect("alg"),
        id_token.signing_key(&id_verifier).expect("the key"),
    )
    .expect("a hash");
    assert_eq!(*at_hash, expected);

    // UserInfo gives what the user consented to: email and profile.
    let info: CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), None)
        .expect("discovery named a UserInfo endpoint")
        .request_async(&provider.http)
        .await
        .expect("UserInfo answers");
    assert_eq!(info.subject().as_str(), ALICE);
    assert_eq!(info.email().map(|e| e.as_str()), Some("alice@example.com"));
    assert_eq!(info.email_verified(), Some(true));
    let name = info.name().and_then(|n| n.get(None)).map(|n| n.as_str());
    assert_eq!(name, Some("Alice Liddell"));

    // A hand-edited subject breaks the signature.
    let text = id_token.to_string();
    let mut parts: Vec<&str> = text.split('.').collect();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut payload: Value =
        serde_json::from_slice(&b64.decode(parts[1]).expect("base64url")).expect("JSON");
    payload["sub"] = Value::from("user-mallory-666");
    let forged_payload = b64.encode(payload.to_string());
    parts[1] = &forged_payload;
    let forged = CoreIdToken::from_str(&parts.join(".")).expect("still a JWT");
    assert!(
        forged.claims(&id_verifier, &nonce).is_err(),
        "an edited ID token is refused"
    );
    // So does dropping the signature and calling it unsigned.
    let unsigned_header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{unsigned_header}.{forged_payload}.");
    let unsigned = CoreIdToken::from_str(&unsigned).expect("still a JWT");
    assert!(
        unsigned.claims(&id_verifier, &nonce).is_err(),
        "an unsigned ID token is refused"
    );
    // And the right token with another nonce (a replay into another login).
    assert!(
        id_token
            .claims(&id_verifier, &Nonce::new("another".into()))
            .is_err()
    );
    provider.assert_logs_hold_none_of_at_least(8);
}

/// The device flow with `oauth2` as the device, and the user on the
/// example's verification page: the code typed in, alice signed in, the
/// device allowed; done while the device waits between its polls, so that
/// `oauth2` first hears `authorization_pending` and polls again.
#[tokio::test]
async fn the_device_flow_gets_tokens_once_the_user_approves() {
    use oauth2::StandardDeviceAuthorizationResponse;

    let provider = start().await;
    assert_eq!(
        provider.metadata["device_authorization_endpoint"],
        provider.url("/device_authorization")
    );
    let device = provider.device_client();
    let details: StandardDeviceAuthorizationResponse = device
        .exchange_device_code()
        .add_scope(Scope::new("openid".into()))
        .request_async(&provider.http)
        .await
        .expect("the device authorization endpoint answers");
    let user_code = details.user_code().secret().clone();
    provider.saw(details.device_code().secret());
    provider.saw(&user_code);
    // The page the device shows as a QR code: the code comes preset.
    let complete = details
        .verification_uri_complete()
        .expect("a verification_uri_complete")
        .secret()
        .clone();
    assert!(
        complete.starts_with(&provider.url("/device?")),
        "{complete}"
    );

    let waits = Mutex::new(0);
    let decided = Mutex::new(None);
    let sleep = |interval: std::time::Duration| {
        let first = {
            let mut waits = waits.lock().expect("not poisoned");
            *waits += 1;
            *waits == 1
        };
        let (provider, complete, decided) = (&provider, &complete, &decided);
        async move {
            if first {
                let mut browser = Browser::new(provider);
                let form = browser.get(Url::parse(complete).expect("URL")).await;
                assert_secure_page(&form);
                let consent = browser.sign_in(&form).await;
                assert_eq!(consent.status, 200, "{}", consent.html);
                assert!(consent.html.contains("Demo App"), "{}", consent.html);
                assert!(consent.html.contains("Alice Liddell"), "{}", consent.html);
                assert_secure_page(&consent);
                let done = browser
                    .submit(&consent, &[], Some(("decision", "approve")))
                    .await;
                assert_eq!(done.status, 200, "{}", done.html);
                assert!(done.html.contains("The device is allowed"), "{}", done.html);
                assert_secure_page(&done);
                *decided.lock().expect("not poisoned") = Some(consent);
            }
            // The stand-in's clock, not the test's, moves by the interval.
            provider.authlete.advance_clock(interval);
        }
    };
    let tokens = device
        .exchange_device_access_token(&details)
        .request_async(&provider.http, sleep, None)
        .await
        .expect("tokens once the user approved");
    provider.saw(tokens.access_token().secret());
    assert_eq!(
        *waits.lock().expect("not poisoned"),
        1,
        "one authorization_pending"
    );
    let (active, subject) = provider.introspect(tokens.access_token()).await;
    assert!(active);
    assert_eq!(subject.as_deref(), Some(ALICE));

    // Spent: the consent form cannot be posted again, nor the device code
    // polled.
    let consent = decided
        .into_inner()
        .expect("not poisoned")
        .expect("the page was shown");
    let again = Browser::new(&provider)
        .submit(&consent, &[], Some(("decision", "deny")))
        .await;
    assert_eq!(again.status, 400, "{}", again.html);
    let replay = device
        .exchange_device_access_token(&details)
        .request_async(&provider.http, |_| async {}, None)
        .await;
    assert!(
        matches!(replay, Err(RequestTokenError::ServerResponse(ref e)) if *e.error() == oauth2::DeviceCodeErrorResponseType::Basic(BasicErrorResponseType::InvalidGrant)),
        "{replay:?}"
    );
    assert!(
        provider
            .traces
            .text()
            .contains("operation=\"device_authorization_api\""),
        "the capture saw the device authorization call"
    );
    // The device code, the user code, the access token, the session-less
    // form identifiers and the fixed secrets.
    provider.assert_logs_hold_none_of_at_least(6);
}

/// The user denies on the verification page, typing the code in lower
/// case with a dash (RFC 8628 §6.1): the device hears `access_denied`.
#[tokio::test]
async fn a_device_the_user_denies_hears_access_denied() {
    use oauth2::{DeviceCodeErrorResponseType, StandardDeviceAuthorizationResponse};

    let provider = start().await;
    let device = provider.device_client();
    let details: StandardDeviceAuthorizationResponse = device
        .exchange_device_code()
        .add_scope(Scope::new("openid".into()))
        .request_async(&provider.http)
        .await
        .expect("the device authorization endpoint answers");
    let code = details.user_code().secret().to_ascii_lowercase();
    let typed = format!("{}-{}", &code[..4], &code[4..]);
    let mut browser = Browser::new(&provider);
    let form = browser
        .get(Url::parse(&provider.url("/device")).expect("URL"))
        .await;
    let consent = browser
        .submit(
            &form,
            &[
                ("user_code", &typed),
                ("username", USERNAME),
                ("password", PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(consent.status, 200, "{}", consent.html);
    let done = browser
        .submit(&consent, &[], Some(("decision", "deny")))
        .await;
    assert!(done.html.contains("The device was denied"), "{}", done.html);
    let answer = device
        .exchange_device_access_token(&details)
        .request_async(&provider.http, |_| async {}, None)
        .await;
    assert!(
        matches!(answer, Err(RequestTokenError::ServerResponse(ref e)) if *e.error() == DeviceCodeErrorResponseType::AccessDenied),
        "{answer:?}"
    );
}

/// User codes are short, so wrong ones count like wrong passwords: after
/// five, the account is locked and the page stops asking Authlete.
#[tokio::test]
async fn wrong_user_codes_are_throttled() {
    let provider = start().await;
    let mut browser = Browser::new(&provider);
    let mut page = browser
        .get(Url::parse(&provider.url("/device")).expect("URL"))
        .await;
    for guess in [
        "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "FFFFFFFF", "GGGGGGGG", "HHHHHHHH",
    ] {
        page = browser
            .submit(
                &page,
                &[
                    ("user_code", guess),
                    ("username", USERNAME),
                    ("password", PASSWORD),
                ],
                None,
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(
            page.html.contains("No device is waiting for that code"),
            "{}",
            page.html
        );
    }
    let asked = provider
        .authlete
        .requests_to(&authlete::operations::device_flow::VERIFICATION)
        .len();
    assert_eq!(asked, 6);
    let refused = browser
        .submit(
            &page,
            &[
                ("user_code", "JJJJJJJJ"),
                ("username", USERNAME),
                ("password", PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(refused.status, 429, "{}", refused.html);
    assert_secure_page(&refused);
    let asked_after = provider
        .authlete
        .requests_to(&authlete::operations::device_flow::VERIFICATION)
        .len();
    assert_eq!(asked_after, asked, "a throttled guess is not looked up");
    // Logged as what they are: alice's password was right every time.
    let text = provider.traces.text();
    assert!(text.contains("user code failed"), "{text}");
    assert!(!text.contains("login failed"), "{text}");
}

/// A CIBA client written from CIBA Core (§7, §10.1, §11): it names alice
/// by `login_hint` with a binding message, polls, hears
/// `authorization_pending`, and gets an access token and an ID token for
/// her once she approves on the demo's authentication device.
#[tokio::test]
async fn a_ciba_poll_client_gets_tokens_once_the_user_approves_on_her_device() {
    let provider = start().await;
    let endpoint = provider.metadata["backchannel_authentication_endpoint"]
        .as_str()
        .expect("discovery names the backchannel endpoint")
        .to_owned();
    let modes = &provider.metadata["backchannel_token_delivery_modes_supported"];
    assert!(
        modes.as_array().is_some_and(|m| m.contains(&"poll".into())),
        "{modes}"
    );

    let (status, started) = provider
        .ciba_request(
            &endpoint,
            &[
                ("scope", "openid email"),
                ("login_hint", USERNAME),
                ("binding_message", "W4SCT"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let auth_req_id = started["auth_req_id"]
        .as_str()
        .expect("an auth_req_id")
        .to_owned();
    provider.saw(&auth_req_id);
    assert!(
        started["expires_in"].as_i64().is_some_and(|e| e > 0),
        "{started}"
    );
    let interval = started["interval"].as_u64().expect("an interval");

    let (status, pending) = provider.ciba_poll(&auth_req_id).await;
    assert_eq!(
        (status, pending["error"].as_str()),
        (400, Some("authorization_pending"))
    );

    // Alice's authentication device: sign in, see the request with the
    // client's binding message, allow it.
    let mut browser = Browser::new(&provider);
    let sign_in = browser
        .get(Url::parse(&provider.url("/ciba")).expect("URL"))
        .await;
    assert_secure_page(&sign_in);
    let decision = browser.sign_in(&sign_in).await;
    assert_eq!(decision.status, 200, "{}", decision.html);
    assert!(decision.html.contains("W4SCT"), "{}", decision.html);
    assert!(decision.html.contains("Demo App"), "{}", decision.html);
    assert_secure_page(&decision);
    let done = browser
        .submit(&decision, &[], Some(("decision", "approve")))
        .await;
    assert!(done.html.contains("Allowed"), "{}", done.html);
    // The same page posted again decides nothing.
    let again = browser
        .submit(&decision, &[], Some(("decision", "deny")))
        .await;
    assert_eq!(again.status, 400, "{}", again.html);

    provider
        .authlete
        .advance_clock(std::time::Duration::from_secs(interval));
    let (status, tokens) = provider.ciba_poll(&auth_req_id).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().expect("an access token");
    provider.saw(access);
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    provider.saw(id_token);
    let claims = jwt_claims(id_token);
    assert_eq!(claims["sub"], ALICE);
    assert_eq!(claims["aud"], DEMO_CLIENT_ID);
    let (active, subject) = provider
        .introspect(&AccessToken::new(access.to_owned()))
        .await;
    assert!(active);
    assert_eq!(subject.as_deref(), Some(ALICE));

    // Spent: the request cannot be polled again.
    let (status, spent) = provider.ciba_poll(&auth_req_id).await;
    assert_eq!(
        (status, spent["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    provider.assert_logs_hold_none_of_at_least(6);
}

/// When Authlete does not hear the decision, the request is not lost: the
/// user sees it again on her device and decides once Authlete is back.
#[tokio::test]
async fn a_ciba_decision_authlete_did_not_hear_can_be_made_again() {
    let provider = start().await;
    let endpoint = provider.url("/backchannel/authentication");
    let (status, started) = provider
        .ciba_request(
            &endpoint,
            &[
                ("scope", "openid"),
                ("login_hint", USERNAME),
                ("binding_message", "K9P2"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let auth_req_id = started["auth_req_id"]
        .as_str()
        .expect("an auth_req_id")
        .to_owned();
    provider.saw(&auth_req_id);
    provider.authlete.script(
        &ciba::COMPLETE,
        authlete::testing::MockReply::error(400, "A999", "refused once"),
    );
    let mut browser = Browser::new(&provider);
    let sign_in = browser
        .get(Url::parse(&provider.url("/ciba")).expect("URL"))
        .await;
    let decision = browser.sign_in(&sign_in).await;
    let failed = browser
        .submit(&decision, &[], Some(("decision", "approve")))
        .await;
    assert_eq!(failed.status, 500, "{}", failed.html);
    let again = browser.sign_in(&sign_in).await;
    assert!(
        again.html.contains("K9P2"),
        "the request waits again: {}",
        again.html
    );
    let done = browser
        .submit(&again, &[], Some(("decision", "approve")))
        .await;
    assert!(done.html.contains("Allowed"), "{}", done.html);
    provider
        .authlete
        .advance_clock(std::time::Duration::from_secs(5));
    let (status, tokens) = provider.ciba_poll(&auth_req_id).await;
    assert_eq!(status, 200, "{tokens}");
    provider.saw(tokens["access_token"].as_str().expect("a token"));
    provider.saw(tokens["id_token"].as_str().expect("an ID token"));
}

/// The delegate's refusals reach the client as CIBA Core §13 names them.
#[tokio::test]
async fn a_ciba_request_for_nobody_the_provider_knows_is_refused() {
    let provider = start().await;
    let endpoint = provider.url("/backchannel/authentication");
    let (status, refused) = provider
        .ciba_request(&endpoint, &[("scope", "openid"), ("login_hint", "mallory")])
        .await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("unknown_user_id")),
        "{refused}"
    );
    let long = "x".repeat(41);
    let (status, refused) = provider
        .ciba_request(
            &endpoint,
            &[
                ("scope", "openid"),
                ("login_hint", "alice@example.com"),
                ("binding_message", &long),
            ],
        )
        .await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("invalid_binding_message")),
        "{refused}"
    );
    // Nothing waits on alice's device.
    let mut browser = Browser::new(&provider);
    let sign_in = browser
        .get(Url::parse(&provider.url("/ciba")).expect("URL"))
        .await;
    let empty = browser.sign_in(&sign_in).await;
    assert!(
        empty.html.contains("No request is waiting"),
        "{}",
        empty.html
    );
}

/// FAPI Grant Management with a client written from the spec: a code flow
/// with `grant_management_action=create` gets a `grant_id`; a second one
/// merges more scopes into it; the client reads the grant, then revokes
/// it, which ends the tokens issued under it.
#[tokio::test]
async fn a_client_reads_merges_and_revokes_a_grant() {
    let provider = start().await;
    let endpoint = provider.metadata["grant_management_endpoint"]
        .as_str()
        .expect("discovery names the grant management endpoint")
        .to_owned();

    let (first, grant_id) = provider
        .code_flow_with_grant(
            &["openid", "email"],
            &[("grant_management_action", "create")],
        )
        .await;
    let grant_id = grant_id.expect("a grant_id in the token response");
    provider.saw(&first);

    // The client's own token for managing grants.
    let manager = provider
        .client
        .exchange_client_credentials()
        .add_scope(Scope::new("grant_management_query".into()))
        .add_scope(Scope::new("grant_management_revoke".into()))
        .request_async(&provider.http)
        .await
        .expect("client credentials for grant management");
    let manager = provider.tokens(&manager).access;
    let grant_url = format!("{endpoint}/{grant_id}");
    let read = |token: &AccessToken| {
        no_redirects()
            .get(&grant_url)
            .bearer_auth(token.secret())
            .send()
    };
    let answer = read(&manager).await.expect("an answer");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["cache-control"], "no-store");
    let grant: Value = answer.json().await.expect("JSON");
    assert_eq!(grant["scopes"][0]["scope"], "openid email", "{grant}");

    // Merging adds the second request's scopes to the same grant.
    let (second, merged_into) = provider
        .code_flow_with_grant(
            &["openid", "profile"],
            &[
                ("grant_management_action", "merge"),
                ("grant_id", &grant_id),
            ],
        )
        .await;
    provider.saw(&second);
    assert_eq!(merged_into.as_deref(), Some(grant_id.as_str()));
    let grant: Value = read(&manager)
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        grant["scopes"][0]["scope"], "openid email profile",
        "{grant}"
    );

    // A token without the scope may not read grants; a user's token is one.
    let user_token = AccessToken::new(second.clone());
    assert_eq!(read(&user_token).await.expect("an answer").status(), 403);

    // Revoked: the grant is gone, and so are the tokens issued under it.
    let revoked = no_redirects()
        .delete(&grant_url)
        .bearer_auth(manager.secret())
        .send()
        .await
        .expect("an answer");
    assert_eq!(revoked.status(), 204);
    for token in [&first, &second] {
        let (active, _) = provider.introspect(&AccessToken::new(token.clone())).await;
        assert!(!active, "a token of the revoked grant still works");
    }
    assert_eq!(read(&manager).await.expect("an answer").status(), 404);
    let (active, _) = provider.introspect(&manager).await;
    assert!(active, "the client's own token is not part of the grant");

    // A grant_id the client does not hold is refused at the authorization
    // endpoint, back at the client's redirect URI.
    let (mut url, _) = provider.request_for(&["openid"], "gm");
    url.query_pairs_mut()
        .append_pair("grant_management_action", "merge")
        .append_pair("grant_id", "no-such-grant");
    let refused = Browser::new(&provider).get(url).await;
    let answer = provider.redirect_to_client(&refused);
    assert_eq!(
        answer.get("error").map(String::as_str),
        Some("invalid_grant_id")
    );
    provider.assert_logs_hold_none_of_at_least(6);
}

/// A wallet written from OpenID4VCI: it finds the credential endpoint in
/// the issuer metadata, asks with alice's access token, and verifies the
/// credential's signature against the issuer's published keys; a batch
/// gets one credential per request; a token for nobody is deferred and
/// stays pending; an offer is served by reference, never cached.
#[tokio::test]
async fn a_wallet_gets_a_signed_credential_for_alice() {
    let provider = start().await;
    let metadata: Value = reqwest::get(provider.url("/.well-known/openid-credential-issuer"))
        .await
        .expect("metadata")
        .json()
        .await
        .expect("JSON");
    assert_eq!(metadata["credential_issuer"], provider.issuer.as_str());
    let endpoint = |name: &str| metadata[name].as_str().expect(name).to_owned();
    let alice = provider.code_flow().await.access;

    let wallet = |url: String, token: &AccessToken, body: Value| {
        let token = token.secret().clone();
        async move {
            let response = no_redirects()
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("the issuer answers");
            let status = response.status().as_u16();
            let cache = response
                .headers()
                .get("cache-control")
                .map(|v| v.to_str().expect("text").to_owned());
            // A 401 carries its challenge in a header, and no body.
            let body = response.text().await.expect("a body");
            let json = serde_json::from_str(&body).unwrap_or(Value::Null);
            (status, cache, json)
        }
    };
    let (status, cache, issued) = wallet(
        endpoint("credential_endpoint"),
        &alice,
        json!({"credential_configuration_id": "IdentityCredential"}),
    )
    .await;
    assert_eq!(status, 200, "{issued}");
    assert_eq!(cache.as_deref(), Some("no-store"));
    let credential = issued["credential"].as_str().expect("a credential");
    provider.saw(credential);

    // The issuer's keys, as the JWT VC issuer metadata names them.
    let jwt_issuer: Value = reqwest::get(provider.url("/.well-known/jwt-vc-issuer"))
        .await
        .expect("JWT VC issuer metadata")
        .json()
        .await
        .expect("JSON");
    let jwks: jsonwebtoken::jwk::JwkSet =
        reqwest::get(jwt_issuer["jwks_uri"].as_str().expect("jwks_uri"))
            .await
            .expect("keys")
            .json()
            .await
            .expect("a JWK Set");
    let header = jsonwebtoken::decode_header(credential).expect("a JWS");
    let jwk = jwks
        .find(header.kid.as_deref().expect("a kid"))
        .expect("the signing key is published");
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let verified = jsonwebtoken::decode::<Value>(
        credential,
        &jsonwebtoken::DecodingKey::from_jwk(jwk).expect("a key"),
        &validation,
    )
    .expect("the signature verifies");
    let claims = verified.claims;
    assert_eq!(claims["iss"], provider.issuer.as_str());
    assert_eq!(claims["sub"], ALICE);
    assert_eq!(claims["vc"]["credentialSubject"]["given_name"], "Alice");
    assert_eq!(
        claims["vc"]["credentialSubject"]["email"],
        "alice@example.com"
    );

    let (status, _, batch) = wallet(
        endpoint("batch_credential_endpoint"),
        &alice,
        json!({"credential_requests": [{"format": "jwt_vc_json"}, {"credential_configuration_id": "IdentityCredential"}]}),
    )
    .await;
    assert_eq!(status, 200, "{batch}");
    let responses = batch["credential_responses"].as_array().expect("responses");
    assert_eq!(responses.len(), 2);
    for response in responses {
        provider.saw(response["credential"].as_str().expect("a credential"));
    }
    let (status, _, refused) = wallet(
        endpoint("credential_endpoint"),
        &alice,
        json!({"credential_configuration_id": "DriverLicence"}),
    )
    .await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("unsupported_credential_type"))
    );

    // Nobody to describe: deferred, then pending.
    let nobody = provider
        .client
        .exchange_client_credentials()
        .request_async(&provider.http)
        .await
        .expect("client credentials");
    let nobody = provider.tokens(&nobody).access;
    let (status, _, deferred) = wallet(
        endpoint("credential_endpoint"),
        &nobody,
        json!({"format": "jwt_vc_json"}),
    )
    .await;
    assert_eq!(status, 202, "{deferred}");
    let transaction = deferred["transaction_id"]
        .as_str()
        .expect("a transaction_id");
    let (status, _, pending) = wallet(
        endpoint("deferred_credential_endpoint"),
        &nobody,
        json!({"transaction_id": transaction}),
    )
    .await;
    assert_eq!(
        (status, pending["error"].as_str()),
        (400, Some("issuance_pending"))
    );
    let (status, _, _) = wallet(
        endpoint("deferred_credential_endpoint"),
        &alice,
        json!({"transaction_id": transaction}),
    )
    .await;
    assert_eq!(status, 400, "another token's transaction is unknown to it");
    let (status, _, _) = wallet(
        endpoint("credential_endpoint"),
        &AccessToken::new("forged".into()),
        json!({"format": "jwt_vc_json"}),
    )
    .await;
    assert_eq!(status, 401);

    // An offer, by reference.
    let offer = provider
        .authlete
        .client()
        .expect("client")
        .credential_issuer()
        .create_offer(["IdentityCredential"], ALICE)
        .pre_authorized_code_grant_included(true)
        .send()
        .await
        .expect("an offer");
    let info = offer.info().expect("its info");
    let code = info
        .pre_authorized_code
        .clone()
        .expect("a pre-authorized code");
    provider.saw(&code);
    let url = provider.url(&format!(
        "/credential-offer/{}",
        info.identifier.as_deref().expect("an identifier")
    ));
    let served = reqwest::get(url).await.expect("the offer");
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["cache-control"], "no-store");
    let served: Value = served.json().await.expect("JSON");
    assert_eq!(served["credential_issuer"], provider.issuer.as_str());
    provider.assert_logs_hold_none_of_at_least(8);
}

/// A relying party written from OpenID Federation 1.0: it reads and
/// checks the provider's entity configuration, registers explicitly with
/// its own self-signed one, checks the registration statement against the
/// provider's keys, then signs alice in under its entity ID.
#[tokio::test]
async fn a_federation_relying_party_registers_then_signs_alice_in() {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    use jsonwebtoken::jwk::{Jwk, JwkSet, ThumbprintHash};
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};

    const RP: &str = "https://rp.example";
    const RP_CALLBACK: &str = "https://rp.example/cb";
    let provider = start().await;

    // The provider's entity configuration: self-signed, its keys inside.
    let response = reqwest::get(provider.url("/.well-known/openid-federation"))
        .await
        .expect("the entity configuration");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/entity-statement+jwt"
    );
    let op_configuration = response.text().await.expect("a JWT");
    let verify = |jwt: &str, keys: &JwkSet| {
        let header = jsonwebtoken::decode_header(jwt).expect("a JWS");
        assert_eq!(header.typ.as_deref(), Some("entity-statement+jwt"));
        let jwk = keys
            .find(header.kid.as_deref().expect("a kid"))
            .expect("a known key");
        let mut validation = jsonwebtoken::Validation::new(header.alg);
        validation.validate_aud = false;
        jsonwebtoken::decode::<Value>(
            jwt,
            &DecodingKey::from_jwk(jwk).expect("a key"),
            &validation,
        )
        .expect("the signature verifies")
        .claims
    };
    let op_keys: JwkSet =
        serde_json::from_value(jwt_claims(&op_configuration)["jwks"].clone()).expect("jwks");
    let op = verify(&op_configuration, &op_keys);
    assert_eq!(op["iss"], provider.issuer.as_str());
    assert_eq!(op["sub"], provider.issuer.as_str());
    let registration_endpoint =
        op["metadata"]["openid_provider"]["federation_registration_endpoint"]
            .as_str()
            .expect("an explicit registration endpoint")
            .to_owned();

    // The relying party's own key and entity configuration.
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("a key");
    let private = EncodingKey::from_ec_der(pair.to_pkcs8v1().expect("PKCS #8").as_ref());
    let mut jwk = Jwk::from_encoding_key(&private, Algorithm::ES256).expect("a JWK");
    let kid = jwk
        .thumbprint(ThumbprintHash::SHA256)
        .expect("a thumbprint");
    jwk.common.key_id = Some(kid.clone());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let sign = |claims: &Value| {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid.clone());
        header.typ = Some("entity-statement+jwt".into());
        jsonwebtoken::encode(&header, claims, &private).expect("signed")
    };
    let metadata = json!({
        "client_name": "Federated RP",
        "redirect_uris": [RP_CALLBACK],
        "response_types": ["code"],
        "token_endpoint_auth_method": "private_key_jwt",
    });
    let configuration = sign(&json!({
        "iss": RP, "sub": RP, "iat": now, "exp": now + 3600,
        "jwks": {"keys": [jwk]},
        "metadata": {"openid_relying_party": metadata},
        "authority_hints": ["https://trust-anchor.example"],
    }));
    let register = |body: String| {
        no_redirects()
            .post(&registration_endpoint)
            .header("content-type", "application/entity-statement+jwt")
            .body(body)
            .send()
    };
    let registered = register(configuration).await.expect("an answer");
    assert_eq!(registered.status(), 200);
    assert_eq!(
        registered.headers()["content-type"],
        "application/entity-statement+jwt"
    );
    let statement = verify(&registered.text().await.expect("a JWT"), &op_keys);
    assert_eq!(statement["iss"], provider.issuer.as_str());
    assert_eq!(statement["sub"], RP);
    assert_eq!(statement["aud"], RP);
    assert_eq!(
        statement["metadata"]["openid_relying_party"]["client_id"],
        RP
    );

    // Not self-issued, or tampered with: refused.
    let forged = sign(&json!({
        "iss": "https://evil.example", "sub": RP, "iat": now, "exp": now + 3600,
        "jwks": {"keys": []}, "metadata": {"openid_relying_party": metadata},
    }));
    assert_eq!(register(forged).await.expect("an answer").status(), 400);
    let mut parts: Vec<String> = sign(&json!({"iss": RP, "sub": RP, "exp": now + 3600, "jwks": {"keys": [jwk]}, "metadata": {"openid_relying_party": metadata}}))
        .split('.')
        .map(str::to_owned)
        .collect();
    parts[2] = parts[2].chars().rev().collect();
    assert_eq!(
        register(parts.join(".")).await.expect("an answer").status(),
        400
    );

    // The registered relying party signs alice in under its entity ID.
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut start = Url::parse(&provider.url("/authorize")).expect("URL");
    start
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", RP)
        .append_pair("redirect_uri", RP_CALLBACK)
        .append_pair("scope", "openid")
        .append_pair("state", "fed")
        .append_pair("code_challenge", challenge.as_str())
        .append_pair("code_challenge_method", "S256");
    let mut browser = Browser::new(&provider);
    let login = browser.get(start).await;
    assert!(login.html.contains("Federated RP"), "{}", login.html);
    let consent = browser.sign_in(&login).await;
    let back = browser
        .submit(&consent, &[], Some(("decision", "approve")))
        .await;
    assert_eq!(back.status, 302, "{}", back.html);
    let location = Url::parse(back.location.as_deref().expect("a Location")).expect("URL");
    assert!(location.as_str().starts_with(RP_CALLBACK), "{location}");
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .expect("a code")
        .1
        .into_owned();
    provider.saw(&code);
    let tokens: Value = no_redirects()
        .post(provider.url("/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", RP_CALLBACK),
            ("client_id", RP),
            ("code_verifier", verifier.secret()),
        ])
        .send()
        .await
        .expect("the token endpoint answers")
        .json()
        .await
        .expect("JSON");
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    provider.saw(tokens["access_token"].as_str().expect("an access token"));
    provider.saw(id_token);
    let claims = jwt_claims(id_token);
    assert_eq!(claims["aud"], RP);
    assert_eq!(claims["sub"], ALICE);
    provider.assert_logs_hold_none_of_at_least(6);
}

/// RFC 7591 registration by `openidconnect`'s registration client, then
/// RFC 7592 management with the registration access token it got.
#[tokio::test]
async fn a_client_registers_itself_then_reads_updates_and_deletes_itself() {
    use openidconnect::core::CoreClientRegistrationRequest;
    use openidconnect::registration::EmptyAdditionalClientMetadata;
    use openidconnect::{ClientName, RegistrationUrl};

    let provider = start().await;
    let registration_url = provider.metadata["registration_endpoint"]
        .as_str()
        .expect("discovery names the registration endpoint")
        .to_owned();
    assert_eq!(registration_url, provider.url("/register"));
    let registered = CoreClientRegistrationRequest::new(
        vec![RedirectUrl::new("https://rp.example/cb".into()).expect("URL")],
        EmptyAdditionalClientMetadata::default(),
    )
    .set_client_name(Some(ClientName::new("Registered RP".into()).into()))
    .register_async(
        &RegistrationUrl::new(registration_url).expect("URL"),
        &provider.http,
    )
    .await
    .expect("registration succeeds");
    let id = registered.client_id().to_string();
    let secret = registered
        .client_secret()
        .expect("a secret")
        .secret()
        .clone();
    let token = registered
        .registration_access_token()
        .expect("a registration access token")
        .secret()
        .clone();
    let uri = registered
        .registration_client_uri()
        .expect("a registration client URI")
        .to_string();
    provider.saw(&secret);
    provider.saw(&token);
    assert_eq!(uri, provider.url(&format!("/register/{id}")));

    // The new client can use the token endpoint at once.
    let client = BasicClient::new(ClientId::new(id.clone()))
        .set_client_secret(ClientSecret::new(secret))
        .set_token_uri(TokenUrl::new(provider.url("/token")).expect("URL"));
    let tokens = client
        .exchange_client_credentials()
        .request_async(&provider.http)
        .await
        .expect("client credentials for the registered client");
    provider.saw(tokens.access_token().secret());

    let http = reqwest::Client::new();
    let read = http
        .get(&uri)
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET");
    assert_eq!(read.status(), 200);
    let metadata: Value = read.json().await.expect("JSON");
    assert_eq!(metadata["client_name"], "Registered RP");
    let renamed = json_metadata(&id, "Renamed RP");
    let updated = http
        .put(&uri)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(renamed)
        .send()
        .await
        .expect("PUT");
    assert_eq!(updated.status(), 200);
    let metadata: Value = updated.json().await.expect("JSON");
    assert_eq!(metadata["client_name"], "Renamed RP");

    let stranger = http
        .get(&uri)
        .bearer_auth("not-the-token")
        .send()
        .await
        .expect("GET");
    assert_eq!(stranger.status(), 401);
    assert_eq!(
        stranger.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let deleted = http
        .delete(&uri)
        .bearer_auth(&token)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(deleted.status(), 204);
    let gone = http
        .get(&uri)
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET");
    assert_eq!(
        gone.status(),
        401,
        "RFC 7592 §2.1: a deleted client is a 401"
    );
    provider.assert_logs_hold_none_of_at_least(5);
}

/// RFC 7591 metadata naming the client `id`, for an RFC 7592 update.
fn json_metadata(id: &str, name: &str) -> String {
    serde_json::json!({
        "client_id": id,
        "client_name": name,
        "redirect_uris": ["https://rp.example/cb"],
    })
    .to_string()
}
