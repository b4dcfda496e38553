//! Updating a token named by its refresh token.
//!
//! Authlete's `/auth/token/update` finds the token by its access token, or
//! by its refresh token (or either's hash) when the access token is not
//! sent; the spec names only the first, so the verb takes the access token.

use super::{Tokens, UpdateTokenRequest};

impl<'a> Tokens<'a> {
    /// [`update`](Self::update), naming the token by its refresh token
    /// instead of its access token: for a token whose access token the
    /// caller never kept.
    pub fn update_by_refresh_token(
        self,
        refresh_token: impl Into<String>,
    ) -> UpdateTokenRequest<'a> {
        let mut request = self.update(String::new());
        request.body.access_token = None;
        request.body.refresh_token = Some(refresh_token.into());
        request
    }
}
