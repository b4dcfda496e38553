//! `/auth/token/revoke`: revoke the access tokens that match some criteria.

use super::RevokeTokensRequest;
use crate::error::Error;

impl RevokeTokensRequest<'_> {
    /// A request without any criterion is refused before anything is sent,
    /// since its meaning ("revoke what?") is never what the caller wants.
    pub(super) fn validate(&self) -> Result<(), Error> {
        let b = &self.body;
        let criteria = [
            &b.access_token_identifier,
            &b.refresh_token_identifier,
            &b.client_identifier,
            &b.subject,
        ];
        if criteria
            .iter()
            .all(|c| c.as_deref().is_none_or(str::is_empty))
        {
            return Err(Error::InvalidRequest(
                "revoke needs at least one of access_token_identifier, \
                 refresh_token_identifier, client_identifier or subject"
                    .into(),
            ));
        }
        Ok(())
    }
}
