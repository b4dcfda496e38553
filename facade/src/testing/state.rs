//! What the mock remembers between requests: the clients, the tickets, codes
//! and pushed requests still open, the tokens, and the mock's own clock.
//!
//! Memory stays bounded whatever the traffic: everything that expires is
//! swept once it has (at most once per second of the mock's clock, so a
//! busy mock does not walk its maps on every request), and each map holds
//! at most [`MAX_OPEN`] entries (tokens: [`MAX_TOKENS`]); a new entry in a
//! full map pushes out the one that would expire first. Authlete has no
//! such cap; the mock has one because an authorization server under test,
//! or the offline example, may face unauthenticated traffic that opens a
//! ticket per request, and tickets live a day.
//!
//! None of these types derives `Debug`: they hold secrets, codes and tokens,
//! and a test that prints the mock must not print them.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::keys::SigningAlg;
use super::{MockReply, RecordedRequest};

/// How long what the mock hands out stays valid, in seconds.
pub(super) const ACCESS_TOKEN_LIFETIME: i64 = 3600;
pub(super) const REFRESH_TOKEN_LIFETIME: i64 = 86_400;
pub(super) const ID_TOKEN_LIFETIME: i64 = 3600;
pub(super) const CODE_LIFETIME: i64 = 600;
pub(super) const PUSHED_REQUEST_LIFETIME: i64 = 600;
/// Authorization tickets live a day at Authlete; the mock gives password
/// tickets the same lifetime.
pub(super) const TICKET_LIFETIME: i64 = 86_400;
/// How long an expired token is still remembered, so that introspection
/// can tell "expired" from "unknown" before the record goes.
const EXPIRED_TOKEN_MEMORY: i64 = 86_400;

/// How long an expired device or CIBA request is still remembered.
pub(super) const EXPIRED_REQUEST_MEMORY: i64 = 600;

/// The most tickets (of each kind), codes or pushed requests kept open.
pub(super) const MAX_OPEN: usize = 4096;
/// The most token records kept.
pub(super) const MAX_TOKENS: usize = 10_000;

/// The scopes a new mock supports: OpenID Connect's (Core §5.4, §11), and
/// FAPI Grant Management's for reading and deleting grants.
pub(super) const DEFAULT_SCOPES: [&str; 8] = [
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
    "grant_management_query",
    "grant_management_revoke",
];

/// The issuer the mock announces until a test sets another.
pub(super) const DEFAULT_ISSUER: &str = "https://mock-issuer.example";

/// A client the mock knows.
pub(super) struct RegisteredClient {
    /// Authlete's numeric client ID; the registered string is its alias.
    pub(super) number: i64,
    pub(super) secret: Option<String>,
    pub(super) name: Option<String>,
    pub(super) redirect_uris: Vec<String>,
    /// The response types it may ask for (`code` unless registered).
    pub(super) response_types: Vec<ResponseType>,
    /// `id_token_signed_response_alg` (RS256 unless registered).
    pub(super) id_token_alg: SigningAlg,
    /// `userinfo_signed_response_alg`: UserInfo answers as a signed JWT.
    pub(super) userinfo_alg: Option<SigningAlg>,
    /// The scopes it may ask for, once an administrator limited them
    /// (Authlete's `requestableScopesEnabled`); `None` while unlimited.
    pub(super) requestable_scopes: Option<Vec<String>>,
}

impl RegisteredClient {
    /// `scopes` without those the client may not ask for: Authlete drops
    /// them from the request rather than refusing it.
    pub(super) fn requestable(&self, scopes: Vec<String>) -> Vec<String> {
        match &self.requestable_scopes {
            None => scopes,
            Some(allowed) => scopes.into_iter().filter(|s| allowed.contains(s)).collect(),
        }
    }
}

