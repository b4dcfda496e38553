//! Browser sessions for the login and consent step, bounded in number and
//! lifetime, with one identifier per parked authorization request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use http::header::{COOKIE, HeaderMap, HeaderValue};

use super::forms::random_id;
use crate::endpoint::authorization::Interaction;

/// How many sessions [`BrowserSessions`] keeps, and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionLimits {
    /// Sessions with a logged-in user (default 10,000). When full, the
    /// one unused the longest is dropped (its user logs in again).
    pub max_sessions: usize,
    /// Sessions without a login (default 1,000): what a cookieless
    /// `/authorize` creates. Kept apart, so that unauthenticated traffic
    /// can neither grow the store past this nor push out logged-in users.
    pub max_anonymous: usize,
    /// A session unused for this long is gone (default 1 h).
    pub idle_lifetime: Duration,
    /// A parked authorization request is gone after this long (default
    /// 10 min): the user started and walked away.
    pub interaction_lifetime: Duration,
    /// Requests parked at once in one session, one per open tab (default
    /// 4); a fifth pushes out the oldest.
    pub interactions_per_session: usize,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            max_sessions: 10_000,
            max_anonymous: 1_000,
            idle_lifetime: Duration::from_secs(60 * 60),
            interaction_lifetime: Duration::from_secs(10 * 60),
            interactions_per_session: 4,
        }
    }
}

/// Who logged in on a browser, and when (for `max_age` and `auth_time`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedIn {
    /// The user's subject: the stable identifier tokens are issued for.
    pub subject: String,
    /// When the user entered their credentials.
    pub at: SystemTime,
}

/// Where [`BrowserSessions::park`] put an authorization request.
#[derive(Debug)]
pub struct Parked {
    /// The request's identifier: put it in the login and consent forms as
    /// a hidden field (`interaction`) and pass it back with the post. It
    /// ties the form to the request it shows: a post naming another
    /// request, or a request of another session, finds nothing.
    pub interaction: String,
    /// `Set-Cookie` to send when the browser's session is new.
    pub set_cookie: Option<HeaderValue>,
}

struct Pending {
    id: String,
    parked: Instant,
    interaction: Interaction,
}

struct Session {
    user: Option<LoggedIn>,
    pending: Vec<Pending>,
    used: Instant,
}

#[derive(Default)]
struct Store {
    /// Sessions with a user, by identifier.
    known: HashMap<String, Session>,
    /// Sessions without one.
    anonymous: HashMap<String, Session>,
}

/// The browser sessions of an authorization server's login and consent
/// pages, in memory.
///
/// - A session lives in an `HttpOnly`, `SameSite=Lax` cookie holding 256
///   random bits, `Secure` unless [`secure_cookie(false)`](Self::secure_cookie)
///   (for plain-HTTP development on loopback).
/// - Each parked authorization request gets its own identifier, which the
///   form carries back: two tabs cannot swap their consents.
/// - Logging in moves the session to a new identifier, so one planted in
///   the browser beforehand (session fixation) is worth nothing.
/// - Memory is bounded by [`SessionLimits`]; expired entries are dropped
///   as the store is used.
///
/// For several server instances or sessions that survive a restart, keep
/// the same data in a shared store instead ([`Interaction::save`] gives a
/// serialisable form). `Debug` shows counts, never identifiers: they are
/// as good as a password while they live. Cheap to clone; clones share
/// the sessions.
#[derive(Clone)]
pub struct BrowserSessions {
    limits: Arc<SessionLimits>,
    cookie_name: Arc<str>,
    secure: bool,
    store: Arc<Mutex<Store>>,
}

impl Default for BrowserSessions {
    fn default() -> Self {
        BrowserSessions::new(SessionLimits::default())
    }
}

impl std::fmt::Debug for BrowserSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let store = self.lock();
        f.debug_struct("BrowserSessions")
            .field("limits", &self.limits)
            .field("cookie_name", &self.cookie_name)
            .field("secure", &self.secure)
            .field("logged_in", &store.known.len())
            .field("anonymous", &store.anonymous.len())
            .finish()
    }
}

