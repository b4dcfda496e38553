//! What the benchmarks share: a fast local stand-in for Authlete's
//! `/auth/token/fail` (hyper, HTTP/1.1 keep-alive, one canned answer) that
//! counts the connections it accepted, and the three ways of calling it.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// The body the server answers every request with: a token-fail response
/// shaped like Authlete's.
pub const FAIL_RESPONSE: &str = r#"{"resultCode":"A067301","resultMessage":"[A067301] The credentials of the resource owner are not valid.","action":"BAD_REQUEST","responseContent":"{\"error\":\"invalid_request\",\"error_description\":\"[A067301] The credentials of the resource owner are not valid.\"}"}"#;

/// The service ID the benchmark calls.
pub const SERVICE: &str = "715948317";
/// The token the benchmark sends.
pub const TOKEN: &str = "bench-service-access-token";

/// A running benchmark server.
pub struct BenchServer {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicUsize>,
}

impl BenchServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

/// Starts the server on the current Tokio runtime.
pub async fn start() -> BenchServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("addr");
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            counter.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                let service = service_fn(
                    |request: hyper::Request<hyper::body::Incoming>| async move {
                        // Read the whole request, as Authlete would.
                        let _ = request.into_body().collect().await;
                        let mut response = hyper::Response::new(Full::new(Bytes::from_static(
                            FAIL_RESPONSE.as_bytes(),
                        )));
                        response.headers_mut().insert(
                            http::header::CONTENT_TYPE,
                            http::HeaderValue::from_static("application/json"),
                        );
                        Ok::<_, std::convert::Infallible>(response)
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    BenchServer { addr, connections }
}

/// One token-fail call through the facade.
pub async fn via_facade(client: &authlete::Client) {
    let response = client
        .tokens()
        .fail(
            "bench-ticket",
            authlete::TokenFailReason::InvalidResourceOwnerCredentials,
        )
        .send()
        .await
        .expect("facade call succeeds");
    assert_eq!(
        response.action(),
        Some(authlete::TokenFailAction::BadRequest)
    );
}

/// One token-fail call through the generated client.
pub async fn via_generated(client: &authlete_generated::Client) {
    use authlete_generated::types;
    let response = client
        .auth_token_fail_api()
        .service_id(SERVICE)
        .body(types::TokenFailRequest {
            ticket: "bench-ticket".into(),
            reason: types::TokenFailReason::InvalidResourceOwnerCredentials,
            extra: Default::default(),
        })
        .send()
        .await
        .expect("generated call succeeds");
    assert_eq!(
        response.into_inner().action,
        Some(types::TokenFailAction::BadRequest)
    );
}

/// The floor: the same POST written by hand with reqwest and serde_json.
pub async fn via_raw(http: &reqwest::Client, url: &str) {
    via_raw_within(http, url, None).await
}

/// [`via_raw`], with reqwest's own per-request `timeout` if one is given:
/// the floor doing what the facade's deadline does.
pub async fn via_raw_within(http: &reqwest::Client, url: &str, timeout: Option<Duration>) {
    let mut request = http
        .post(url)
        .bearer_auth(TOKEN)
        .header(reqwest::header::ACCEPT, "application/json")
        .json(&serde_json::json!({
            "ticket": "bench-ticket",
            "reason": "INVALID_RESOURCE_OWNER_CREDENTIALS"
        }));
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let response = request.send().await.expect("raw call succeeds");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["action"], "BAD_REQUEST");
}

/// A `reqwest::Client` that sends the same `User-Agent` as the facade, so
/// that all three variants put the same request on the wire and the
/// in-process server does the same work for each: the difference measured
/// is the client code, not one header more for the server to parse.
pub fn plain_reqwest() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(authlete::DEFAULT_USER_AGENT)
        .build()
        .expect("reqwest client")
}

/// The three clients, all pointed at `server`.
pub struct Clients {
    pub facade: authlete::Client,
    pub generated: authlete_generated::Client,
    pub raw: reqwest::Client,
    pub raw_url: String,
}

pub fn clients(server: &BenchServer) -> Clients {
    let facade = authlete::Client::builder()
        .service_id(SERVICE)
        .access_token(TOKEN)
        .base_url(server.url())
        .retry_policy(authlete::RetryPolicy::never())
        .build()
        .expect("facade client");
    let auth = http::HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("header");
    let generated = authlete_generated::Client::new_with_client(
        &server.url(),
        plain_reqwest(),
        authlete_generated::hooks::CallContext::with_authorization(auth),
    );
    Clients {
        facade,
        generated,
        raw: plain_reqwest(),
        raw_url: format!("{}/api/{SERVICE}/auth/token/fail", server.url()),
    }
}

/// Peak resident set size of this process in KiB (Linux), if known.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
