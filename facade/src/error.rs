//! The one error type every call returns, and how each failure maps onto it.
//!
//! A caller can tell apart, by matching on [`Error`]: Authlete refusing the
//! call, a response that is not what Authlete sends (a proxy's HTML page), a
//! body that does not decode, a deadline passing, the network failing, and a
//! mistake in the configuration or the request. No message ever includes the
//! access token or a request URL (token identifiers travel in the path).
//!
//! Nor does any error carry what a response body says in a JSON value:
//! Authlete's answers hold access and refresh tokens, ID tokens, tickets,
//! passwords and `responseContent`, and an error is printed and logged
//! (`TokenEndpoint` logs every failed call). A body that does not decode is
//! described instead: where decoding stopped (the field path, line and
//! column), what JSON type was found there and what was expected, and the
//! body's shape (its length and its top-level keys with the type of each
//! value). Only a body that is not JSON at all (a proxy's HTML page) is
//! shown as text, cut at 512 bytes.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

use crate::operations::OperationInfo;

/// How many bytes of an unexpected body an error keeps, at most.
pub(crate) const SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong when talking to Authlete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Authlete received the call and refused it (a 4xx or 5xx with its `result` body).
    #[error("{}", api_message(*status, result_code.as_deref(), result_message.as_deref(), request_id.as_deref()))]
    Api {
        /// The HTTP status Authlete answered with.
        status: StatusCode,
        /// Authlete's result code, such as `A001201`.
        result_code: Option<String>,
        /// Authlete's explanation of the result.
        result_message: Option<String>,
        /// Authlete's `Request-Id` for the call, to quote to Authlete support.
        request_id: Option<String>,
        /// How long the server asked the caller to wait, from `Retry-After`.
        retry_after: Option<Duration>,
    },

    /// A status or content type Authlete does not send for this call, such as
    /// an HTML error page from a proxy in between.
    #[error(
        "unexpected response: HTTP {status}, content type {}; {}",
        content_type.as_deref().unwrap_or("(none)"),
        ShownBody(snippet)
    )]
    UnexpectedResponse {
        /// The HTTP status.
        status: StatusCode,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// What can safely be shown of the body.
        ///
        /// A body that is not JSON (an HTML page from a proxy) is shown as
        /// text: its first 512 bytes, lossily decoded; empty for an empty
        /// body. A JSON body may hold tokens, so its values are never shown:
        /// this is a description of its shape instead, such as
        /// `a JSON object of 57 bytes: {resultCode: number, accessToken: string}`
        /// (top-level keys and value types, bounded). A body that is not
        /// text is described by its length and first bytes in hex.
        snippet: String,
        /// Authlete's `Request-Id`, if the response carried one.
        request_id: Option<String>,
        /// How long the server asked the caller to wait, from `Retry-After`.
        retry_after: Option<Duration>,
    },

    /// The response had the expected status but its body did not decode.
    ///
    /// Neither field quotes a value from the body, which may hold tokens,
    /// tickets or passwords. The `Display` reads, for example:
    ///
    /// ```text
    /// cannot decode the HTTP 200 OK response body: at accessTokenExpiresAt
    /// (line 1, column 67): invalid type: found a string, expected i64; the
    /// body was a JSON object of 82 bytes: {accessToken: string,
    /// accessTokenExpiresAt: string, action: string}
    /// ```
    #[error(
        "cannot decode the HTTP {status} response body: {message}; {}",
        ShownBody(snippet)
    )]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// Where decoding stopped and why, without the offending value:
        /// `at <field path> (line L, column C): <problem>`, the problem
        /// naming the JSON type found and the type expected (`invalid type:
        /// found a string, expected i64`), or the syntax error (`EOF while
        /// parsing a string`, `trailing characters`).
        message: String,
        /// What can safely be shown of the body, as for
        /// [`UnexpectedResponse`](Error::UnexpectedResponse): the shape of
        /// a JSON body (never its values), or the start of a body that is
        /// not JSON at all.
        snippet: String,
        /// Authlete's `Request-Id`, if the response carried one.
        request_id: Option<String>,
    },

    /// The response body was longer than the configured maximum
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes));
    /// reading stopped there.
    #[error("the response body is larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// The HTTP status of the response, if it was known.
        status: Option<StatusCode>,
        /// The limit in force, in bytes.
        limit: usize,
    },

    /// The call did not finish before its deadline. It may have reached
    /// Authlete, and Authlete may have acted on it.
    #[error("{} did not finish {}; it may have reached Authlete", operation_words(operation), deadline_words(*.deadline))]
    Timeout {
        /// The operation that ran out of time.
        operation: &'static OperationInfo,
        /// The deadline in force ([`CallOptions::timeout`](crate::CallOptions::timeout)
        /// or the client's); `None` when a timeout set on a caller-supplied
        /// `reqwest::Client` ended the call first.
        deadline: Option<Duration>,
    },

    /// The request could not be delivered or the response could not be read
    /// (connection refused or reset, DNS, TLS, a body cut off).
    #[error("cannot reach Authlete: {}", transport_message(*.failure, .source, *.connect))]
    Transport {
        /// True when the failure happened while connecting, so that nothing
        /// of the request can have reached Authlete.
        connect: bool,
        /// What failed, in a word.
        failure: TransportFailure,
        /// The underlying error, with the request URL removed.
        #[source]
        source: reqwest::Error,
    },

    /// The client configuration is not usable; the message says which setting and why.
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The request is not valid and was not sent; the message says which field and why.
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// The [`ServiceTokenProvider`](crate::ServiceTokenProvider) failed, or
    /// gave a token that cannot be sent; nothing was sent. Not retried.
    #[error("cannot get the service access token: {source}")]
    ServiceToken {
        /// What the provider reported (or what is wrong with its token,
        /// which is never quoted).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

fn api_message(
    status: StatusCode,
    code: Option<&str>,
    message: Option<&str>,
    request_id: Option<&str>,
) -> String {
    let mut out = format!("Authlete refused the call (HTTP {status}");
    if let Some(code) = code {
        out.push_str(&format!(", {code}"));
    }
    out.push(')');
    if let Some(message) = message {
        out.push_str(&format!(": {message}"));
    }
    if let Some(id) = request_id {
        out.push_str(&format!(" [request id {id}]"));
    }
    out
}

impl Error {
    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedResponse { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::ResponseTooLarge { status, .. } => *status,
            _ => None,
        }
    }

    /// Authlete's result code, when Authlete refused the call.
    pub fn result_code(&self) -> Option<&str> {
        match self {
            Error::Api { result_code, .. } => result_code.as_deref(),
            _ => None,
        }
    }

    /// Authlete's result message, when Authlete refused the call.
    pub fn result_message(&self) -> Option<&str> {
        match self {
            Error::Api { result_message, .. } => result_message.as_deref(),
            _ => None,
        }
    }

    /// Authlete's `Request-Id` for the call, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::UnexpectedResponse { request_id, .. }
            | Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } | Error::UnexpectedResponse { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// True for a timeout (which may have reached Authlete: compare
    /// [`is_never_sent`](Self::is_never_sent)).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// True when the same call could succeed if made again later: a network
    /// failure, or a status that usually means "try again later" (which
    /// ones, and every other retry rule, are listed on [`RetryPolicy`]).
    ///
    /// This says nothing about whether repeating is *safe*: a call that
    /// spends a ticket must not be repeated once it may have reached
    /// Authlete. The client's retry policy takes care of that per operation.
    ///
    /// [`RetryPolicy`]: crate::RetryPolicy
    pub fn is_retryable(&self) -> bool {
        crate::retry::is_transient(self)
    }

    /// True when the request provably never reached Authlete (it failed
    /// while connecting), so repeating it cannot spend a ticket twice.
    pub fn is_never_sent(&self) -> bool {
        matches!(self, Error::Transport { connect: true, .. })
    }

    /// The former name of [`is_never_sent`](Self::is_never_sent).
    #[deprecated(note = "renamed to `is_never_sent`, beside `is_timeout` and `is_retryable`")]
    pub fn never_sent(&self) -> bool {
        self.is_never_sent()
    }

    /// Builds the error for a failure inside `reqwest` during `operation`,
    /// keeping the URL out of it.
    pub(crate) fn from_reqwest(
        error: reqwest::Error,
        operation: &'static OperationInfo,
        status: Option<StatusCode>,
        body_limit: usize,
    ) -> Error {
        if authlete_generated::hooks::is_body_too_large(&error) {
            Error::ResponseTooLarge {
                status,
                limit: body_limit,
            }
        } else if error.is_timeout() {
            Error::Timeout {
                operation,
                deadline: None,
            }
        } else {
            Error::Transport {
                connect: error.is_connect(),
                failure: TransportFailure::of(&error),
                source: error.without_url(),
            }
        }
    }
}