impl BrowserSessions {
    /// An empty store with `limits`, its cookie named `sid`.
    pub fn new(limits: SessionLimits) -> Self {
        BrowserSessions {
            limits: Arc::new(limits),
            cookie_name: Arc::from("sid"),
            secure: true,
            store: Arc::default(),
        }
    }

    /// Names the session cookie (default `sid`).
    pub fn cookie_name(mut self, name: &str) -> Self {
        self.cookie_name = Arc::from(name);
        self
    }

    /// Whether the cookie is `Secure` (default `true`). Switch it off only
    /// for a server on plain HTTP, such as a development server on
    /// loopback.
    pub fn secure_cookie(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The number of sessions held, logged in or not.
    pub fn len(&self) -> usize {
        let store = self.lock();
        store.known.len() + store.anonymous.len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The user logged in on the browser that sent `headers`, if any.
    pub fn user(&self, headers: &HeaderMap) -> Option<LoggedIn> {
        let now = Instant::now();
        let mut store = self.lock();
        let id = self.find(&mut store, headers, now)?;
        store.known.get(&id).and_then(|s| s.user.clone())
    }

    /// Keeps `interaction` in the browser's session (a new one when the
    /// browser has none) until the user answers. With `log_out`, the user
    /// must log in again first (`prompt=login`, an old login, or another
    /// user expected).
    ///
    /// `None` only when the operating system's random generator fails:
    /// without it no identifier can be safe.
    pub fn park(
        &self,
        headers: &HeaderMap,
        interaction: Interaction,
        log_out: bool,
    ) -> Option<Parked> {
        self.park_at(headers, interaction, log_out, Instant::now())
    }

    fn park_at(
        &self,
        headers: &HeaderMap,
        interaction: Interaction,
        log_out: bool,
        now: Instant,
    ) -> Option<Parked> {
        let interaction_id = random_id()?;
        let mut store = self.lock();
        let (id, mut session, fresh) = match self.find(&mut store, headers, now) {
            Some(id) => {
                let session = store
                    .known
                    .remove(&id)
                    .or_else(|| store.anonymous.remove(&id))?;
                (id, session, false)
            }
            None => {
                let session = Session {
                    user: None,
                    pending: Vec::new(),
                    used: now,
                };
                (random_id()?, session, true)
            }
        };
        if log_out {
            session.user = None;
        }
        if session.pending.len() >= self.limits.interactions_per_session {
            session.pending.remove(0);
        }
        session.pending.push(Pending {
            id: interaction_id.clone(),
            parked: now,
            interaction,
        });
        session.used = now;
        self.insert(&mut store, id.clone(), session, now);
        Some(Parked {
            interaction: interaction_id,
            set_cookie: fresh.then(|| self.cookie(&id)).flatten(),
        })
    }

    /// Runs `f` on the request `interaction` parked in the browser's
    /// session, with the user logged in there; `None` when the session
    /// holds no such request (expired, answered, or another session's).
    pub fn with_interaction<R>(
        &self,
        headers: &HeaderMap,
        interaction: &str,
        f: impl FnOnce(&Interaction, Option<&LoggedIn>) -> R,
    ) -> Option<R> {
        let now = Instant::now();
        let mut store = self.lock();
        let id = self.find(&mut store, headers, now)?;
        let session = store.known.get(&id).or_else(|| store.anonymous.get(&id))?;
        let pending = session.pending.iter().find(|p| p.id == interaction)?;
        Some(f(&pending.interaction, session.user.as_ref()))
    }

    /// Logs `user` in on the browser's session, which must hold the
    /// request `interaction` (the login form's), and moves the session to
    /// a new identifier: send the returned `Set-Cookie`. `None` when there
    /// is no such request in the session.
    pub fn log_in(
        &self,
        headers: &HeaderMap,
        interaction: &str,
        user: LoggedIn,
    ) -> Option<HeaderValue> {
        let now = Instant::now();
        let fresh = random_id()?;
        let mut store = self.lock();
        let id = self.find(&mut store, headers, now)?;
        let holds = |s: &Session| s.pending.iter().any(|p| p.id == interaction);
        let in_known = store.known.get(&id).is_some_and(holds);
        let in_anonymous = store.anonymous.get(&id).is_some_and(holds);
        if !in_known && !in_anonymous {
            return None;
        }
        let mut session = store
            .known
            .remove(&id)
            .or_else(|| store.anonymous.remove(&id))?;
        session.user = Some(user);
        session.used = now;
        self.insert(&mut store, fresh.clone(), session, now);
        self.cookie(&fresh)
    }

    /// Takes the request `interaction` out of the browser's session, with
    /// the user logged in there, to finish it with the user's answer.
    /// `None` when the session holds no such request or nobody is logged
    /// in: refuse the post. A second post of the same form finds nothing.
    pub fn take(&self, headers: &HeaderMap, interaction: &str) -> Option<(Interaction, LoggedIn)> {
        let now = Instant::now();
        let mut store = self.lock();
        let id = self.find(&mut store, headers, now)?;
        let session = store.known.get_mut(&id)?;
        let user = session.user.clone()?;
        let at = session.pending.iter().position(|p| p.id == interaction)?;
        session.used = now;
        Some((session.pending.remove(at).interaction, user))
    }

    /// Ends the browser's session.
    pub fn log_out(&self, headers: &HeaderMap) {
        let now = Instant::now();
        let mut store = self.lock();
        if let Some(id) = self.find(&mut store, headers, now) {
            store.known.remove(&id);
            store.anonymous.remove(&id);
        }
    }

    /// The identifier of a live session named by the browser's cookies;
    /// drops what has expired in that session on the way.
    fn find(&self, store: &mut Store, headers: &HeaderMap, now: Instant) -> Option<String> {
        for candidate in cookie_values(headers, &self.cookie_name) {
            let idle = self.limits.idle_lifetime;
            for map in [&mut store.known, &mut store.anonymous] {
                let Some(session) = map.get_mut(candidate) else {
                    continue;
                };
                if now.duration_since(session.used) > idle {
                    map.remove(candidate);
                    continue;
                }
                let lifetime = self.limits.interaction_lifetime;
                session
                    .pending
                    .retain(|p| now.duration_since(p.parked) <= lifetime);
                return Some(candidate.to_owned());
            }
        }
        None
    }

    /// Puts `session` under `id` in the map its login says, making room
    /// first when that map is full.
    fn insert(&self, store: &mut Store, id: String, session: Session, now: Instant) {
        let (map, cap) = if session.user.is_some() {
            (&mut store.known, self.limits.max_sessions)
        } else {
            (&mut store.anonymous, self.limits.max_anonymous)
        };
        if map.len() >= cap.max(1) {
            let idle = self.limits.idle_lifetime;
            let lifetime = self.limits.interaction_lifetime;
            map.retain(|_, s| {
                now.duration_since(s.used) <= idle
                    && (s.user.is_some()
                        || s.pending
                            .iter()
                            .any(|p| now.duration_since(p.parked) <= lifetime))
            });
        }
        if map.len() >= cap.max(1) {
            let oldest = map
                .iter()
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                map.remove(&oldest);
            }
        }
        map.insert(id, session);
    }

    fn cookie(&self, id: &str) -> Option<HeaderValue> {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}={id}; Path=/; HttpOnly; SameSite=Lax{secure}",
            self.cookie_name
        ))
        .ok()
    }
}

