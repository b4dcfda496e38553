//! How the mock answers when no reply is scripted: the service-token check,
//! then each operation with state to its module, and a well-formed example
//! for everything else. Also the small pieces those modules share: replies,
//! Authlete's error shape, form parameters and client authentication.

use serde_json::{Value, json};

use super::state::State;
use super::{MOCK_ACCESS_TOKEN, RecordedRequest, Shared, authorization, discovery, lock};
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
    let mut state = lock(state);
    let state = &mut *state;
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
pub(super) struct InvalidClient;

/// Authenticates the client of a token, revocation or PAR request: the ID
/// and secret from the `Authorization` header (forwarded as `clientId` and
/// `clientSecret`) or from the form. A confidential client must present its
/// secret; a public one only names itself. Gives the key the client is
/// registered under.
pub(super) fn authenticate(
    state: &State,
    body: &Value,
    form: &Form,
) -> Result<String, InvalidClient> {
    let client_id = body["clientId"].as_str().or(form.get("client_id"));
    let secret = body["clientSecret"].as_str().or(form.get("client_secret"));
    let (key, client) = state
        .client(client_id.ok_or(InvalidClient)?)
        .ok_or(InvalidClient)?;
    match &client.secret {
        Some(expected) if secret != Some(expected.as_str()) => Err(InvalidClient),
        _ => Ok(key.to_owned()),
    }
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