/// What a subject has granted a client, as Authlete's granted-scopes
/// records keep it: the scopes of the last grant and of all grants.
pub(super) struct GrantedScopes {
    pub(super) latest: Vec<String>,
    pub(super) merged: Vec<String>,
    /// Milliseconds since the epoch, as Authlete reports it.
    pub(super) modified_at: i64,
}

/// A ticket a password grant handed out and nobody has spent yet.
pub(super) struct PendingTicket {
    pub(super) client_id: String,
    /// Whether the client named itself by its alias.
    pub(super) alias_used: bool,
    pub(super) scopes: Vec<String>,
    pub(super) expires_at: i64,
}

/// How the authorization response travels back to the client.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

/// What an authorization request asks the authorization endpoint to give
/// back (OAuth 2.0 Multiple Response Type Encoding Practices): any
/// combination of a code, an access token and an ID token.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct ResponseType {
    pub(super) code: bool,
    pub(super) token: bool,
    pub(super) id_token: bool,
}

impl ResponseType {
    /// The code flow's `code`.
    pub(super) const CODE: ResponseType = ResponseType {
        code: true,
        token: false,
        id_token: false,
    };

    /// OpenID Connect's implicit flow without an access token.
    pub(super) const ID_TOKEN: ResponseType = ResponseType {
        code: false,
        token: false,
        id_token: true,
    };

    /// A `response_type` value, its words in any order, each once; `None`
    /// for anything else (`none` included: the mock does not offer it).
    pub(super) fn parse(value: &str) -> Option<ResponseType> {
        let mut parsed = ResponseType {
            code: false,
            token: false,
            id_token: false,
        };
        for word in value.split(' ').filter(|w| !w.is_empty()) {
            let flag = match word {
                "code" => &mut parsed.code,
                "token" => &mut parsed.token,
                "id_token" => &mut parsed.id_token,
                _ => return None,
            };
            if *flag {
                return None;
            }
            *flag = true;
        }
        (parsed.code || parsed.token || parsed.id_token).then_some(parsed)
    }

    /// Whether the answer travels in the fragment unless the client asks
    /// otherwise: whenever a token comes from the authorization endpoint.
    pub(super) fn fragment_by_default(self) -> bool {
        self.token || self.id_token
    }

    /// The value in the canonical order discovery lists.
    pub(super) fn name(self) -> String {
        let words: Vec<&str> = [
            (self.code, "code"),
            (self.id_token, "id_token"),
            (self.token, "token"),
        ]
        .iter()
        .filter_map(|(on, word)| on.then_some(*word))
        .collect();
        words.join(" ")
    }
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
    pub(super) response_type: ResponseType,
    /// Whether the ID token must say when the end-user authenticated:
    /// `max_age` was given, or `auth_time` asked for through `claims`
    /// (OpenID Connect Core §2, §5.5.1).
    pub(super) auth_time_asked: bool,
    /// The `claims` parameter's `id_token` member (§5.5).
    pub(super) id_token_claims: Option<serde_json::Map<String, serde_json::Value>>,
    /// The `claims` parameter's `userinfo` member (§5.5), which travels with
    /// the grant to the UserInfo endpoint.
    pub(super) userinfo_claims: Option<serde_json::Map<String, serde_json::Value>>,
    /// `acr_values`, most preferred first.
    pub(super) acrs: Vec<String>,
    /// What the request asks to do with grants (FAPI Grant Management).
    pub(super) grant: Option<super::grants::GrantAction>,
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
    /// The `claims` parameter's `userinfo` member from the authorization
    /// request, for `/auth/userinfo`.
    pub(super) userinfo_claims: Option<serde_json::Map<String, serde_json::Value>>,
    /// The grant the tokens belong to (FAPI Grant Management), if any.
    pub(super) grant_id: Option<String>,
}

impl TokenRecord {
    /// When the last of its tokens stops working.
    fn last_expiry(&self) -> i64 {
        if self.refresh_token.is_some() {
            self.access_expires_at.max(self.refresh_expires_at)
        } else {
            self.access_expires_at
        }
    }
}

