//! How the mock answers when no reply is scripted: the service-token check,
//! then each operation with state to its module, and a well-formed example
//! for everything else. Also the small pieces those modules share: replies,
//! Authlete's error shape, form parameters and client authentication.

use serde_json::{Value, json};

use super::state::State;
use super::{MOCK_ACCESS_TOKEN, RecordedRequest, Shared, authorization, discovery, keys, lock};
use super::{resources, tokens};

/// An HTTP reply before it is put on the wire.
#[derive(Debug)]
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) body: Vec<u8>,
}

impl Reply {
    pub(super) fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            content_type: Some("application/json".into()),
            body: body.to_string().into_bytes(),
        }
    }

    pub(super) fn no_content() -> Reply {
        Reply {
            status: 204,
            content_type: None,
            body: Vec::new(),
        }
    }
}

/// Authlete's error shape; the codes are those Authlete documents for each status.
pub(super) fn api_error(status: u16, message: &str) -> Reply {
    let code = match status {
        401 => "A001202",
        403 => "A001215",
        500 => "A001101",
        _ => "A001201",
    };
    Reply::json(
        status,
        json!({ "resultCode": code, "resultMessage": format!("[{code}] {message}") }),
    )
}

/// The operations whose answers may be signed, or publish the keys.
const SIGNING_OPERATIONS: [&str; 5] = [
    "auth_token_api",
    "auth_authorization_issue_api",
    "auth_userinfo_issue_api",
    "idtoken_reissue_api",
    "service_jwks_get_api",
];

/// The answer to `request`, which no script claimed.
pub(super) fn respond(state: &Shared, request: &RecordedRequest) -> Reply {
    let authorized = request
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {MOCK_ACCESS_TOKEN}"));
    if !authorized {
        return api_error(
            401,
            "The access token is missing or not valid for this service.",
        );
    }
    let Some(operation) = request.operation else {
        return api_error(404, "No such API in the mock (or another service ID).");
    };
    let body = request.json();
    if SIGNING_OPERATIONS.contains(&operation.id) {
        // The first use makes the process's keys, which takes a while in
        // an unoptimised build: better before the state is locked.
        let _ = keys::shared();
    }
    let mut state = lock(state);
    let state = &mut *state;
    state.sweep();
    if let Some(reply) = authorization::respond(state, operation.id, &body) {
        return reply;
    }
    if let Some(reply) = tokens::respond(state, operation.id, &body, &request.path_and_query) {
        return reply;
    }
    if let Some(reply) = resources::respond(state, operation.id, &body) {
        return reply;
    }
    if let Some(reply) = discovery::respond(state, operation.id) {
        return reply;
    }
    // Every other operation answers with a well-formed example of its
    // success body, made from the spec (script a reply for anything else).
    example_reply(operation.id)
}

fn example_reply(operation_id: &str) -> Reply {
    match authlete_generated::catalog::example_response(operation_id) {
        Some((status, Some(json))) => Reply {
            status,
            content_type: Some("application/json".into()),
            body: json.as_bytes().to_vec(),
        },
        Some((status, None)) => Reply {
            status,
            content_type: None,
            body: Vec::new(),
        },
        None => api_error(
            501,
            &format!("The mock has no answer for {operation_id}; script a reply for it."),
        ),
    }
}

/// An answer with an `action` and the `responseContent` the endpoint passes
/// on to its client as is.
pub(super) fn direct(action: &str, content: Value) -> Reply {
    Reply::json(
        200,
        json!({ "action": action, "responseContent": content.to_string() }),
    )
}

/// An OAuth error body, as Authlete puts it in `responseContent`.
pub(super) fn oauth_error(error: &str, description: &str) -> Value {
    json!({ "error": error, "error_description": description })
}

/// Form-urlencoded parameters, as Authlete reads them from `parameters`.
pub(super) struct Form(Vec<(String, String)>);

impl Form {
    /// The `parameters` field of `body`.
    pub(super) fn of(body: &Value) -> Form {
        Form::parse(body["parameters"].as_str().unwrap_or_default())
    }

