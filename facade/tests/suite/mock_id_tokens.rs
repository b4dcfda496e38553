//! The stand-in's ID tokens and claims, checked as a relying party would:
//! signatures verified with `jsonwebtoken` against the published JWK Set
//! (the key's `alg`, never the token's, decides the algorithm), `at_hash`
//! and `c_hash` recomputed, and the claims the user consented to followed
//! from the authorization request to the ID token and UserInfo.

use std::collections::HashMap;

use authlete::testing::{DEFAULT_MOCK_ISSUER, MockAuthlete, MockClient};
use authlete::{
    AuthorizationIssueAction, Client, TokenAction, UserInfoAction, UserInfoIssueAction,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const SECRET: &str = "secret";
const CALLBACK: &str = "https://rp.example/cb";

/// A confidential client registered with `alg` for its ID tokens (the
/// mock's default when `None`) and every response type.
fn rp(id: &str, alg: Option<&str>) -> MockClient {
    let mut client = MockClient::new(id).secret(SECRET).redirect_uri(CALLBACK);
    for response_type in [
        "code",
        "id_token",
        "token",
        "code id_token",
        "code token",
        "id_token token",
        "code id_token token",
    ] {
        client = client.response_type(response_type);
    }
    match alg {
        Some(alg) => client.id_token_signed_response_alg(alg),
        None => client,
    }
}

async fn start() -> (MockAuthlete, Client) {
    let mock = MockAuthlete::start().await.expect("mock");
    let client = mock.client().expect("client");
    (mock, client)
}

async fn jwks(client: &Client) -> JwkSet {
    let published = client.service().jwks().send().await.expect("JWKS");
    serde_json::from_value(json!({ "keys": published.keys() })).expect("a JWK Set")
}

/// Verifies `token` as a careful relying party: the key named by `kid`,
/// the algorithm that key is published for, the issuer and the audience.
fn verify(token: &str, keys: &JwkSet, audience: &str) -> Result<Value, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| format!("header: {e}"))?;
    let kid = header.kid.ok_or("no kid")?;
    let jwk: &Jwk = keys.find(&kid).ok_or("kid not published")?;
    let alg = Algorithm::try_from(jwk.common.key_algorithm.ok_or("the JWK names no alg")?)
        .map_err(|e| format!("alg: {e}"))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("key: {e}"))?;
    let mut validation = Validation::new(alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[DEFAULT_MOCK_ISSUER]);
    validation.set_required_spec_claims(&["iss", "sub", "aud", "exp", "iat"]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| format!("{e}"))
}

fn header(token: &str) -> Value {
    let first = token.split('.').next().expect("a header");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(first).expect("base64url")).expect("JSON")
}

