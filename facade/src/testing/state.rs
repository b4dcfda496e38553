//! What the mock remembers between requests: the clients, the tickets, codes
//! and pushed requests still open, the tokens, and the mock's own clock.
//!
//! None of these types derives `Debug`: they hold secrets, codes and tokens,
//! and a test that prints the mock must not print them.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{MockReply, RecordedRequest};

/// How long what the mock hands out stays valid, in seconds.
pub(super) const ACCESS_TOKEN_LIFETIME: i64 = 3600;
pub(super) const REFRESH_TOKEN_LIFETIME: i64 = 86_400;
pub(super) const CODE_LIFETIME: i64 = 600;
pub(super) const PUSHED_REQUEST_LIFETIME: i64 = 600;
pub(super) const TICKET_LIFETIME: i64 = 86_400;

/// The issuer the mock announces until a test sets another.
pub(super) const DEFAULT_ISSUER: &str = "https://mock-issuer.example";

/// A client the mock knows.
pub(super) struct RegisteredClient {
    /// Authlete's numeric client ID; the registered string is its alias.
    pub(super) number: i64,
    pub(super) secret: Option<String>,
    pub(super) name: Option<String>,
    pub(super) redirect_uris: Vec<String>,
}

/// A ticket a password grant handed out and nobody has spent yet.
pub(super) struct PendingTicket {
    pub(super) client_id: String,
    pub(super) scope: Option<String>,
}

/// How the authorization response travels back to the client.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ResponseMode {
    Query,
    FormPost,
}

/// The PKCE transformation the client announced (RFC 7636).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ChallengeMethod {
    S256,
    Plain,
}

/// An authorization request that passed validation: what a ticket, and then
/// a code, carries forward.
#[derive(Clone)]
pub(super) struct AuthorizationRequest {
    /// The key the client was registered under.
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    /// Whether the request named the redirect URI (RFC 6749 §4.1.3 then
    /// demands the same value at the token endpoint).
    pub(super) redirect_uri_given: bool,
    pub(super) response_mode: ResponseMode,
    pub(super) scopes: Vec<String>,
    pub(super) state: Option<String>,
    pub(super) nonce: Option<String>,
    pub(super) challenge: Option<(String, ChallengeMethod)>,
    /// Authlete's `Prompt` names (`LOGIN`, `CONSENT`, …).
    pub(super) prompts: Vec<&'static str>,
    pub(super) max_age: Option<i32>,
    pub(super) login_hint: Option<String>,
    /// The end-user the client demands (`claims` → `id_token.sub.value`).
    pub(super) subject: Option<String>,
}

/// An authorization ticket waiting for `/auth/authorization/issue` or `/fail`.
pub(super) struct AuthorizationTicket {
    pub(super) request: AuthorizationRequest,
    pub(super) expires_at: i64,
}

/// An authorization code waiting for the token endpoint.
pub(super) struct CodeGrant {
    pub(super) request: AuthorizationRequest,
    pub(super) subject: String,
    pub(super) auth_time: Option<i64>,
    pub(super) acr: Option<String>,
    /// Claims for the ID token, as `/auth/authorization/issue` gave them.
    pub(super) claims: Option<serde_json::Value>,
    pub(super) expires_at: i64,
}

/// Parameters pushed to `/pushed_auth_req`, waiting under their request URI.
pub(super) struct PushedRequest {
    pub(super) client_id: String,
    pub(super) parameters: String,
    pub(super) expires_at: i64,
}

/// One grant's tokens, as Authlete keeps them: an access token and its
/// refresh token live and die together; a refresh replaces both.
pub(super) struct TokenRecord {
    pub(super) access_token: String,
    pub(super) refresh_token: Option<String>,
    pub(super) client_id: String,
    pub(super) subject: Option<String>,
    /// The access token's scopes.
    pub(super) scopes: Vec<String>,
    /// The grant's scopes, which a refresh may narrow for its access token
    /// but not for later refreshes (RFC 6749 §6).
    pub(super) refresh_scopes: Vec<String>,
    /// Authlete's `grant_type` name (`AUTHORIZATION_CODE`, …).
    pub(super) grant_type: &'static str,
    pub(super) issued_at: i64,
    pub(super) access_expires_at: i64,
    pub(super) refresh_expires_at: i64,
    pub(super) auth_time: Option<i64>,
    pub(super) acr: Option<String>,
}