/// Something the mock keeps until a moment on its clock.
pub(super) trait Expiring {
    fn expires_at(&self) -> i64;
}

impl Expiring for PendingTicket {
    fn expires_at(&self) -> i64 {
        self.expires_at
    }
}

impl Expiring for AuthorizationTicket {
    fn expires_at(&self) -> i64 {
        self.expires_at
    }
}

impl Expiring for CodeGrant {
    fn expires_at(&self) -> i64 {
        self.expires_at
    }
}

impl Expiring for PushedRequest {
    fn expires_at(&self) -> i64 {
        self.expires_at
    }
}

/// Inserts into a map of at most [`MAX_OPEN`] entries; when it is full, the
/// entry that would expire first makes room, the oldest of those that
/// expire in the same second (expiries are whole seconds, so many tie).
pub(super) fn insert_bounded<V: Expiring>(map: &mut HashMap<String, V>, key: String, value: V) {
    insert_bounded_by(map, key, value, Expiring::expires_at);
}

/// [`insert_bounded`] for values whose expiry `expires_at` reads.
pub(super) fn insert_bounded_by<V>(
    map: &mut HashMap<String, V>,
    key: String,
    value: V,
    expires_at: impl Fn(&V) -> i64,
) {
    if map.len() >= MAX_OPEN && !map.contains_key(&key) {
        let first = map
            .iter()
            .min_by_key(|(k, v)| (expires_at(v), issued_as(k)))
            .map(|(k, _)| k.clone());
        if let Some(first) = first {
            map.remove(&first);
        }
    }
    map.insert(key, value);
}