/// What failed on the way to Authlete or back, in one word: the first part
/// of a [`Error::Transport`] message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportFailure {
    /// Nothing accepted the connection (connection refused): nothing was sent.
    Refused,
    /// The host name did not resolve: nothing was sent.
    Dns,
    /// The TLS handshake failed (a certificate or protocol problem): nothing
    /// was sent.
    Tls,
    /// The connection was reset or closed before a response came.
    Reset,
    /// A response began but its body was cut off.
    BodyCutOff,
    /// None of the above; the message carries the cause as reported.
    Other,
}

impl TransportFailure {
    /// Reads the kind from an error's chain of causes.
    ///
    /// reqwest, hyper and rustls expose few of these as types, so the
    /// lower layers are recognised by their `io::ErrorKind` where they
    /// have one and by their wording where they do not; anything not
    /// recognised is `Other`, never a wrong guess.
    pub(crate) fn of(error: &(dyn std::error::Error + 'static)) -> TransportFailure {
        let mut texts = Vec::new();
        let mut kinds = Vec::new();
        let mut next = Some(error);
        while let Some(cause) = next {
            texts.push(cause.to_string().to_ascii_lowercase());
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                kinds.push(io.kind());
            }
            next = cause.source();
        }
        let said = |words: &[&str]| texts.iter().any(|t| words.iter().any(|w| t.contains(w)));
        use std::io::ErrorKind as K;
        if said(&[
            "dns error",
            "failed to lookup address",
            "name or service not known",
        ]) {
            TransportFailure::Dns
        } else if kinds.contains(&K::ConnectionRefused) || said(&["connection refused"]) {
            TransportFailure::Refused
        } else if said(&[
            "certificate",
            "tls handshake",
            "invalid peer",
            "received corrupt message",
            "tls",
            // OpenSSL, through native-tls.
            "ssl routines",
            "ssl alert",
        ]) {
            TransportFailure::Tls
        } else if said(&[
            "error reading a body",
            "error decoding response body",
            "end of file before message length reached",
        ]) {
            TransportFailure::BodyCutOff
        } else if kinds.iter().any(|k| {
            matches!(
                k,
                K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof
            )
        }) || said(&[
            "connection reset",
            "connection closed before message completed",
            "broken pipe",
        ]) {
            TransportFailure::Reset
        } else {
            TransportFailure::Other
        }
    }
}

