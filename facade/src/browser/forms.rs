//! What a decision page showed, kept on the server until the user answers.
//!
//! A page that asks the user to decide (approve a TV's device code,
//! confirm a backchannel request on their phone) must act on what it
//! showed, for the user it showed it to, once. [`PendingForms`] keeps that
//! on the server under an identifier nobody can guess; the form carries
//! only the identifier. A post naming another identifier, a forged one or
//! one already answered finds nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;

/// Decisions waiting for a form post, in memory, bounded in number and
/// lifetime.
///
/// - [`park`](Self::park) keeps a value (what the page shows and who is
///   deciding) and returns a 256-bit random identifier for the form's
///   hidden field.
/// - [`take`](Self::take) hands the value back once; a second post of the
///   same form finds nothing.
/// - At most `capacity` values are kept: when full, the oldest is dropped
///   (its page must be reloaded). A value older than `lifetime` is gone.
///
/// `Debug` shows the count, never an identifier or a value. Cheap to
/// clone; clones share the store.
pub struct PendingForms<T> {
    capacity: usize,
    lifetime: Duration,
    store: Arc<Mutex<HashMap<String, (Instant, T)>>>,
}

impl<T> Clone for PendingForms<T> {
    fn clone(&self) -> Self {
        PendingForms {
            capacity: self.capacity,
            lifetime: self.lifetime,
            store: Arc::clone(&self.store),
        }
    }
}

impl<T> Default for PendingForms<T> {
    /// 1,000 forms, each answerable for 10 minutes.
    fn default() -> Self {
        PendingForms::new(1_000, Duration::from_secs(10 * 60))
    }
}

impl<T> std::fmt::Debug for PendingForms<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingForms")
            .field("capacity", &self.capacity)
            .field("lifetime", &self.lifetime)
            .field("pending", &self.len())
            .finish()
    }
}

impl<T> PendingForms<T> {
    /// A store keeping at most `capacity` forms (at least one), each
    /// answerable for `lifetime`.
    pub fn new(capacity: usize, lifetime: Duration) -> Self {
        PendingForms {
            capacity: capacity.max(1),
            lifetime,
            store: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, (Instant, T)>> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forms waiting for their post (expired ones may still be counted
    /// until the store is next used).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no form waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps `value` and returns the identifier to put in the form.
    ///
    /// `None` only when the operating system's random generator fails:
    /// without it no identifier can be safe.
    pub fn park(&self, value: T) -> Option<String> {
        self.park_at(value, Instant::now())
    }

    fn park_at(&self, value: T, now: Instant) -> Option<String> {
        let id = random_id()?;
        let mut store = self.lock();
        let lifetime = self.lifetime;
        store.retain(|_, (parked, _)| now.duration_since(*parked) <= lifetime);
        if store.len() >= self.capacity {
            let oldest = store
                .iter()
                .min_by_key(|(_, (parked, _))| *parked)
                .map(|(id, _)| id.clone());
            if let Some(oldest) = oldest {
                store.remove(&oldest);
            }
        }
        store.insert(id.clone(), (now, value));
        Some(id)
    }

    /// The value the form `id` was parked with, taken out: `None` when no
    /// form has that identifier (answered, expired, pushed out, or forged).
    pub fn take(&self, id: &str) -> Option<T> {
        self.take_at(id, Instant::now())
    }

    fn take_at(&self, id: &str, now: Instant) -> Option<T> {
        let (parked, value) = self.lock().remove(id)?;
        (now.duration_since(parked) <= self.lifetime).then_some(value)
    }
}

/// 256 random bits, URL-safe base64: an identifier as hard to guess as a
/// key.
pub(super) fn random_id() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_answered_once_and_only_by_its_identifier() {
        let forms = PendingForms::default();
        let first = forms.park("ABCD-EFGH").expect("random");
        let second = forms.park("WXYZ-BCDF").expect("random");
        assert_ne!(first, second);
        assert_eq!(first.len(), 43, "256 bits in base64");
        assert_eq!(forms.take("forged"), None);
        assert_eq!(forms.take(&second), Some("WXYZ-BCDF"));
        assert_eq!(forms.take(&second), None, "a second post finds nothing");
        assert_eq!(forms.take(&first), Some("ABCD-EFGH"));
        assert!(forms.is_empty());
    }

    #[test]
    fn a_form_expires_after_its_lifetime() {
        let forms = PendingForms::new(10, Duration::from_secs(60));
        let start = Instant::now();
        let id = forms.park_at(1, start).expect("random");
        assert_eq!(forms.take_at(&id, start + Duration::from_secs(61)), None);
        let id = forms.park_at(2, start).expect("random");
        assert_eq!(forms.take_at(&id, start + Duration::from_secs(59)), Some(2));
    }

    #[test]
    fn the_store_is_bounded_and_drops_the_oldest() {
        let forms = PendingForms::new(2, Duration::from_secs(60));
        let start = Instant::now();
        let oldest = forms.park_at(1, start).expect("random");
        let middle = forms
            .park_at(2, start + Duration::from_secs(1))
            .expect("random");
        let newest = forms
            .park_at(3, start + Duration::from_secs(2))
            .expect("random");
        assert_eq!(forms.len(), 2);
        let now = start + Duration::from_secs(3);
        assert_eq!(forms.take_at(&oldest, now), None);
        assert_eq!(forms.take_at(&middle, now), Some(2));
        assert_eq!(forms.take_at(&newest, now), Some(3));
    }

    #[test]
    fn expired_forms_are_dropped_as_the_store_is_used() {
        let forms = PendingForms::new(10, Duration::from_secs(60));
        let start = Instant::now();
        for value in 0..3 {
            forms.park_at(value, start).expect("random");
        }
        forms
            .park_at(3, start + Duration::from_secs(70))
            .expect("random");
        assert_eq!(forms.len(), 1, "the three expired forms are gone");
    }

    #[test]
    fn debug_shows_no_identifier_and_no_value() {
        let forms = PendingForms::default();
        let id = forms.park("secret-user-code").expect("random");
        let shown = format!("{forms:?}");
        assert!(shown.contains("pending: 1"), "{shown}");
        assert!(!shown.contains(&id) && !shown.contains("secret-user-code"));
    }
}
