//! `/auth/token/get/list`: page through the access tokens of a client or a user.

use super::ListTokensRequest;

impl ListTokensRequest<'_> {
    /// Which tokens to return: from index `start` (inclusive) to `end`
    /// (exclusive), counting from 0. The same as setting both.
    pub fn range(self, start: i32, end: i32) -> Self {
        self.start(start).end(end)
    }
}
