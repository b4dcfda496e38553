//! A stand-in for Authlete on 127.0.0.1, for testing code built on this crate.
//!
//! Enabled by the `testing` feature. [`MockAuthlete::start`] binds a random
//! loopback port and serves the token operations the way Authlete behaves,
//! closely enough to test a token endpoint end to end:
//!
//! - `/auth/token` authenticates registered clients (Basic or form
//!   credentials) and answers the password grant with `PASSWORD` and a
//!   single-use ticket, client credentials with `OK`, and anything wrong with
//!   `INVALID_CLIENT` or `BAD_REQUEST`;
//! - `/auth/token/issue` and `/auth/token/fail` spend tickets: a ticket works
//!   once, an unknown or spent ticket gets Authlete's 400 error shape;
//! - the other token operations give plausible canned answers;
//! - requests without the mock's service access token get Authlete's 401.
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

mod behaviour;
mod server;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::operations::OperationInfo;
use crate::{Client, Error, RetryPolicy};

pub use server::MockAuthlete;

/// The service ID the mock serves.
pub const MOCK_SERVICE_ID: &str = "715948317";
/// The service access token the mock accepts.
pub const MOCK_ACCESS_TOKEN: &str = "mock-service-access-token";

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
#[derive(Debug, Clone)]
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

impl RecordedRequest {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

/// A client the mock knows.
#[derive(Debug, Clone)]
struct RegisteredClient {
    secret: Option<String>,
}

/// A ticket `/auth/token` handed out and nobody has spent yet.
#[derive(Debug, Clone)]
struct PendingTicket {
    client_id: String,
    scope: Option<String>,
}

/// Everything the mock remembers, shared by all connections.
#[derive(Debug, Default)]
struct State {
    clients: HashMap<String, RegisteredClient>,
    tickets: HashMap<String, PendingTicket>,
    issued_tokens: Vec<String>,
    /// Scripted replies by operationId.
    scripts: HashMap<&'static str, VecDeque<MockReply>>,
    requests: Vec<RecordedRequest>,
    counter: u64,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
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
    /// authenticate, without one it is public.
    pub fn register_client(&self, client_id: &str, secret: Option<&str>) {
        lock(&self.state).clients.insert(
            client_id.to_owned(),
            RegisteredClient {
                secret: secret.map(str::to_owned),
            },
        );
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

    /// How many tickets were handed out and not yet spent.
    pub fn open_tickets(&self) -> usize {
        lock(&self.state).tickets.len()
    }
}