impl std::fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportFailure::Refused => "connection refused",
            TransportFailure::Dns => "the host name did not resolve",
            TransportFailure::Tls => "the TLS handshake failed",
            TransportFailure::Reset => "the connection was reset or closed",
            TransportFailure::BodyCutOff => "the response body was cut off",
            TransportFailure::Other => "the connection failed",
        })
    }
}

/// `tokens().fail (POST /api/{serviceId}/auth/token/fail)`.
fn operation_words(operation: &OperationInfo) -> String {
    format!(
        "{}().{} ({} {})",
        operation.group, operation.verb, operation.method, operation.path
    )
}

fn deadline_words(deadline: Option<Duration>) -> String {
    match deadline {
        Some(deadline) => format!("within its {deadline:?} deadline"),
        None => "within the reqwest client's own timeout".to_owned(),
    }
}

/// The longest top-level key a body description shows, in characters.
const KEY_LIMIT: usize = 40;

/// How many top-level keys (or array items) a body description lists.
const MEMBER_LIMIT: usize = 24;

/// How long the "expected" part of a decode message may be, in characters.
const EXPECTED_LIMIT: usize = 160;

/// What can safely be shown of a response body: see
/// [`Error::UnexpectedResponse`]'s `snippet`.
///
/// A body that looks like JSON is described, never quoted: Authlete's
/// bodies carry tokens. Anything else (a proxy's page) is not from Authlete
/// and is shown as text, its first [`SNIPPET_LIMIT`] bytes.
pub(crate) fn snippet(body: &[u8]) -> String {
    if let Some(description) = describe_json(body) {
        return description;
    }
    let end = body.len().min(SNIPPET_LIMIT);
    match std::str::from_utf8(&body[..end]) {
        Ok(text) if !text.contains('\0') => text.to_owned(),
        // Cut inside a character: the complete part, as before.
        Err(e) if e.error_len().is_none() && !body[..e.valid_up_to()].contains(&0) => {
            String::from_utf8_lossy(&body[..end]).into_owned()
        }
        // Not text (compressed, say): a plain dump could show anything.
        _ => {
            let mut out = format!("{BINARY_PREFIX}{} bytes starting", body.len());
            for byte in body.iter().take(16) {
                out.push_str(&format!(" {byte:02x}"));
            }
            out
        }
    }
}