/// The values of every cookie named `name` in the request.
fn cookie_values<'h>(headers: &'h HeaderMap, name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(move |cookie| cookie.trim().strip_prefix(name)?.strip_prefix('='))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Client;
    use crate::endpoint::authorization::SavedInteraction;

    fn interaction(ticket: &str) -> Interaction {
        // Built once: a client loads its TLS roots, which is slow unoptimised.
        static CLIENT: std::sync::LazyLock<Client> = std::sync::LazyLock::new(|| {
            Client::builder()
                .service_id("1")
                .access_token("token")
                .base_url("http://127.0.0.1:9")
                .build()
                .expect("a client")
        });
        let client = CLIENT.clone();
        let saved: SavedInteraction =
            serde_json::from_value(serde_json::json!({"ticket": ticket, "client": null}))
                .expect("a saved interaction");
        Interaction::resume(client, saved)
    }

    /// The request headers of a browser that keeps `set_cookie`'s cookie.
    fn browser(set_cookie: &HeaderValue) -> HeaderMap {
        let pair = set_cookie
            .to_str()
            .ok()
            .and_then(|c| c.split(';').next())
            .unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(pair).expect("cookie"));
        headers
    }

    fn alice() -> LoggedIn {
        LoggedIn {
            subject: "alice".into(),
            at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        }
    }

    fn ticket_of(sessions: &BrowserSessions, headers: &HeaderMap, id: &str) -> Option<String> {
        sessions.with_interaction(headers, id, |i, _| format!("{:?}", i.client_id()))
    }

    #[test]
    fn a_consent_post_finishes_only_the_request_it_names() {
        let sessions = BrowserSessions::default();
        let first = sessions
            .park(&HeaderMap::new(), interaction("t-one"), false)
            .expect("parked");
        let cookie = first.set_cookie.expect("a new session sets a cookie");
        assert!(cookie.to_str().is_ok_and(|c| c.contains("HttpOnly")
            && c.contains("SameSite=Lax")
            && c.contains("Secure")));
        let headers = browser(&cookie);
        let renewed = sessions
            .log_in(&headers, &first.interaction, alice())
            .expect("logged in");
        let headers = browser(&renewed);
        // A second tab parks another request in the same session.
        let second = sessions
            .park(&headers, interaction("t-two"), false)
            .expect("parked");
        assert!(second.set_cookie.is_none());
        assert_ne!(first.interaction, second.interaction);
        // Each form finishes its own request, once.
        let (taken, user) = sessions.take(&headers, &first.interaction).expect("first");
        assert_eq!(user.subject, "alice");
        assert_eq!(
            format!("{:?}", taken.save()),
            format!("{:?}", interaction("t-one").save())
        );
        assert!(sessions.take(&headers, &first.interaction).is_none());
        assert!(sessions.take(&headers, &second.interaction).is_some());
        assert!(sessions.take(&headers, "made-up").is_none());
    }

    #[test]
    fn logging_in_moves_the_session_to_a_new_identifier() {
        let sessions = BrowserSessions::default().secure_cookie(false);
        let parked = sessions
            .park(&HeaderMap::new(), interaction("t"), false)
            .expect("parked");
        let planted = browser(parked.set_cookie.as_ref().expect("cookie"));
        assert!(sessions.user(&planted).is_none());
        let renewed = sessions
            .log_in(&planted, &parked.interaction, alice())
            .expect("logged in");
        assert!(!renewed.to_str().unwrap_or_default().contains("Secure"));
        assert!(
            sessions.user(&planted).is_none(),
            "the old identifier is dead"
        );
        assert_eq!(sessions.user(&browser(&renewed)), Some(alice()));
        // Without a parked request of its own, a session cannot log in.
        assert!(
            sessions
                .log_in(&browser(&renewed), "made-up", alice())
                .is_none()
        );
    }

    #[test]
    fn another_sessions_request_cannot_be_taken() {
        let sessions = BrowserSessions::default();
        let victim = sessions
            .park(&HeaderMap::new(), interaction("t-victim"), false)
            .expect("parked");
        let attacker = sessions
            .park(&HeaderMap::new(), interaction("t-attacker"), false)
            .expect("parked");
        let attacker_headers = browser(attacker.set_cookie.as_ref().expect("cookie"));
        let renewed = sessions
            .log_in(&attacker_headers, &attacker.interaction, alice())
            .expect("logged in");
        let attacker_headers = browser(&renewed);
        assert!(
            sessions
                .take(&attacker_headers, &victim.interaction)
                .is_none()
        );
        assert!(ticket_of(&sessions, &attacker_headers, &victim.interaction).is_none());
    }

    #[test]
    fn cookieless_requests_stay_within_the_anonymous_cap() {
        let sessions = BrowserSessions::new(SessionLimits {
            max_anonymous: 50,
            ..SessionLimits::default()
        });
        let logged_in = sessions
            .park(&HeaderMap::new(), interaction("t"), false)
            .expect("parked");
        let headers = browser(logged_in.set_cookie.as_ref().expect("cookie"));
        let cookie = sessions
            .log_in(&headers, &logged_in.interaction, alice())
            .expect("logged in");
        for n in 0..500 {
            let _ = sessions.park(&HeaderMap::new(), interaction(&format!("t-{n}")), false);
        }
        assert_eq!(sessions.len(), 51);
        // The flood pushed out none of the logged-in users.
        assert_eq!(sessions.user(&browser(&cookie)), Some(alice()));
    }

    #[test]
    fn sessions_and_requests_expire() {
        let sessions = BrowserSessions::default();
        let t0 = Instant::now();
        let parked = sessions
            .park_at(&HeaderMap::new(), interaction("t"), false, t0)
            .expect("parked");
        let headers = browser(parked.set_cookie.as_ref().expect("cookie"));
        // Re-used within its lifetime, the session holds the request...
        let again = sessions
            .park_at(
                &headers,
                interaction("t2"),
                false,
                t0 + Duration::from_secs(60),
            )
            .expect("parked");
        assert!(again.set_cookie.is_none());
        // ...but a request parked eleven minutes ago has gone.
        let mut store = sessions.lock();
        let later = t0 + Duration::from_secs(11 * 60);
        let id = sessions.find(&mut store, &headers, later).expect("alive");
        let pending = &store.anonymous[&id].pending;
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].id, again.interaction);
        // An hour and more of silence ends the session.
        let much_later = t0 + Duration::from_secs(2 * 60 * 60);
        assert!(sessions.find(&mut store, &headers, much_later).is_none());
        assert!(store.anonymous.is_empty());
    }

    #[test]
    fn a_session_holds_a_bounded_number_of_requests() {
        let sessions = BrowserSessions::default();
        let first = sessions
            .park(&HeaderMap::new(), interaction("t-0"), false)
            .expect("parked");
        let headers = browser(first.set_cookie.as_ref().expect("cookie"));
        let mut ids = vec![first.interaction];
        for n in 1..6 {
            let parked = sessions
                .park(&headers, interaction(&format!("t-{n}")), false)
                .expect("parked");
            ids.push(parked.interaction);
        }
        let alive: Vec<bool> = ids
            .iter()
            .map(|id| ticket_of(&sessions, &headers, id).is_some())
            .collect();
        assert_eq!(alive, [false, false, true, true, true, true]);
    }

    #[test]
    fn debug_shows_counts_not_identifiers() {
        let sessions = BrowserSessions::default();
        let parked = sessions
            .park(&HeaderMap::new(), interaction("t-secret"), false)
            .expect("parked");
        let shown = format!("{sessions:?}");
        let cookie = parked.set_cookie.expect("cookie");
        let id = cookie
            .to_str()
            .unwrap_or_default()
            .split(['=', ';'])
            .nth(1)
            .unwrap_or("x");
        assert!(!shown.contains(id), "{shown}");
        assert!(!shown.contains("t-secret"), "{shown}");
        assert!(shown.contains("anonymous: 1"), "{shown}");
    }
}