/// OpenID Connect Core §3.1.3.6: the left half of SHA-256, base64url.
fn half_hash(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// The parameters of a redirect, from its query or its fragment.
fn redirect_params(location: &str) -> HashMap<String, String> {
    let url = url::Url::parse(location).expect("a URL");
    let text = url
        .fragment()
        .or(url.query())
        .unwrap_or_default()
        .to_owned();
    url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

/// Authorizes `parameters` for alice, handing `claims` and `auth_time` to
/// `/issue`, and gives the redirect's parameters.
async fn authorize(
    client: &Client,
    parameters: &str,
    claims: Option<&str>,
    auth_time: Option<i64>,
) -> HashMap<String, String> {
    let asked = client
        .authorization()
        .process(parameters)
        .send()
        .await
        .expect("process");
    let ticket = asked
        .ticket()
        .unwrap_or_else(|| panic!("no ticket for {parameters}: {:?}", asked.response_content()));
    let mut issue = client.authorization().issue(ticket, "alice");
    if let Some(claims) = claims {
        issue = issue.claims(claims);
    }
    if let Some(auth_time) = auth_time {
        issue = issue.auth_time(auth_time);
    }
    let issued = issue.send().await.expect("issue");
    assert_eq!(issued.action(), Some(AuthorizationIssueAction::Location));
    redirect_params(issued.response_content().expect("location"))
}

/// The token endpoint's answer for a code.
async fn exchange(client: &Client, id: &str, code: &str) -> authlete::tokens::TokenResponse {
    let answer = client
        .tokens()
        .process(format!("grant_type=authorization_code&code={code}"))
        .client_id(id)
        .client_secret(SECRET)
        .send()
        .await
        .expect("token");
    assert_eq!(
        answer.action(),
        Some(TokenAction::Ok),
        "{:?}",
        answer.response_content()
    );
    answer
}

fn code_request(id: &str, scope: &str) -> String {
    format!("response_type=code&client_id={id}&scope={scope}&nonce=n-0S6&state=s")
}

#[tokio::test]
async fn rs256_es256_and_ps256_id_tokens_verify_against_the_published_keys() {
    let (mock, client) = start().await;
    let keys = jwks(&client).await;
    for (id, alg) in [
        ("rp-default", None),
        ("rp-rs", Some("RS256")),
        ("rp-es", Some("ES256")),
        ("rp-ps", Some("PS256")),
    ] {
        mock.register(rp(id, alg));
        let code = &authorize(&client, &code_request(id, "openid"), None, None).await["code"];
        let answer = exchange(&client, id, code).await;
        let id_token = answer.id_token().expect("an ID token for openid");
        let expected = alg.unwrap_or("RS256");
        assert_eq!(header(id_token)["alg"], expected, "{id}");
        let claims = verify(id_token, &keys, id).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(claims["sub"], "alice");
        assert_eq!(claims["nonce"], "n-0S6");
        let access_token = answer.access_token().expect("an access token");
        assert_eq!(claims["at_hash"], half_hash(access_token), "{id}");
        assert!(claims.get("c_hash").is_none(), "no code beside it");
        let (iat, exp) = (claims["iat"].as_i64(), claims["exp"].as_i64());
        assert!(iat.zip(exp).is_some_and(|(i, e)| e > i), "{claims}");
        // The same ID token in the JSON the client gets.
        let body: Value =
            serde_json::from_str(answer.response_content().expect("content")).expect("JSON");
        assert_eq!(body["id_token"].as_str(), Some(id_token));
    }
}

#[tokio::test]
async fn a_tampered_or_unsigned_id_token_does_not_verify() {
    let (mock, client) = start().await;
    mock.register(rp("rp", None));
    let keys = jwks(&client).await;
    let code = &authorize(&client, &code_request("rp", "openid"), None, None).await["code"];
    let id_token = exchange(&client, "rp", code)
        .await
        .id_token()
        .expect("ID token")
        .to_owned();
    assert!(verify(&id_token, &keys, "rp").is_ok());
    assert!(verify(&id_token, &keys, "another-rp").is_err(), "audience");

    let parts: Vec<&str> = id_token.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("JSON");
    claims["sub"] = json!("mallory");
    let forged_payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
    let refused = verify(&forged, &keys, "rp").expect_err("a changed sub must not verify");
    assert!(refused.contains("InvalidSignature"), "{refused}");

    let unsigned = format!(
        "{}.{forged_payload}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"x"}"#)
    );
    assert!(verify(&unsigned, &keys, "rp").is_err(), "alg none refused");

    // The kid of the RS256 key on a token signed by nobody.
    let mut header_json = header(&id_token);
    header_json["alg"] = json!("HS256");
    let confused = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header_json.to_string()),
        parts[1],
        parts[2]
    );
    assert!(
        verify(&confused, &keys, "rp").is_err(),
        "HS256 with an RSA key"
    );
}