/// Everything the mock remembers, shared by all connections.
#[derive(Default)]
pub(super) struct State {
    pub(super) clients: HashMap<String, RegisteredClient>,
    pub(super) issuer: Option<String>,
    pub(super) tickets: HashMap<String, PendingTicket>,
    pub(super) authorization_tickets: HashMap<String, AuthorizationTicket>,
    pub(super) codes: HashMap<String, CodeGrant>,
    pub(super) pushed: HashMap<String, PushedRequest>,
    pub(super) tokens: Vec<TokenRecord>,
    /// How far tests have moved the clock forward.
    pub(super) clock_offset: Duration,
    /// Scripted replies by operationId.
    pub(super) scripts: HashMap<&'static str, VecDeque<MockReply>>,
    pub(super) requests: Vec<RecordedRequest>,
    pub(super) counter: u64,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Counts only: the maps' keys are tickets, codes and tokens.
        f.debug_struct("State")
            .field("clients", &self.clients.len())
            .field(
                "open_tickets",
                &(self.tickets.len() + self.authorization_tickets.len()),
            )
            .field("codes", &self.codes.len())
            .field("tokens", &self.tokens.len())
            .field("requests", &self.requests.len())
            .finish_non_exhaustive()
    }
}

impl State {
    /// The issuer the mock announces (`iss`, discovery, ID tokens).
    pub(super) fn issuer(&self) -> &str {
        self.issuer.as_deref().unwrap_or(DEFAULT_ISSUER)
    }

    /// Seconds since the epoch on the mock's clock.
    pub(super) fn now(&self) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            + self.clock_offset;
        i64::try_from(now.as_secs()).unwrap_or(i64::MAX)
    }

    /// A fresh value nobody can predict: tickets, codes and tokens must not
    /// be guessable from the ones a test has seen, or a test could pass by
    /// accident.
    pub(super) fn new_value(&mut self, prefix: &str) -> String {
        self.counter += 1;
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(self.counter);
        format!("mock-{prefix}-{}-{:016x}", self.counter, hasher.finish())
    }

    /// The registered client that `id` names, by its registered string or
    /// by Authlete's number; with the key it is registered under.
    pub(super) fn client(&self, id: &str) -> Option<(&str, &RegisteredClient)> {
        if let Some((key, client)) = self.clients.get_key_value(id) {
            return Some((key, client));
        }
        let number: i64 = id.parse().ok()?;
        self.clients
            .iter()
            .find(|(_, c)| c.number == number)
            .map(|(k, c)| (k.as_str(), c))
    }

    /// A number for a new client: its ID if that is numeric, else the next free one.
    pub(super) fn client_number(&self, id: &str) -> i64 {
        if let Ok(number) = id.parse() {
            return number;
        }
        let mut number = 5_000_000_000 + i64::try_from(self.clients.len()).unwrap_or(0);
        while self.clients.values().any(|c| c.number == number) {
            number += 1;
        }
        number
    }

    /// The record whose access token is `token`, if it is still usable.
    pub(super) fn active_access_token(&self, token: &str) -> Option<&TokenRecord> {
        let now = self.now();
        self.tokens
            .iter()
            .find(|r| r.access_token == token && r.access_expires_at > now)
    }

    /// The record whose refresh token is `token`, if it is still usable.
    pub(super) fn active_refresh_token(&self, token: &str) -> Option<&TokenRecord> {
        let now = self.now();
        self.tokens
            .iter()
            .find(|r| r.refresh_token.as_deref() == Some(token) && r.refresh_expires_at > now)
    }

    /// Forgets the records `revoke` picks; how many there were.
    pub(super) fn revoke(&mut self, revoke: impl Fn(&TokenRecord) -> bool) -> usize {
        let before = self.tokens.len();
        self.tokens.retain(|r| !revoke(r));
        before - self.tokens.len()
    }
}
