//! CIBA (OpenID Connect CIBA Core) in the demo: a client that cannot show
//! the user a page (a call centre's, a shop till's) asks at
//! `/backchannel/authentication` for tokens for a user it names by
//! `login_hint` (username or email address), and the user decides on
//! their authentication device.
//!
//! The demo's authentication device is a page: `GET /ciba` signs the user
//! in, `POST /ciba` shows the oldest request waiting for them with the
//! client's binding message, and `POST /ciba/decide` reports the decision
//! through [`BackchannelEndpoint::complete`]. A real deployment pushes the
//! request to an app on the user's phone instead; what stays the same is
//! that the decision is bound to the request shown, for the user signed
//! in, once ([`PendingForms`]).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use authlete::CibaFailReason;
use authlete::browser::{PendingForms, escape_html, page};
use authlete::endpoint::ciba::{
    BackchannelDecision, BackchannelDelegate, BackchannelEndpoint, BackchannelRequest,
    BackchannelTicket, Completion,
};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{
    DecisionForm, DemoUsers, USERS, credential_fields, decision_form, display_name, error_line,
    scope_line, scope_list, sorry,
};

/// Requests one user may have waiting at once; a further one pushes out
/// the oldest.
const PER_USER: usize = 5;
/// Users with requests waiting at once (the demo has one, a deployment
/// many): the bound on the inbox's memory.
const USERS_WAITING: usize = 1_000;
/// How long a request waits for the user (Authlete's own expiry may be
/// shorter; then `complete` is refused).
const WAIT: Duration = Duration::from_secs(10 * 60);
/// The longest binding message shown: CIBA Core §7.1 wants it short
/// enough to compare at a glance on both devices.
const MAX_BINDING_MESSAGE: usize = 40;

/// The demo's users as the backchannel endpoint asks about them, and the
/// requests waiting for them.
#[derive(Debug, Clone, Default)]
pub struct DemoBackchannel {
    inbox: Inbox,
}

impl BackchannelDelegate for DemoBackchannel {
    async fn identify(&self, request: &BackchannelRequest) -> Result<String, CibaFailReason> {
        let subject = match (request.hint_type.as_deref(), request.hint.as_deref()) {
            // A username or an email address.
            (Some("LOGIN_HINT"), Some(hint)) => USERS
                .iter()
                .find(|u| u.username == hint || u.email.eq_ignore_ascii_case(hint))
                .map(|u| u.subject.to_owned()),
            // Authlete read the subject from the ID token it had issued.
            (Some("ID_TOKEN_HINT"), _) => request
                .subject
                .clone()
                .filter(|s| DemoUsers::by_subject(s).is_some()),
            // The demo issues no login hint tokens, so knows none.
            _ => None,
        };
        let subject = subject.ok_or(CibaFailReason::UnknownUserId)?;
        let readable = |m: &String| {
            m.chars().count() <= MAX_BINDING_MESSAGE && m.chars().all(|c| !c.is_control())
        };
        if request
            .binding_message
            .as_ref()
            .is_some_and(|m| !readable(m))
        {
            return Err(CibaFailReason::InvalidBindingMessage);
        }
        Ok(subject)
    }

    async fn start(
        &self,
        ticket: BackchannelTicket,
        subject: String,
        request: &BackchannelRequest,
    ) {
        self.inbox.add(
            subject,
            Waiting {
                id: self.inbox.next_id(),
                ticket,
                client: request.client_name.clone().unwrap_or_default(),
                scopes: request.scopes.clone(),
                binding_message: request.binding_message.clone(),
                since: Instant::now(),
            },
        );
    }
}

/// A request waiting for its user's decision.
#[derive(Debug)]
struct Waiting {
    /// The inbox's own number for it, which the decision page names.
    id: u64,
    ticket: BackchannelTicket,
    client: String,
    scopes: Vec<String>,
    binding_message: Option<String>,
    since: Instant,
}

/// The requests waiting for each user, bounded per user and in users.
#[derive(Debug, Clone, Default)]
struct Inbox(Arc<Mutex<Requests>>);

#[derive(Debug, Default)]
struct Requests {
    by_subject: HashMap<String, VecDeque<Waiting>>,
    counter: u64,
}

impl Inbox {
    fn lock(&self) -> std::sync::MutexGuard<'_, Requests> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn next_id(&self) -> u64 {
        let mut requests = self.lock();
        requests.counter += 1;
        requests.counter
    }

    fn add(&self, subject: String, waiting: Waiting) {
        let mut requests = self.lock();
        requests.sweep();
        if !requests.by_subject.contains_key(&subject) && requests.by_subject.len() >= USERS_WAITING
        {
            // Full: the user whose oldest request is oldest loses it all.
            let oldest = requests
                .by_subject
                .iter()
                .min_by_key(|(_, queue)| queue.front().map(|w| w.since))
                .map(|(subject, _)| subject.clone());
            if let Some(oldest) = oldest {
                requests.by_subject.remove(&oldest);
            }
        }
        let queue = requests.by_subject.entry(subject).or_default();
        if queue.len() >= PER_USER {
            queue.pop_front();
        }
        queue.push_back(waiting);
    }

    /// What the page shows of `subject`'s oldest request: its number, the
    /// client, the scopes, the binding message.
    fn oldest(&self, subject: &str) -> Option<(u64, String, Vec<String>, Option<String>)> {
        let mut requests = self.lock();
        requests.sweep();
        let waiting = requests.by_subject.get(subject)?.front()?;
        Some((
            waiting.id,
            waiting.client.clone(),
            waiting.scopes.clone(),
            waiting.binding_message.clone(),
        ))
    }

    /// Takes `subject`'s request number `id` out of the inbox.
    fn take(&self, subject: &str, id: u64) -> Option<Waiting> {
        let mut requests = self.lock();
        requests.sweep();
        let queue = requests.by_subject.get_mut(subject)?;
        let at = queue.iter().position(|w| w.id == id)?;
        let waiting = queue.remove(at)?;
        if queue.is_empty() {
            requests.by_subject.remove(subject);
        }
        Some(waiting)
    }
}