#[tokio::test]
async fn none_is_offered_only_once_a_client_registers_it() {
    let (mock, client) = start().await;
    let algs = |metadata: &authlete::JsonDocument| {
        metadata["id_token_signing_alg_values_supported"].clone()
    };
    let metadata = client
        .service()
        .configuration()
        .send()
        .await
        .expect("discovery");
    assert_eq!(algs(&metadata), json!(["RS256", "ES256", "PS256"]));
    assert_eq!(
        metadata["userinfo_signing_alg_values_supported"],
        json!(["RS256", "ES256", "PS256"])
    );

    mock.register(rp("unsigned-rp", Some("none")));
    let metadata = client
        .service()
        .configuration()
        .send()
        .await
        .expect("discovery");
    assert_eq!(algs(&metadata), json!(["RS256", "ES256", "PS256", "none"]));
    let code =
        &authorize(&client, &code_request("unsigned-rp", "openid"), None, None).await["code"];
    let id_token = exchange(&client, "unsigned-rp", code)
        .await
        .id_token()
        .expect("ID token")
        .to_owned();
    assert_eq!(header(&id_token), json!({"alg": "none"}));
    assert!(id_token.ends_with('.'), "an empty signature");
}

#[tokio::test]
async fn hybrid_and_implicit_id_tokens_carry_c_hash_and_at_hash() {
    let (mock, client) = start().await;
    mock.register(rp("rp", Some("ES256")));
    let keys = jwks(&client).await;
    let ask = |response_type: &str| {
        format!(
            "response_type={}&client_id=rp&scope=openid&nonce=n-1&state=s",
            response_type.replace(' ', "+")
        )
    };

    let both = authorize(&client, &ask("code id_token token"), None, None).await;
    let claims = verify(&both["id_token"], &keys, "rp").expect("verifies");
    assert_eq!(claims["c_hash"], half_hash(&both["code"]));
    assert_eq!(claims["at_hash"], half_hash(&both["access_token"]));
    assert_eq!(claims["nonce"], "n-1");
    assert_eq!(both["token_type"], "Bearer");
    assert_eq!(both["state"], "s");
    assert_eq!(both["iss"], DEFAULT_MOCK_ISSUER);

    let with_code = authorize(&client, &ask("code id_token"), None, None).await;
    let claims = verify(&with_code["id_token"], &keys, "rp").expect("verifies");
    assert_eq!(claims["c_hash"], half_hash(&with_code["code"]));
    assert!(claims.get("at_hash").is_none());
    assert!(!with_code.contains_key("access_token"));
    // The code still works at the token endpoint, whose ID token has no c_hash.
    let answer = exchange(&client, "rp", &with_code["code"]).await;
    let claims = verify(answer.id_token().expect("ID token"), &keys, "rp").expect("verifies");
    assert!(claims.get("c_hash").is_none());
    assert_eq!(claims["nonce"], "n-1");

    let implicit = authorize(&client, &ask("id_token token"), None, None).await;
    let claims = verify(&implicit["id_token"], &keys, "rp").expect("verifies");
    assert_eq!(claims["at_hash"], half_hash(&implicit["access_token"]));
    assert!(claims.get("c_hash").is_none());
    let userinfo = client
        .userinfo()
        .process(&implicit["access_token"])
        .send()
        .await
        .expect("userinfo");
    assert_eq!(userinfo.action(), Some(UserInfoAction::Ok));

    let alone = authorize(&client, &ask("id_token"), None, None).await;
    let claims = verify(&alone["id_token"], &keys, "rp").expect("verifies");
    assert!(claims.get("at_hash").is_none() && claims.get("c_hash").is_none());

    // The front channel needs a nonce whenever an ID token travels in it.
    let refused = client
        .authorization()
        .process("response_type=code+id_token&client_id=rp&scope=openid&state=s")
        .send()
        .await
        .expect("process");
    let params = redirect_params(refused.response_content().expect("location"));
    assert_eq!(params["error"], "invalid_request");
    // Tokens never go in a query string.
    let refused = client
        .authorization()
        .process("response_type=token&client_id=rp&response_mode=query&state=s")
        .send()
        .await
        .expect("process");
    let params = redirect_params(refused.response_content().expect("location"));
    assert_eq!(params["error"], "invalid_request");
}

