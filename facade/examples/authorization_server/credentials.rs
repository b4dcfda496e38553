//! Verifiable credentials (OpenID for Verifiable Credential Issuance) in
//! the demo: a wallet that got an access token for a user asks for an
//! `IdentityCredential` holding the user's name and email address.
//!
//! Authlete checks each request and makes the credential; the demo only
//! says what goes into it. A token that speaks for no user (client
//! credentials) has nobody to describe, so its credential is deferred: the
//! wallet gets a `transaction_id`, and the deferred endpoint answers
//! `issuance_pending` until the application can issue.

use authlete::endpoint::credential_issuer::{CredentialDecision, CredentialDelegate};
use authlete::model::CredentialRequestInfo;
use serde_json::{Map, Value, json};

use super::DemoUsers;

/// What the demo's credentials say about its users.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoCredentials;

impl CredentialDelegate for DemoCredentials {
    async fn credential(
        &self,
        subject: Option<&str>,
        _request: &CredentialRequestInfo,
    ) -> CredentialDecision {
        let Some(user) = subject.and_then(DemoUsers::by_subject) else {
            return CredentialDecision::Defer;
        };
        let mut claims = Map::new();
        claims.insert("given_name".into(), json!(user.given_name));
        claims.insert("family_name".into(), json!(user.family_name));
        claims.insert("email".into(), Value::from(user.email));
        CredentialDecision::Issue(claims)
    }
}
