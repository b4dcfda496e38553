//! What the stand-in reads from a request as Authlete does: the form
//! parameters in `parameters`, and the client's authentication.

use serde_json::Value;

use super::state::State;

/// The query parameters of a request's path and query, decoded.
pub(super) fn query_pairs(path_and_query: &str) -> Vec<(String, String)> {
    path_and_query
        .split_once('?')
        .map(|(_, q)| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// The last segment of a request's path: the ID or handle it names.
pub(super) fn last_segment(path_and_query: &str) -> String {
    path_and_query
        .split('?')
        .next()
        .and_then(|p| p.rsplit('/').next())
        .unwrap_or_default()
        .to_owned()
}

/// The strings in a JSON array; none for anything else.
pub(super) fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
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