#[tokio::test]
async fn auth_time_comes_when_asked_and_acr_when_given() {
    let (mock, client) = start().await;
    mock.register(rp("rp", None));
    let keys = jwks(&client).await;
    let id_token_for = |params: HashMap<String, String>| {
        let client = client.clone();
        async move {
            let answer = exchange(&client, "rp", &params["code"]).await;
            answer.id_token().expect("ID token").to_owned()
        }
    };

    let plain = authorize(
        &client,
        &code_request("rp", "openid"),
        None,
        Some(1_700_000_000),
    )
    .await;
    let claims = verify(&id_token_for(plain).await, &keys, "rp").expect("verifies");
    assert!(claims.get("auth_time").is_none(), "not asked: {claims}");

    let max_age = format!("{}&max_age=600", code_request("rp", "openid"));
    let asked = authorize(&client, &max_age, None, Some(1_700_000_000)).await;
    let claims = verify(&id_token_for(asked).await, &keys, "rp").expect("verifies");
    assert_eq!(claims["auth_time"], 1_700_000_000);

    let through_claims = format!(
        "{}&claims={}",
        code_request("rp", "openid"),
        urlencode(r#"{"id_token":{"auth_time":{"essential":true}}}"#)
    );
    let asked = authorize(&client, &through_claims, None, Some(1_700_000_001)).await;
    let claims = verify(&id_token_for(asked).await, &keys, "rp").expect("verifies");
    assert_eq!(claims["auth_time"], 1_700_000_001);

    let asked = client
        .authorization()
        .process(format!(
            "{}&acr_values=urn:mace:incommon:iap:silver",
            code_request("rp", "openid")
        ))
        .send()
        .await
        .expect("process");
    assert_eq!(asked.acrs(), ["urn:mace:incommon:iap:silver"]);
    let issued = client
        .authorization()
        .issue(asked.ticket().expect("ticket"), "alice")
        .acr("urn:mace:incommon:iap:silver")
        .send()
        .await
        .expect("issue");
    let params = redirect_params(issued.response_content().expect("location"));
    let claims = verify(&id_token_for(params).await, &keys, "rp").expect("verifies");
    assert_eq!(claims["acr"], "urn:mace:incommon:iap:silver");
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn consented_claims_reach_the_id_token_and_userinfo() {
    let (mock, client) = start().await;
    mock.register(rp("rp", None));
    mock.register(rp("signed-userinfo", Some("PS256")).userinfo_signed_response_alg("ES256"));
    let keys = jwks(&client).await;
    let claims_parameter = urlencode(
        r#"{"id_token":{"email":{"essential":true}},"userinfo":{"nickname":null,"email":null}}"#,
    );
    let request = format!(
        "{}&claims={claims_parameter}",
        code_request("rp", "openid+email+profile")
    );
    let asked = client
        .authorization()
        .process(&request)
        .send()
        .await
        .expect("process");
    // The code flow gives an access token: the scopes' claims are for UserInfo.
    assert_eq!(asked.claims(), ["email"]);
    let at_userinfo = asked.claims_at_user_info();
    for name in ["email", "email_verified", "name", "given_name", "nickname"] {
        assert!(
            at_userinfo.iter().any(|c| c == name),
            "{name}: {at_userinfo:?}"
        );
    }
    assert_eq!(
        at_userinfo.iter().filter(|c| *c == "email").count(),
        1,
        "each claim once"
    );
    assert!(asked.id_token_claims().is_some_and(|c| c.contains("email")));
    assert!(
        asked
            .user_info_claims()
            .is_some_and(|c| c.contains("nickname"))
    );

    let issued = client
        .authorization()
        .issue(asked.ticket().expect("ticket"), "alice")
        .claims(r#"{"email":"alice@example.com","sub":"not-alice","iss":"https://evil.example"}"#)
        .send()
        .await
        .expect("issue");
    let params = redirect_params(issued.response_content().expect("location"));
    let answer = exchange(&client, "rp", &params["code"]).await;
    let claims = verify(answer.id_token().expect("ID token"), &keys, "rp").expect("verifies");
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(claims["sub"], "alice", "the mock's own claims win");
    assert_eq!(claims["iss"], DEFAULT_MOCK_ISSUER);

    let access = answer.access_token().expect("access token");
    let userinfo = client
        .userinfo()
        .process(access)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(userinfo.action(), Some(UserInfoAction::Ok));
    let wanted = userinfo.claims();
    for name in ["email", "email_verified", "name", "family_name", "nickname"] {
        assert!(wanted.iter().any(|c| c == name), "{name}: {wanted:?}");
    }
    assert!(!wanted.iter().any(|c| c == "phone_number"), "{wanted:?}");
    assert!(
        userinfo
            .user_info_claims()
            .is_some_and(|c| c.contains("nickname"))
    );
    let issued = client
        .userinfo()
        .issue(userinfo.token().expect("token"))
        .claims(r#"{"email":"alice@example.com","email_verified":true,"name":"Alice"}"#)
        .send()
        .await
        .expect("userinfo issue");
    assert_eq!(issued.action(), Some(UserInfoIssueAction::Json));
    let body: Value =
        serde_json::from_str(issued.response_content().expect("content")).expect("JSON");
    assert_eq!(
        body,
        json!({"sub": "alice", "email": "alice@example.com", "email_verified": true, "name": "Alice"})
    );

    // response_type=id_token gives no access token: the scopes' claims go
    // into the ID token.
    let asked = client
        .authorization()
        .process("response_type=id_token&client_id=rp&scope=openid+email+phone&nonce=n&state=s")
        .send()
        .await
        .expect("process");
    assert_eq!(
        asked.claims(),
        [
            "email",
            "email_verified",
            "phone_number",
            "phone_number_verified"
        ]
    );
    assert!(asked.claims_at_user_info().is_empty());

    // A client that registered userinfo_signed_response_alg gets a JWT.
    let code = &authorize(
        &client,
        &code_request("signed-userinfo", "openid+email"),
        None,
        None,
    )
    .await["code"];
    let answer = exchange(&client, "signed-userinfo", code).await;
    assert_eq!(header(answer.id_token().expect("ID token"))["alg"], "PS256");
    let issued = client
        .userinfo()
        .issue(answer.access_token().expect("access token"))
        .claims(r#"{"email":"alice@example.com"}"#)
        .send()
        .await
        .expect("userinfo issue");
    assert_eq!(issued.action(), Some(UserInfoIssueAction::Jwt));
    let jwt = issued.response_content().expect("a JWT");
    assert_eq!(header(jwt)["alg"], "ES256");
    let claims = verify_userinfo(jwt, &keys, "signed-userinfo");
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(claims["aud"], "signed-userinfo");
}

/// A signed UserInfo answer, verified like an ID token but without `exp`
/// and `iat`, which OpenID Connect Core §5.3.2 does not ask of it.
fn verify_userinfo(token: &str, keys: &JwkSet, audience: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).expect("header");
    let jwk = keys.find(&header.kid.expect("kid")).expect("published");
    let alg = Algorithm::try_from(jwk.common.key_algorithm.expect("alg")).expect("known");
    let key = DecodingKey::from_jwk(jwk).expect("key");
    let mut validation = Validation::new(alg);
    validation.set_required_spec_claims(&["iss", "aud", "sub"]);
    validation.validate_exp = false;
    validation.set_audience(&[audience]);
    validation.set_issuer(&[DEFAULT_MOCK_ISSUER]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .expect("the UserInfo JWT verifies")
        .claims
}