/// How a body description starts, so that `Display` can tell a description
/// from text shown as it was received.
const JSON_PREFIX: &str = "a JSON ";
const BINARY_PREFIX: &str = "a binary body of ";

/// A body, as the errors' `Display` shows it.
struct ShownBody<'a>(&'a String);

impl fmt::Display for ShownBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.0.as_str();
        if shown.is_empty() {
            f.write_str("the body was empty")
        } else if shown.starts_with(JSON_PREFIX) || shown.starts_with(BINARY_PREFIX) {
            write!(f, "the body was {shown}")
        } else {
            write!(f, "the body starts {shown:?}")
        }
    }
}

/// The JSON types, as a description names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Object => "object",
            Kind::Array => "array",
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Null => "null",
        }
    }
}

/// What a pass over a JSON body found before it ended or broke.
#[derive(Default)]
struct Outline {
    top: Option<Kind>,
    /// Top-level keys (object) or `None`s (array), each with the kind of
    /// its value once that value was read whole.
    members: Vec<(Option<String>, Option<Kind>)>,
    /// How many members there were, listed or not.
    count: usize,
}

/// The shape of `body` if it looks like JSON, else `None`.
///
/// Looks like JSON: starts (after white space) with `{`, `[` or `"`, or is
/// a whole JSON number, boolean or null. Values are never copied into the
/// description; top-level keys are (they are Authlete's field names), cut
/// at [`KEY_LIMIT`] characters.
fn describe_json(body: &[u8]) -> Option<String> {
    let trimmed = body
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(body)
        .trim_ascii();
    let structured = matches!(trimmed.first(), Some(b'{' | b'[' | b'"'));
    if !structured && serde_json::from_slice::<serde::de::IgnoredAny>(trimmed).is_err() {
        return None;
    }
    let outline = std::cell::RefCell::new(Outline::default());
    let mut de = serde_json::Deserializer::from_slice(trimmed);
    let ending = match serde::de::DeserializeSeed::deserialize(OutlineSeed(&outline), &mut de) {
        Ok(()) => match de.end() {
            Ok(()) => String::new(),
            Err(e) => format!(
                ", followed by trailing characters at line {}, column {}",
                e.line(),
                e.column()
            ),
        },
        Err(e) if e.is_eof() => format!(", cut short at line {}, column {}", e.line(), e.column()),
        Err(e) => format!(
            ", not valid JSON at line {}, column {}",
            e.line(),
            e.column()
        ),
    };
    let outline = outline.into_inner();
    let kind = outline.top.map_or("value", Kind::name);
    let mut out = format!("{JSON_PREFIX}{kind} of {} bytes", body.len());
    let listed = |out: &mut String| {
        for (i, (key, value)) in outline.members.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if let Some(key) = key {
                out.push_str(key);
                out.push_str(": ");
            }
            out.push_str(value.map_or("(cut)", Kind::name));
        }
        if outline.count > outline.members.len() {
            out.push_str(&format!(
                ", … {} more",
                outline.count - outline.members.len()
            ));
        }
    };
    match outline.top {
        Some(Kind::Object) => {
            out.push_str(": {");
            listed(&mut out);
            out.push('}');
        }
        Some(Kind::Array) => {
            out.push_str(&format!(": [{} items", outline.count));
            if !outline.members.is_empty() {
                out.push_str(": ");
                listed(&mut out);
            }
            out.push(']');
        }
        _ => {}
    }
    out.push_str(&ending);
    Some(out)
}

