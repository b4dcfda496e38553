//! The replies the stand-in's operations build: JSON bodies, Authlete's
//! error shape, and the `action` + `responseContent` answers that endpoints
//! pass on to their clients.

use serde_json::{Value, json};

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

/// An answer with an `action` and the `responseContent` the endpoint passes
/// on to its client as is.
pub(super) fn direct(action: &str, content: Value) -> Reply {
    Reply::json(
        200,
        json!({ "action": action, "responseContent": content.to_string() }),
    )
}

/// An answer with an `action`, the `responseContent` when there is one,
/// and a `resultMessage` for the log.
pub(super) fn answer(action: &str, content: Option<String>, message: &str) -> Reply {
    let mut answer = json!({"action": action, "resultMessage": message});
    if let Some(content) = content {
        answer["responseContent"] = json!(content);
    }
    Reply::json(200, answer)
}

/// An OAuth error body, as Authlete puts it in `responseContent`.
pub(super) fn oauth_error(error: &str, description: &str) -> Value {
    json!({ "error": error, "error_description": description })
}

/// `invalid_client` as the token, revocation and PAR endpoints answer it.
pub(super) fn invalid_client(action: &str) -> Reply {
    direct(
        action,
        json!({"error": "invalid_client", "error_description": "Client authentication failed."}),
    )
}
