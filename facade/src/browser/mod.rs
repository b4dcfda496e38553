//! What a person's browser sees of an authorization server, secure by
//! default: the login and consent pages and the errors shown instead of a
//! redirect.
//!
//! The endpoints under [`crate::endpoint`] speak to OAuth clients; this
//! module holds the pieces for the pages in between, so that an
//! application gets them without copying an example:
//!
//! | piece | what it secures |
//! |---|---|
//! | [`page`], [`secure_page_headers`], [`SecurePagesLayer`] (feature `tower`) | no framing (`X-Frame-Options: DENY`, `frame-ancestors 'none'`), a strict `Content-Security-Policy`, `nosniff`, no `Referer`, never cached |
//! | [`BrowserSessions`] (feature `authorization`) | sessions bounded in number and lifetime, so unauthenticated traffic cannot grow the server's memory; each parked authorization request has its own identifier, so a consent form approves exactly the request it showed |
//! | [`PendingForms`] | what a decision page showed (a device's user code, a backchannel request) kept on the server under an unguessable, single-use identifier, so the post acts on exactly that, once; bounded in number and lifetime |
//! | [`LoginThrottle`] | password guessing slowed per account and per client address, failed attempts logged without the password |
//! | [`describe_scope`] | a sentence per standard scope for the consent page |
//! | [`wants_html`] | content negotiation: a person gets a page, an API client Authlete's JSON |
//!
//! What a production deployment must still add is listed in the crate
//! README: TLS, sessions that survive a restart and are shared between
//! instances, a real user store with slow password hashes, and key
//! management at Authlete.

mod forms;
mod headers;
mod scopes;
#[cfg(feature = "authorization")]
mod sessions;
mod throttle;
#[cfg(feature = "tower")]
mod tower;

pub use forms::PendingForms;
pub use headers::{PAGE_CSP, escape_html, page, secure_page_headers, wants_html};
pub use scopes::describe_scope;
#[cfg(feature = "authorization")]
#[cfg_attr(docsrs, doc(cfg(feature = "authorization")))]
pub use sessions::{BrowserSessions, LoggedIn, Parked, SessionLimits};
pub use throttle::{LoginThrottle, ThrottleLimits, Throttled};
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use tower::{SecurePagesLayer, SecurePagesService};
