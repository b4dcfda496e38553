//! The JWTs the mock issues: ID tokens (OpenID Connect Core §2) and signed
//! UserInfo answers (§5.3.2), in the algorithm each client registered
//! (RS256 unless it registered another), with the process's keys.
//!
//! An ID token carries `iss`, `sub`, `aud`, `iat` and `exp`; `nonce` when
//! the request had one; `auth_time` when the request asked for it
//! (`max_age`, or `auth_time` in `claims`) and the application said when
//! the end-user authenticated (a request that asks and an application that
//! does not say gets none: the relying party will refuse the token, which
//! is the bug to find); `acr` when the application gave one; `at_hash`
//! beside an access token and `c_hash` beside a code; and the claims the
//! application passed, except those above, which are the mock's to set.

use serde_json::{Map, Value, json};

use super::keys::{self, SigningAlg, half_hash};
use super::reply::{Reply, api_error};
use super::state::{ID_TOKEN_LIFETIME, State};

/// The claims the mock sets itself, which an application's claims cannot
/// replace.
const SET_BY_THE_MOCK: [&str; 13] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "nbf",
    "jti",
    "azp",
    "auth_time",
    "nonce",
    "acr",
    "at_hash",
    "c_hash",
];

/// What an ID token is made from.
pub(super) struct IdTokenFor<'a> {
    /// The key the client is registered under: the token's audience.
    pub(super) client_id: &'a str,
    pub(super) subject: &'a str,
    pub(super) nonce: Option<&'a str>,
    /// Only when the request asked for it.
    pub(super) auth_time: Option<i64>,
    pub(super) acr: Option<&'a str>,
    /// The application's claims (a JSON object), as `/issue` took them.
    pub(super) claims: Option<&'a Value>,
    /// The access token issued in the same response, for `at_hash`.
    pub(super) access_token: Option<&'a str>,
    /// The code issued in the same response, for `c_hash`.
    pub(super) code: Option<&'a str>,
}

/// An ID token, signed as the client registered.
pub(super) fn id_token(state: &State, token: &IdTokenFor<'_>) -> Result<String, Reply> {
    let alg = state
        .clients
        .get(token.client_id)
        .map_or(SigningAlg::Rs256, |c| c.id_token_alg);
    let now = state.now();
    let mut claims = Map::new();
    if let Some(Value::Object(given)) = token.claims {
        for (name, value) in given {
            if !SET_BY_THE_MOCK.contains(&name.as_str()) {
                claims.insert(name.clone(), value.clone());
            }
        }
    }
    claims.insert("iss".into(), json!(state.issuer()));
    claims.insert("sub".into(), json!(token.subject));
    claims.insert("aud".into(), json!(token.client_id));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + ID_TOKEN_LIFETIME));
    for (name, value) in [
        ("nonce", token.nonce.map(Value::from)),
        ("auth_time", token.auth_time.map(Value::from)),
        ("acr", token.acr.map(Value::from)),
        ("at_hash", token.access_token.map(|t| json!(half_hash(t)))),
        ("c_hash", token.code.map(|c| json!(half_hash(c)))),
    ] {
        if let Some(value) = value {
            claims.insert(name.into(), value);
        }
    }
    sign(alg, &Value::Object(claims))
}

/// A UserInfo answer as a JWT for a client that registered
/// `userinfo_signed_response_alg`, with `iss` and `aud` as §5.3.2 asks.
pub(super) fn userinfo(
    state: &State,
    alg: SigningAlg,
    client_id: &str,
    mut claims: Map<String, Value>,
) -> Result<String, Reply> {
    claims.insert("iss".into(), json!(state.issuer()));
    claims.insert("aud".into(), json!(client_id));
    sign(alg, &Value::Object(claims))
}

fn sign(alg: SigningAlg, claims: &Value) -> Result<String, Reply> {
    if alg == SigningAlg::None {
        return Ok(keys::unsecured(claims));
    }
    let keys = keys::shared().map_err(|e| api_error(500, &e.to_string()))?;
    Ok(keys.sign(alg, claims))
}