/// A key as a description shows it: printable ASCII only, bounded.
fn printable_key(key: &str) -> String {
    let mut out: String = key
        .chars()
        .take(KEY_LIMIT)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect();
    if key.chars().count() > KEY_LIMIT {
        out.push('…');
    }
    out
}

/// Reads the top-level value of a body into an [`Outline`], as far as it goes.
struct OutlineSeed<'a>(&'a std::cell::RefCell<Outline>);

impl<'de> serde::de::DeserializeSeed<'de> for OutlineSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for OutlineSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.0.borrow_mut().top = Some(Kind::Boolean);
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.0.borrow_mut().top = Some(Kind::Number);
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.0.borrow_mut().top = Some(Kind::Number);
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.0.borrow_mut().top = Some(Kind::Number);
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.0.borrow_mut().top = Some(Kind::String);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.borrow_mut().top = Some(Kind::Null);
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.borrow_mut().top = Some(Kind::Object);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let listed = {
                let mut outline = self.0.borrow_mut();
                outline.count += 1;
                let listed = outline.members.len() < MEMBER_LIMIT;
                if listed {
                    outline.members.push((Some(printable_key(&key)), None));
                }
                listed
            };
            let kind = map.next_value::<KindOf>()?.0;
            if listed && let Some(last) = self.0.borrow_mut().members.last_mut() {
                last.1 = Some(kind);
            }
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.borrow_mut().top = Some(Kind::Array);
        while let Some(KindOf(kind)) = seq.next_element::<KindOf>()? {
            let mut outline = self.0.borrow_mut();
            outline.count += 1;
            if outline.members.len() < MEMBER_LIMIT {
                outline.members.push((None, Some(kind)));
            }
        }
        Ok(())
    }
}

/// The kind of a JSON value, read through and thrown away.
struct KindOf(Kind);

impl<'de> serde::Deserialize<'de> for KindOf {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

impl<'de> serde::de::Visitor<'de> for KindVisitor {
    type Value = KindOf;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<KindOf, E> {
        Ok(KindOf(Kind::Boolean))
    }
    fn visit_i64<E>(self, _: i64) -> Result<KindOf, E> {
        Ok(KindOf(Kind::Number))
    }
    fn visit_u64<E>(self, _: u64) -> Result<KindOf, E> {
        Ok(KindOf(Kind::Number))
    }
    fn visit_f64<E>(self, _: f64) -> Result<KindOf, E> {
        Ok(KindOf(Kind::Number))
    }
    fn visit_str<E>(self, _: &str) -> Result<KindOf, E> {
        Ok(KindOf(Kind::String))
    }
    fn visit_unit<E>(self) -> Result<KindOf, E> {
        Ok(KindOf(Kind::Null))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<KindOf, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(KindOf(Kind::Object))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<KindOf, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(KindOf(Kind::Array))
    }
}

/// The `message` of [`Error::Decode`]: where decoding stopped and why,
/// without any value from the body.
///
/// `path` is where the decoder was (from `serde_path_to_error`), `error`
/// what it said. serde_json's syntax messages (`EOF while parsing a
/// string`, `trailing characters`) never quote the input and are kept;
/// its data messages (`invalid type: string "…", expected i64`) do, so
/// they are rebuilt from their parts: the kind of value found, never the
/// value, and what was expected, which comes from the types, not the body.
pub(crate) fn decode_message(
    path: Option<&serde_path_to_error::Path>,
    error: &serde_json::Error,
) -> String {
    let (line, column) = (error.line(), error.column());
    let raw = error.to_string();
    let raw = raw
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&raw);
    let problem = match error.classify() {
        serde_json::error::Category::Data => data_problem(raw),
        // Fixed texts from serde_json's own list.
        _ => raw.to_owned(),
    };
    let position = format!("line {line}, column {column}");
    match path.and_then(field_path) {
        Some(path) => format!("at {path} ({position}): {problem}"),
        None => format!("at {position}: {problem}"),
    }
}