/// The counter in an identifier the mock made (`mock-<kind>-<n>-<hash>`):
/// the order it was handed out in. Other keys sort last.
fn issued_as(key: &str) -> u64 {
    key.split('-')
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// Everything the mock remembers, shared by all connections.
pub(super) struct State {
    pub(super) clients: HashMap<String, RegisteredClient>,
    pub(super) issuer: Option<String>,
    /// The scopes the service supports; a request for any other is refused.
    pub(super) supported_scopes: Vec<String>,
    pub(super) tickets: HashMap<String, PendingTicket>,
    pub(super) authorization_tickets: HashMap<String, AuthorizationTicket>,
    pub(super) codes: HashMap<String, CodeGrant>,
    pub(super) pushed: HashMap<String, PushedRequest>,
    pub(super) tokens: Vec<TokenRecord>,
    /// Granted scopes by client key and subject; kept apart from the tokens,
    /// as Authlete keeps them: deleting the record leaves the tokens alone.
    pub(super) granted: HashMap<(String, String), GrantedScopes>,
    /// The device flow's open requests (see `device`).
    pub(super) devices: HashMap<String, super::device::DeviceRequest>,
    /// Credential requests and deferred transactions (see `credentials`).
    pub(super) credentials: super::credentials::Credentials,
    /// Grants by ID (see `grants`).
    pub(super) grants: super::grants::Grants,
    /// CIBA's open requests (see `ciba`).
    pub(super) backchannel: super::ciba::Backchannel,
    /// Keys, credential offers and registrations (see `records`).
    pub(super) records: super::records::Records,
    /// The service's settings, once read or written (see `admin`).
    pub(super) service: Option<serde_json::Map<String, serde_json::Value>>,
    /// Services made through the API, by API key (the mock serves only
    /// its own, `service`).
    pub(super) services:
        std::collections::BTreeMap<i64, serde_json::Map<String, serde_json::Value>>,
    /// Whether `/service/delete` deleted the mock's own service.
    pub(super) service_deleted: bool,
    /// The clients made through the administration API, by client ID.
    pub(super) admin_clients:
        std::collections::BTreeMap<i64, serde_json::Map<String, serde_json::Value>>,
    /// How far tests have moved the clock forward.
    pub(super) clock_offset: Duration,
    /// When (on the mock's clock) expired entries were last swept.
    last_sweep: i64,
    /// Scripted replies by operationId.
    pub(super) scripts: HashMap<&'static str, VecDeque<MockReply>>,
    pub(super) requests: VecDeque<RecordedRequest>,
    /// How many requests to keep; `None` keeps them all.
    pub(super) record_limit: Option<usize>,
    pub(super) counter: u64,
}

impl Default for State {
    fn default() -> State {
        State {
            clients: HashMap::new(),
            issuer: None,
            supported_scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            tickets: HashMap::new(),
            authorization_tickets: HashMap::new(),
            codes: HashMap::new(),
            pushed: HashMap::new(),
            tokens: Vec::new(),
            granted: HashMap::new(),
            devices: HashMap::new(),
            credentials: Default::default(),
            grants: Default::default(),
            backchannel: Default::default(),
            records: Default::default(),
            service: None,
            services: Default::default(),
            service_deleted: false,
            admin_clients: Default::default(),
            clock_offset: Duration::ZERO,
            last_sweep: 0,
            scripts: HashMap::new(),
            requests: VecDeque::new(),
            record_limit: None,
            counter: 0,
        }
    }
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

    /// Authlete's identity fields for the client registered under `key`:
    /// `clientId` (its number) and, when it was registered under a string
    /// that is not a number, `clientIdAlias`.
    pub(super) fn client_identity(&self, key: &str) -> serde_json::Value {
        let mut fields = serde_json::json!({});
        if let Some(client) = self.clients.get(key) {
            fields["clientId"] = serde_json::json!(client.number);
        }
        if key.parse::<i64>().is_err() {
            fields["clientIdAlias"] = serde_json::json!(key);
        }
        fields
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

    /// Keeps a new token record; with [`MAX_TOKENS`] kept already, the one
    /// that expires first goes.
    pub(super) fn keep_token(&mut self, record: TokenRecord) {
        if self.tokens.len() >= MAX_TOKENS
            && let Some(first) = self
                .tokens
                .iter()
                .enumerate()
                .min_by_key(|(_, r)| r.last_expiry())
                .map(|(i, _)| i)
        {
            self.tokens.swap_remove(first);
        }
        if let Some(subject) = &record.subject {
            self.grant_scopes(&record.client_id, subject, &record.scopes);
        }
        self.tokens.push(record);
    }

    /// Records that `subject` granted `client_key` `scopes`: they become
    /// the latest grant and join the merged ones. At most [`MAX_TOKENS`]
    /// records are kept; the least recently changed makes room.
    fn grant_scopes(&mut self, client_key: &str, subject: &str, scopes: &[String]) {
        let modified_at = self.now() * 1000;
        let key = (client_key.to_owned(), subject.to_owned());
        if self.granted.len() >= MAX_TOKENS && !self.granted.contains_key(&key) {
            let oldest = self
                .granted
                .iter()
                .min_by_key(|(_, g)| g.modified_at)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.granted.remove(&oldest);
            }
        }
        let entry = self.granted.entry(key).or_insert_with(|| GrantedScopes {
            latest: Vec::new(),
            merged: Vec::new(),
            modified_at,
        });
        entry.latest = scopes.to_vec();
        for scope in scopes {
            if !entry.merged.contains(scope) {
                entry.merged.push(scope.clone());
            }
        }
        entry.modified_at = modified_at;
    }

    /// Records a request, keeping no more than the limit.
    pub(super) fn record(&mut self, request: RecordedRequest) {
        if self.record_limit == Some(0) {
            return;
        }
        self.requests.push_back(request);
        if let Some(limit) = self.record_limit {
            while self.requests.len() > limit {
                self.requests.pop_front();
            }
        }
    }

    /// Forgets what has expired: tickets, codes and pushed requests at once,
    /// tokens a day later. Runs at most once per second of the mock's clock.
    pub(super) fn sweep(&mut self) {
        let now = self.now();
        if now <= self.last_sweep {
            return;
        }
        self.last_sweep = now;
        self.tickets.retain(|_, t| t.expires_at > now);
        self.authorization_tickets.retain(|_, t| t.expires_at > now);
        self.codes.retain(|_, c| c.expires_at > now);
        self.pushed.retain(|_, p| p.expires_at > now);
        // Expired device and CIBA requests are kept a while, so that
        // polling hears `expired_token` rather than `invalid_grant`.
        self.devices
            .retain(|_, d| d.waiting.expires_at + EXPIRED_REQUEST_MEMORY > now);
        self.backchannel.sweep(now - EXPIRED_REQUEST_MEMORY);
        self.credentials.sweep(now);
        self.tokens
            .retain(|r| r.last_expiry() + EXPIRED_TOKEN_MEMORY > now);
    }

    /// Whether the service supports every scope in `scopes`; if not, the
    /// first it does not.
    pub(super) fn unsupported_scope<'a>(&self, scopes: &'a [String]) -> Option<&'a str> {
        scopes
            .iter()
            .find(|s| !self.supported_scopes.contains(s))
            .map(String::as_str)
    }
}

