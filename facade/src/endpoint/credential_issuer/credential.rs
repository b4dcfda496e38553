//! The three endpoints that hand out credentials (single, batch,
//! deferred): read the wallet's request, let Authlete parse it, ask the
//! delegate, let Authlete issue.

use http::{Method, StatusCode};

use super::verdict::{Answer, go_on, settle};
use super::{CredentialDecision, CredentialDelegate, CredentialIssuerEndpoint};
use crate::endpoint::failure::{method_not_allowed, unexpected_action, unreadable_body};
use crate::endpoint::request::access_token;
use crate::error::Error;
use crate::http_response::{challenge_response, json_response, server_error};
use crate::model::{CredentialIssuanceOrder, CredentialRequestInfo};
use crate::operations::credential_issuer::{
    ISSUE_BATCH, ISSUE_DEFERRED, ISSUE_SINGLE, PARSE_BATCH, PARSE_DEFERRED, PARSE_SINGLE,
};

/// The seconds a wallet is asked to wait before asking the deferred
/// endpoint again.
const PENDING_INTERVAL: u64 = 5;

/// Who is asking: the access token of a wallet's request, and the user it
/// speaks for, if introspection says.
struct Wallet {
    token: String,
    subject: Option<String>,
}

impl<D: CredentialDelegate> CredentialIssuerEndpoint<D> {
    /// Serves one credential request: a POST with a JSON body and the
    /// access token in the `Authorization` header. Other methods get 405.
    pub async fn credential<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let issuer = self.client.credential_issuer();
        let parse =
            async |token: &str, content: &str| issuer.parse_single(token, content).send().await;
        let (wallet, parsed) = match self.parsed(request, PARSE_SINGLE.id, parse).await {
            Ok(parsed) => parsed,
            Err(refusal) => return refusal,
        };
        let Some(info) = parsed.info() else {
            return no_info(PARSE_SINGLE.id);
        };
        let decision = self
            .delegate
            .credential(wallet.subject.as_deref(), info)
            .await;
        let sent = issuer
            .issue_single(wallet.token.as_str(), order(info, decision))
            .send()
            .await;
        settle(ISSUE_SINGLE.id, sent)
    }

    /// Serves one batch credential request: like
    /// [`credential`](Self::credential), with the delegate asked once per
    /// credential the batch names, each issued now or deferred.
    pub async fn batch_credential<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let issuer = self.client.credential_issuer();
        let parse =
            async |token: &str, content: &str| issuer.parse_batch(token, content).send().await;
        let (wallet, parsed) = match self.parsed(request, PARSE_BATCH.id, parse).await {
            Ok(parsed) => parsed,
            Err(refusal) => return refusal,
        };
        let mut orders = Vec::with_capacity(parsed.info().len());
        for info in parsed.info() {
            let decision = self
                .delegate
                .credential(wallet.subject.as_deref(), info)
                .await;
            orders.push(order(info, decision));
        }
        let sent = issuer
            .issue_batch(wallet.token.as_str(), orders)
            .send()
            .await;
        settle(ISSUE_BATCH.id, sent)
    }

    /// Serves one deferred credential request (the wallet's
    /// `transaction_id`): the delegate is asked again; while it defers,
    /// 400 `issuance_pending` with an `interval`, and the transaction
    /// stays open.
    pub async fn deferred_credential<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> http::Response<String> {
        let issuer = self.client.credential_issuer();
        let parse =
            async |token: &str, content: &str| issuer.parse_deferred(token, content).send().await;
        let (wallet, parsed) = match self.parsed(request, PARSE_DEFERRED.id, parse).await {
            Ok(parsed) => parsed,
            Err(refusal) => return refusal,
        };
        let Some(info) = parsed.info() else {
            return no_info(PARSE_DEFERRED.id);
        };
        let decision = self
            .delegate
            .credential(wallet.subject.as_deref(), info)
            .await;
        if decision == CredentialDecision::Defer {
            let pending = serde_json::json!({
                "error": "issuance_pending",
                "interval": PENDING_INTERVAL,
            });
            return json_response(StatusCode::BAD_REQUEST, Some(pending.to_string()), "");
        }
        let sent = issuer.issue_deferred(order(info, decision)).send().await;
        settle(ISSUE_DEFERRED.id, sent)
    }

    /// The steps every credential endpoint starts with: read the wallet's
    /// request, have Authlete `parse` it (with the access token and the
    /// body), and name the token's user; or the response that ends the
    /// request at the first step that refuses it.
    #[allow(
        clippy::result_large_err,
        reason = "the error is the response, sent at once; boxing it would only add an allocation"
    )]
    async fn parsed<B: AsRef<[u8]>, R: Answer>(
        &self,
        request: http::Request<B>,
        operation: &str,
        parse: impl AsyncFnOnce(&str, &str) -> Result<R, Error>,
    ) -> Result<(Wallet, R), http::Response<String>> {
        let (token, content) = read(request)?;
        let parsed = go_on(operation, parse(&token, &content).await)?;
        let subject = self.subject_of(&token).await?;
        Ok((Wallet { token, subject }, parsed))
    }

    /// The access token's subject, from introspection when that group is
    /// on (the parse answers do not carry it), or the 500 when Authlete
    /// could not be asked: asking the delegate as if the token spoke for
    /// nobody would defer or refuse a credential its user is owed.
    #[allow(
        clippy::result_large_err,
        reason = "the error is the response, sent at once; boxing it would only add an allocation"
    )]
    async fn subject_of(&self, token: &str) -> Result<Option<String>, http::Response<String>> {
        #[cfg(feature = "introspection")]
        {
            use crate::endpoint::failure::outage;
            use crate::operations::introspection::PROCESS;
            let answer = self
                .client
                .introspection()
                .process(token)
                .send()
                .await
                .map_err(|error| outage(PROCESS.id, &error))?;
            Ok(answer.subject().map(str::to_owned))
        }
        #[cfg(not(feature = "introspection"))]
        {
            let _ = token;
            Ok(None)
        }
    }
}

