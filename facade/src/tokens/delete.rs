//! `/auth/token/delete/{accessTokenIdentifier}`: delete one access token.

use std::fmt;

use crate::call::{Operation, execute};
use crate::client::Client;
use crate::config::check_path_segment;
use crate::error::{Error, Redacted};
use crate::retry::Replay;

const OPERATION: Operation = Operation {
    id: "auth_token_delete_api",
    replay: Replay::Idempotent,
};

/// A token deletion, ready to send; see [`Tokens::delete`](crate::tokens::Tokens::delete).
#[must_use = "nothing is sent until `send` is awaited"]
pub struct DeleteTokenRequest<'a> {
    client: &'a Client,
    access_token_identifier: String,
}

impl fmt::Debug for DeleteTokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The identifier may be the access token itself.
        f.debug_struct("DeleteTokenRequest")
            .field("access_token_identifier", &Redacted)
            .finish()
    }
}

impl<'a> DeleteTokenRequest<'a> {
    pub(crate) fn new(client: &'a Client, access_token_identifier: String) -> Self {
        DeleteTokenRequest {
            client,
            access_token_identifier,
        }
    }

    /// Sends the call; `Ok(())` means the token no longer exists.
    ///
    /// The identifier is percent-encoded into the path, so no character in it
    /// can change which URL is called; `""`, `.` and `..` are refused with
    /// [`Error::InvalidRequest`] before anything is sent, since a URL cannot
    /// carry them as a path segment.
    pub async fn send(self) -> Result<(), Error> {
        check_path_segment("access_token_identifier", &self.access_token_identifier)
            .map_err(Error::InvalidRequest)?;
        let service_id = &self.client.inner().service_id;
        let identifier = &self.access_token_identifier;
        execute(self.client, OPERATION, |generated| async move {
            generated
                .auth_token_delete_api()
                .service_id(service_id.as_str())
                .access_token_identifier(identifier.as_str())
                .send()
                .await
        })
        .await?;
        Ok(())
    }
}