impl Requests {
    /// Forgets requests that waited too long.
    fn sweep(&mut self) {
        let now = Instant::now();
        for queue in self.by_subject.values_mut() {
            queue.retain(|w| now.duration_since(w.since) <= WAIT);
        }
        self.by_subject.retain(|_, queue| !queue.is_empty());
    }
}

/// What a decision page showed: whose request, and which.
struct Shown {
    subject: String,
    request: u64,
}

/// The authentication device's pages.
#[derive(Debug)]
pub(crate) struct CibaPages {
    inbox: Inbox,
    forms: PendingForms<Shown>,
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub(crate) struct SignInForm {
    username: String,
    password: String,
}

impl CibaPages {
    /// The pages for the requests `delegate` takes in.
    pub(crate) fn new(delegate: &DemoBackchannel) -> Self {
        CibaPages {
            inbox: delegate.inbox.clone(),
            forms: PendingForms::default(),
        }
    }

    /// `GET /ciba`: the sign-in form.
    pub(crate) fn show(&self) -> Response {
        sign_in_page("", None)
    }

    /// `POST /ciba`: the password, then the oldest request waiting for the
    /// user.
    pub(crate) fn sign_in(
        &self,
        users: &DemoUsers,
        address: Option<IpAddr>,
        form: SignInForm,
    ) -> Response {
        let user = match users.log_in(&form.username, &form.password, address) {
            Ok(Some(user)) => user,
            Ok(None) => return sign_in_page(&form.username, Some("Wrong username or password.")),
            Err(throttled) => return throttled.page().into_response(),
        };
        let Some((request, client, scopes, binding_message)) = self.inbox.oldest(user.subject)
        else {
            let body = "<p>No request is waiting for you.</p>";
            return page(StatusCode::OK, "Nothing to approve", body).into_response();
        };
        let shown = Shown {
            subject: user.subject.to_owned(),
            request,
        };
        let Some(id) = self.forms.park(shown) else {
            return sorry();
        };
        let scopes: Vec<_> = scopes.iter().map(|name| scope_line(name, None)).collect();
        let message = binding_message.map_or(String::new(), |m| {
            format!(
                "<p>It shows the message <strong>{}</strong>. Allow only if you see the same message there.</p>",
                escape_html(&m)
            )
        });
        let body = format!(
            "<p>You are signed in as {who}.</p>\
             <p><strong>{client}</strong> asks to act for you:</p>{scopes}{message}{form}",
            who = escape_html(&display_name(user.subject)),
            client = escape_html(if client.is_empty() {
                "An application"
            } else {
                &client
            }),
            scopes = scope_list(&scopes),
            form = decision_form("/ciba/decide", "form", &id),
        );
        page(StatusCode::OK, "Allow the request?", &body).into_response()
    }

    /// `POST /ciba/decide`: the decision on the request the page showed.
    pub(crate) async fn decide(
        &self,
        endpoint: &BackchannelEndpoint<DemoBackchannel>,
        form: DecisionForm,
    ) -> Response {
        let Some(shown) = self.forms.take(&form.form) else {
            return super::no_request_in_progress();
        };
        let Some(waiting) = self.inbox.take(&shown.subject, shown.request) else {
            return super::no_request_in_progress();
        };
        let approved = form.approved();
        tracing::info!(subject = %shown.subject, approved, "backchannel decision");
        let decision = if approved {
            BackchannelDecision::Authorized {
                subject: shown.subject.clone(),
            }
        } else {
            BackchannelDecision::Denied {
                subject: shown.subject.clone(),
            }
        };
        match endpoint.complete(&waiting.ticket, decision).await {
            Ok(Completion::Recorded | Completion::Notified | Completion::NotificationFailed) => {
                let body = if approved {
                    "<p>Allowed. The application continues on its own.</p>"
                } else {
                    "<p>Denied. The application gets no access.</p>"
                };
                page(StatusCode::OK, "Done", body).into_response()
            }
            Ok(Completion::Refused) => super::no_request_in_progress(),
            // Authlete did not hear the decision: the request waits again,
            // so that the user can decide once it is back.
            Ok(_) | Err(_) => {
                self.inbox.add(shown.subject, waiting);
                sorry()
            }
        }
    }
}

/// The authentication device's sign-in form.
fn sign_in_page(username: &str, error: Option<&str>) -> Response {
    let body = format!(
        "<p>Sign in to see the requests waiting for you.</p>{error}\
         <form method=\"post\" action=\"/ciba\">{credentials}\
         <p><button type=\"submit\">Sign in</button></p></form>",
        error = error_line(error),
        credentials = credential_fields(username),
    );
    page(StatusCode::OK, "Your authentication device", &body).into_response()
}