/// The access token and the body of a wallet's POST, or the refusal: 405
/// for another method, 401 `Bearer` without a token, 400 for an unreadable
/// request.
#[allow(
    clippy::result_large_err,
    reason = "the error is the response, sent at once; boxing it would only add an allocation"
)]
fn read<B: AsRef<[u8]>>(
    request: http::Request<B>,
) -> Result<(String, String), http::Response<String>> {
    let (parts, body) = request.into_parts();
    if parts.method != Method::POST {
        return Err(method_not_allowed("POST"));
    }
    let token = match access_token(&parts, &[]) {
        Ok(Some(token)) => token,
        Ok(None) => {
            return Err(challenge_response(
                StatusCode::UNAUTHORIZED,
                Some("Bearer".into()),
                "",
            ));
        }
        Err(()) => return Err(unreadable_body()),
    };
    let content = std::str::from_utf8(body.as_ref()).map_err(|_| unreadable_body())?;
    Ok((token.as_str().to_owned(), content.to_owned()))
}

/// The order Authlete issues by, for the request `info` describes.
fn order(info: &CredentialRequestInfo, decision: CredentialDecision) -> CredentialIssuanceOrder {
    match decision {
        CredentialDecision::Issue(claims) => CredentialIssuanceOrder {
            request_identifier: info.identifier.clone(),
            credential_payload: Some(serde_json::Value::Object(claims).to_string()),
            ..Default::default()
        },
        CredentialDecision::Defer => CredentialIssuanceOrder {
            request_identifier: info.identifier.clone(),
            issuance_deferred: Some(true),
            ..Default::default()
        },
    }
}

/// Authlete said `OK` but described no request.
fn no_info(operation: &str) -> http::Response<String> {
    unexpected_action(operation, Some("OK"), "no request info");
    server_error()
}