/// The claims a scope stands for (OpenID Connect Core §5.4).
pub(super) fn scope_claims(scope: &str) -> &'static [&'static str] {
    match scope {
        "profile" => &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
        "email" => &["email", "email_verified"],
        "address" => &["address"],
        "phone" => &["phone_number", "phone_number_verified"],
        _ => &[],
    }
}

/// The claim names `scopes` stand for, then the members of `requested` (a
/// member of the `claims` parameter), each once, in that order.
pub(super) fn claim_names(
    scopes: &[String],
    requested: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let implied = scopes.iter().flat_map(|s| scope_claims(s).iter().copied());
    let asked = requested
        .into_iter()
        .flat_map(|m| m.keys().map(String::as_str));
    for name in implied.chain(asked) {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_types_parse_in_any_order_once_each() {
        let hybrid = ResponseType::parse("id_token code").expect("hybrid");
        assert!(hybrid.code && hybrid.id_token && !hybrid.token);
        assert_eq!(hybrid.name(), "code id_token");
        assert_eq!(
            ResponseType::parse("token id_token code").map(ResponseType::name),
            Some("code id_token token".to_owned())
        );
        assert!(ResponseType::parse("code code").is_none());
        assert!(ResponseType::parse("none").is_none());
        assert!(ResponseType::parse("").is_none());
        assert!(!ResponseType::CODE.fragment_by_default());
        assert!(ResponseType::parse("code token").is_some_and(|t| t.fragment_by_default()));
    }

    #[test]
    fn claim_names_come_from_scopes_then_the_request_each_once() {
        let scopes = ["openid".to_owned(), "email".to_owned()];
        let requested = serde_json::json!({"email": null, "nickname": {"essential": true}});
        assert_eq!(
            claim_names(&scopes, requested.as_object()),
            ["email", "email_verified", "nickname"]
        );
        assert!(claim_names(&["openid".to_owned()], None).is_empty());
    }

    #[test]
    fn a_full_map_makes_room_by_dropping_what_expires_first() {
        let mut map = HashMap::new();
        for i in 0..MAX_OPEN {
            let expires_at = 1_000 + i64::try_from(i).expect("small");
            insert_bounded(
                &mut map,
                format!("k{i}"),
                PushedRequest {
                    client_id: String::new(),
                    parameters: String::new(),
                    expires_at,
                },
            );
        }
        insert_bounded(
            &mut map,
            "new".to_owned(),
            PushedRequest {
                client_id: String::new(),
                parameters: String::new(),
                expires_at: 5_000,
            },
        );
        assert_eq!(map.len(), MAX_OPEN);
        assert!(!map.contains_key("k0"));
        assert!(map.contains_key("k1") && map.contains_key("new"));
    }
}