/// `path` as `a.b[0].c`, keys bounded; `None` when it names nothing.
fn field_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    let mut named = false;
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                out.push_str(&format!("[{index}]"));
                named = true;
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&printable_key(key));
                named = true;
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    named.then_some(out)
}

/// A serde data error's message without the value it may quote.
fn data_problem(raw: &str) -> String {
    let expected = || {
        raw.rsplit_once(", expected ").map_or_else(
            || "something else".to_owned(),
            |(_, e)| e.chars().take(EXPECTED_LIMIT).collect(),
        )
    };
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        return format!(
            "invalid type: found {}, expected {}",
            found(rest),
            expected()
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ") {
        return format!(
            "invalid value: found {} (not shown), expected {}",
            found(rest),
            expected()
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid length ") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return format!("invalid length {digits}, expected {}", expected());
    }
    if raw.starts_with("unknown variant ") {
        return format!("unknown variant (not shown), expected {}", expected());
    }
    if raw.starts_with("unknown field ") {
        return format!("unknown field (not shown), expected {}", expected());
    }
    // Messages that name only what the types define.
    for prefix in [
        "missing field ",
        "duplicate field ",
        "data did not match any variant of untagged enum ",
    ] {
        if let Some(name) = raw.strip_prefix(prefix)
            && name.len() <= EXPECTED_LIMIT
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '`' | ':'))
        {
            return raw.to_owned();
        }
    }
    "the value was refused (the decoder's message is not shown: it may quote the value)".to_owned()
}

/// The kind of value a serde `Unexpected` names, from the first word of its
/// description (`string "…"`, `integer `5``, `map`); never the value.
fn found(unexpected: &str) -> &'static str {
    match unexpected.split([' ', ',']).next().unwrap_or_default() {
        "string" => "a string",
        "integer" => "an integer",
        "floating" => "a floating-point number",
        "boolean" => "a boolean",
        "null" | "unit" => "null",
        "map" => "an object",
        "sequence" => "an array",
        "character" | "char" => "a character",
        "byte" => "bytes",
        "Option" => "an optional value",
        _ => "a value",
    }
}