    pub(super) fn parse(text: &str) -> Form {
        Form(
            url::form_urlencoded::parse(text.as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The parameter's value; an empty one counts as absent (RFC 6749 §3.1).
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The first parameter sent more than once, which RFC 6749 §3.1 forbids.
    pub(super) fn repeated(&self) -> Option<&str> {
        self.0.iter().enumerate().find_map(|(i, (name, _))| {
            self.0[..i]
                .iter()
                .any(|(earlier, _)| earlier == name)
                .then_some(name.as_str())
        })
    }
}

/// Why client authentication failed.
pub(super) enum AuthFailure {
    /// Unknown client, wrong secret, or a confidential client without one.
    InvalidClient,
    /// The request itself is wrong (RFC 6749 §2.3: one method per request).
    InvalidRequest(&'static str),
}

/// A client that authenticated, or, public, named itself.
pub(super) struct Authenticated {
    /// The key it is registered under.
    pub(super) key: String,
    /// Whether it named itself by its alias rather than its number.
    pub(super) alias_used: bool,
    /// Authlete's `ClientAuthMethod` name for how it authenticated.
    pub(super) method: &'static str,
}

/// Authenticates the client of a token, revocation or PAR request: the ID
/// and secret from the `Authorization` header (forwarded as `clientId` and
/// `clientSecret`) or from the form, never both (RFC 6749 §2.3), and a
/// `client_id` in the form must name the client Basic names. A
/// confidential client must present its secret; a public one only names
/// itself.
pub(super) fn authenticate(
    state: &State,
    body: &Value,
    form: &Form,
) -> Result<Authenticated, AuthFailure> {
    let basic = body["clientId"].as_str().filter(|id| !id.is_empty());
    let form_id = form.get("client_id");
    let form_secret = form.get("client_secret");
    // The same client by its number and by its alias is still one client.
    let same_client = |a: &str, b: &str| {
        a == b
            || state
                .client(a)
                .zip(state.client(b))
                .is_some_and(|((x, _), (y, _))| x == y)
    };
    let (client_id, secret, method) = match basic {
        Some(_) if form_secret.is_some() => {
            return Err(AuthFailure::InvalidRequest(
                "The client authenticated twice: HTTP Basic and client_secret in the body.",
            ));
        }
        Some(id) if form_id.is_some_and(|other| !same_client(id, other)) => {
            return Err(AuthFailure::InvalidRequest(
                "The client_id in the body is not the client HTTP Basic names.",
            ));
        }
        Some(id) => (id, body["clientSecret"].as_str(), "CLIENT_SECRET_BASIC"),
        None => {
            let id = form_id.ok_or(AuthFailure::InvalidClient)?;
            let method = if form_secret.is_some() {
                "CLIENT_SECRET_POST"
            } else {
                "NONE"
            };
            (id, form_secret, method)
        }
    };
    let (key, client) = state.client(client_id).ok_or(AuthFailure::InvalidClient)?;
    let method = match &client.secret {
        Some(expected) if secret != Some(expected.as_str()) => {
            return Err(AuthFailure::InvalidClient);
        }
        Some(_) => method,
        // A public client's secret, if it sends one, proves nothing.
        None => "NONE",
    };
    Ok(Authenticated {
        key: key.to_owned(),
        alias_used: client_id.parse::<i64>().is_err(),
        method,
    })
}

/// `invalid_client` as the token, revocation and PAR endpoints answer it.
pub(super) fn invalid_client(action: &str) -> Reply {
    direct(
        action,
        json!({"error": "invalid_client", "error_description": "Client authentication failed."}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_parameters_are_absent_and_repeats_are_found() {
        let form = Form::parse("a=1&b=&c=x+y&a=2");
        assert_eq!(form.get("a"), Some("1"));
        assert_eq!(form.get("b"), None);
        assert_eq!(form.get("c"), Some("x y"));
        assert_eq!(form.repeated(), Some("a"));
        assert_eq!(Form::parse("a=1&b=2").repeated(), None);
    }
}
