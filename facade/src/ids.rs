//! How a call names a client: by the number Authlete assigned, or by a
//! string (the number as text, or the client ID alias).

use std::fmt;

/// A client, as the calls that name one in their path take it.
///
/// Authlete answers a client's ID as a number (`client_id()` is
/// `Option<i64>`), but its paths take text, which may also be the client's
/// alias. Either converts, so what `create` answered goes straight into
/// `get`, `update` or `delete`:
///
/// ```
/// use authlete::ClientRef;
///
/// assert_eq!(ClientRef::from(6_000_000_001_i64).as_str(), "6000000001");
/// assert_eq!(ClientRef::from("my-app").as_str(), "my-app");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientRef(String);

impl ClientRef {
    /// The client as the path carries it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The client as the path carries it, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for ClientRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<i64> for ClientRef {
    fn from(id: i64) -> Self {
        ClientRef(id.to_string())
    }
}

impl From<u64> for ClientRef {
    fn from(id: u64) -> Self {
        ClientRef(id.to_string())
    }
}

impl From<&i64> for ClientRef {
    fn from(id: &i64) -> Self {
        ClientRef(id.to_string())
    }
}

impl From<String> for ClientRef {
    fn from(id: String) -> Self {
        ClientRef(id)
    }
}

impl From<&String> for ClientRef {
    fn from(id: &String) -> Self {
        ClientRef(id.clone())
    }
}

impl From<&str> for ClientRef {
    fn from(id: &str) -> Self {
        ClientRef(id.to_owned())
    }
}

impl From<ClientRef> for String {
    fn from(id: ClientRef) -> Self {
        id.0
    }
}