/// Shows a value as `<redacted>` in `Debug` output.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What a transport failure's `Display` says: whether anything can have
/// been sent, then reqwest's message and every cause under it that adds
/// something ("error sending request" alone does not tell a refused
/// connection from one reset after the request went out). The URL was
/// removed from `source` when the error was made.
fn transport_message(failure: TransportFailure, source: &reqwest::Error, connect: bool) -> String {
    let mut parts = vec![source.to_string()];
    let mut next = std::error::Error::source(source);
    while let Some(cause) = next {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = cause.source();
    }
    let when = if connect {
        "nothing was sent"
    } else {
        "after the request was sent"
    };
    format!("{failure} ({when}): {}", parts.join(": "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error with a chain of causes, as reqwest and hyper build them.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<dyn std::error::Error + 'static>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref()
        }
    }

    fn chain(outer: &'static str, inner: std::io::Error) -> Layer {
        Layer(
            outer,
            Some(Box::new(Layer(
                "client error (Connect)",
                Some(Box::new(inner)),
            ))),
        )
    }

    #[test]
    fn transport_failures_are_read_from_the_causes() {
        // DNS cannot be provoked here (tests reach 127.0.0.1 only): this is
        // how hyper-util words a failed lookup.
        let dns = chain(
            "error sending request",
            std::io::Error::other("dns error: failed to lookup address information"),
        );
        assert_eq!(TransportFailure::of(&dns), TransportFailure::Dns);
        let refused = chain(
            "error sending request",
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        );
        assert_eq!(TransportFailure::of(&refused), TransportFailure::Refused);
        let reset = chain(
            "error sending request",
            std::io::Error::from(std::io::ErrorKind::ConnectionReset),
        );
        assert_eq!(TransportFailure::of(&reset), TransportFailure::Reset);
        let cert = chain(
            "error sending request",
            std::io::Error::other("invalid peer certificate: UnknownIssuer"),
        );
        assert_eq!(TransportFailure::of(&cert), TransportFailure::Tls);
        let body = Layer("error decoding response body", None);
        assert_eq!(TransportFailure::of(&body), TransportFailure::BodyCutOff);
        let odd = chain(
            "error sending request",
            std::io::Error::other("something new"),
        );
        assert_eq!(TransportFailure::of(&odd), TransportFailure::Other);
    }

    #[test]
    fn text_that_is_not_json_is_shown_as_received_and_bounded() {
        assert_eq!(snippet(b""), "");
        assert_eq!(snippet(b"<html>down</html>"), "<html>down</html>");
        assert_eq!(snippet(b"not json").len(), 8);
        assert_eq!(snippet("é".repeat(600).as_bytes()).len(), 512);
    }

    #[test]
    fn json_is_described_never_quoted() {
        assert_eq!(
            snippet(br#" {"a":"SECRET","b":1,"c":[1],"d":{"e":"SECRET"},"f":true,"g":null} "#),
            "a JSON object of 67 bytes: {a: string, b: number, c: array, d: object, f: boolean, g: null}"
        );
        assert_eq!(
            snippet(b"\xef\xbb\xbf[\"SECRET\",2]"),
            "a JSON array of 15 bytes: [2 items: string, number]"
        );
        assert_eq!(snippet(br#""SECRET""#), "a JSON string of 8 bytes");
        assert_eq!(snippet(b"42"), "a JSON number of 2 bytes");
        assert_eq!(
            snippet(br#"{"a":"SEC"#),
            "a JSON object of 9 bytes: {a: (cut)}, cut short at line 1, column 9"
        );
        assert_eq!(
            snippet(br#"{"a":1} SECRET"#),
            "a JSON object of 14 bytes: {a: number}, followed by trailing characters at line 1, column 9"
        );
        assert_eq!(
            snippet(br#"{"a":SECRET}"#),
            "a JSON object of 12 bytes: {a: (cut)}, not valid JSON at line 1, column 6"
        );
    }

    #[test]
    fn descriptions_are_bounded() {
        let members: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
        let body = format!("{{{}}}", members.join(","));
        let shown = snippet(body.as_bytes());
        assert!(shown.ends_with(", … 76 more}"), "{shown}");
        let long_key = format!("{{\"{}\":1}}", "x".repeat(1000));
        let shown = snippet(long_key.as_bytes());
        assert!(shown.len() < 100, "{shown}");
        let shown = snippet(b"\x1f\x8b\x08\x00SECRET\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        assert_eq!(
            shown,
            "a binary body of 19 bytes starting 1f 8b 08 00 53 45 43 52 45 54 00 00 00 00 00 00"
        );
    }

    #[test]
    fn data_errors_lose_their_values() {
        let problem = |raw: &str| data_problem(raw);
        assert_eq!(
            problem(r#"invalid type: string "SECRET, expected x", expected i64"#),
            "invalid type: found a string, expected i64"
        );
        assert_eq!(
            problem("invalid value: integer `-1`, expected u32"),
            "invalid value: found an integer (not shown), expected u32"
        );
        assert_eq!(
            problem("unknown variant `SECRET`, expected one of `A`, `B`"),
            "unknown variant (not shown), expected one of `A`, `B`"
        );
        assert_eq!(problem("missing field `ticket`"), "missing field `ticket`");
        assert!(!problem("missing field `SECRET value`").contains("SECRET"));
        assert!(!problem("SECRET went wrong").contains("SECRET"));
    }
}
