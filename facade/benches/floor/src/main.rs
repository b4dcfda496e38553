//! The floor for compile cost and binary size: one token-fail call to
//! Authlete with nothing but reqwest, serde and tokio.

use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct FailRequest<'a> {
    ticket: &'a str,
    reason: &'a str,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct FailResponse {
    action: Option<String>,
    response_content: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("AUTHLETE_BASE_URL")?;
    let service = std::env::var("AUTHLETE_SERVICE_ID")?;
    let token = std::env::var("AUTHLETE_SERVICE_ACCESSTOKEN")?;
    let ticket = std::env::args().nth(1).unwrap_or_default();
    let response: FailResponse = reqwest::Client::new()
        .post(format!("{base}/api/{service}/auth/token/fail"))
        .bearer_auth(token)
        .json(&FailRequest {
            ticket: &ticket,
            reason: "INVALID_RESOURCE_OWNER_CREDENTIALS",
        })
        .send()
        .await?
        .json()
        .await?;
    println!("{response:?}");
    Ok(())
}
