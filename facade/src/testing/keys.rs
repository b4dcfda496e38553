//! The stand-in's signing keys: used to sign ID tokens and UserInfo
//! answers, and published (public halves only) as the service's JWK Set.
//!
//! They are made once per process, the first time a mock needs them, and
//! every mock of the process shares them: two RSA keys take between half a
//! second and a second and a half in an unoptimised build, which every test
//! starting a mock would otherwise pay, most of them for keys they never
//! use. A test that needs keys of its own has its own process.
//!
//! One key per algorithm: RSA 2048 for RS256, another RSA 2048 for PS256
//! (a key is published with one `alg`, and relying parties that take the
//! algorithm from the JWK would refuse the other use of a shared key), and
//! P-256 for ES256. Each key's `kid` is its RFC 7638 thumbprint, so no two
//! processes publish the same `kid` for different keys. aws-lc-rs makes the
//! keys (C, so no slower in a debug build than its own optimisation level
//! allows); `jsonwebtoken` signs with them.
//!
//! [`MockAuthlete`]: super::MockAuthlete

use std::sync::OnceLock;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A JWS algorithm the mock signs with, or `none` (RFC 7518 §3.6), which a
/// client must register to get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SigningAlg {
    Rs256,
    Ps256,
    Es256,
    None,
}

impl SigningAlg {
    /// Every algorithm the mock has a key for, RS256 first: OpenID Connect
    /// Discovery requires RS256 among an OP's ID token algorithms, and
    /// relying parties that pick the first listed one should pick it.
    pub(super) const SIGNED: [SigningAlg; 3] =
        [SigningAlg::Rs256, SigningAlg::Es256, SigningAlg::Ps256];

    /// The algorithm a JWS header names; `None` for one the mock cannot use.
    pub(super) fn parse(name: &str) -> Option<SigningAlg> {
        Some(match name {
            "RS256" => SigningAlg::Rs256,
            "PS256" => SigningAlg::Ps256,
            "ES256" => SigningAlg::Es256,
            "none" => SigningAlg::None,
            _ => return None,
        })
    }

    /// Its name in JWS headers and metadata.
    pub(super) fn name(self) -> &'static str {
        match self {
            SigningAlg::Rs256 => "RS256",
            SigningAlg::Ps256 => "PS256",
            SigningAlg::Es256 => "ES256",
            SigningAlg::None => "none",
        }
    }
}

/// One private key and what is published about it.
struct SigningKey {
    algorithm: Algorithm,
    kid: String,
    private: EncodingKey,
    /// The public JWK, with `kid`, `alg` and `use`.
    public: Value,
}

/// The mock's three signing keys.
pub(super) struct Keys {
    rs256: SigningKey,
    ps256: SigningKey,
    es256: SigningKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key IDs only; the private halves stay out of any output.
        f.debug_struct("Keys")
            .field("rs256", &self.rs256.kid)
            .field("ps256", &self.ps256.kid)
            .field("es256", &self.es256.kid)
            .finish()
    }
}

/// Why keys could not be made (aws-lc-rs says no more than that).
#[derive(Debug)]
pub(super) struct KeyError(String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the mock could not make its signing keys: {}", self.0)
    }
}

impl std::error::Error for KeyError {}

/// The process's keys, made on the first call.
pub(super) fn shared() -> Result<&'static Keys, &'static KeyError> {
    static KEYS: OnceLock<Result<Keys, KeyError>> = OnceLock::new();
    KEYS.get_or_init(Keys::generate).as_ref()
}

impl Keys {
    /// Fresh keys.
    pub(super) fn generate() -> Result<Keys, KeyError> {
        Ok(Keys {
            rs256: SigningKey::new(Algorithm::RS256, rsa_key()?)?,
            ps256: SigningKey::new(Algorithm::PS256, rsa_key()?)?,
            es256: SigningKey::new(Algorithm::ES256, ec_key()?)?,
        })
    }

    fn key(&self, alg: SigningAlg) -> Option<&SigningKey> {
        match alg {
            SigningAlg::Rs256 => Some(&self.rs256),
            SigningAlg::Ps256 => Some(&self.ps256),
            SigningAlg::Es256 => Some(&self.es256),
            SigningAlg::None => None,
        }
    }

    /// `claims` as a compact JWS signed with `alg`'s key, its `kid` in the
    /// header; for `none`, an unsecured JWT (RFC 7519 §6.1).
    pub(super) fn sign(&self, alg: SigningAlg, claims: &Value) -> String {
        self.sign_typed(alg, "JWT", claims)
    }

    /// [`sign`](Self::sign) with the header's `typ` set to `typ` (an
    /// entity statement's `entity-statement+jwt`, OpenID Federation §3).
    pub(super) fn sign_typed(&self, alg: SigningAlg, typ: &str, claims: &Value) -> String {
        let Some(key) = self.key(alg) else {
            return unsecured(claims);
        };
        let mut header = Header::new(key.algorithm);
        header.kid = Some(key.kid.clone());
        header.typ = Some(typ.to_owned());
        // The key was checked against its algorithm when it was made, and
        // a JSON value always serialises: signing cannot fail here.
        jsonwebtoken::encode(&header, claims, &key.private)
            .unwrap_or_else(|e| panic!("signing with the mock's {} key: {e}", alg.name()))
    }

    /// The public JWK Set (RFC 7517 §5): every key, without private parts.
    pub(super) fn jwks(&self) -> Value {
        let keys: Vec<Value> = SigningAlg::SIGNED
            .iter()
            .filter_map(|alg| self.key(*alg))
            .map(|key| key.public.clone())
            .collect();
        serde_json::json!({ "keys": keys })
    }
}

impl SigningKey {
    fn new(algorithm: Algorithm, private: EncodingKey) -> Result<SigningKey, KeyError> {
        let fail = |e: jsonwebtoken::errors::Error| KeyError(e.to_string());
        let mut jwk = Jwk::from_encoding_key(&private, algorithm).map_err(fail)?;
        let kid = jwk.thumbprint(ThumbprintHash::SHA256).map_err(fail)?;
        jwk.common.key_id = Some(kid.clone());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        let public = serde_json::to_value(&jwk).map_err(|e| KeyError(e.to_string()))?;
        // A first signature proves the key and the algorithm go together,
        // so that `sign` may treat failure as impossible.
        jsonwebtoken::encode(&Header::new(algorithm), &Value::Null, &private).map_err(fail)?;
        Ok(SigningKey {
            algorithm,
            kid,
            private,
            public,
        })
    }
}

/// `claims` as an unsecured JWT (RFC 7519 §6.1): no key, empty signature.
pub(super) fn unsecured(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

fn rsa_key() -> Result<EncodingKey, KeyError> {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048)
        .map_err(|_| KeyError("RSA key generation failed".into()))?;
    let pkcs8 = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair)
        .map_err(|_| KeyError("RSA key export failed".into()))?;
    // jsonwebtoken takes RSA keys as PKCS #1 `RSAPrivateKey`; aws-lc-rs
    // exports PKCS #8, whose `privateKey` field holds exactly that.
    let pkcs1 = pkcs8_private_key(pkcs8.as_ref())
        .ok_or_else(|| KeyError("RSA key export is not PKCS #8".into()))?;
    Ok(EncodingKey::from_rsa_der(pkcs1))
}

fn ec_key() -> Result<EncodingKey, KeyError> {
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
        .map_err(|_| KeyError("P-256 key generation failed".into()))?;
    let pkcs8 = pair
        .to_pkcs8v1()
        .map_err(|_| KeyError("P-256 key export failed".into()))?;
    Ok(EncodingKey::from_ec_der(pkcs8.as_ref()))
}

/// The `privateKey` OCTET STRING of a DER PKCS #8 `PrivateKeyInfo`
/// (RFC 5208 §5): SEQUENCE { INTEGER version, SEQUENCE algorithm,
/// OCTET STRING privateKey, … }.
fn pkcs8_private_key(der: &[u8]) -> Option<&[u8]> {
    let (outer, _) = der_element(der, 0x30)?;
    let (_, rest) = der_element(outer, 0x02)?;
    let (_, rest) = der_element(rest, 0x30)?;
    let (key, _) = der_element(rest, 0x04)?;
    Some(key)
}

/// The contents of the DER element at the start of `input` if its tag is
/// `tag`, and what follows it.
fn der_element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&first, rest) = input.split_first()?;
    if first != tag {
        return None;
    }
    let (&length, rest) = rest.split_first()?;
    let (length, rest) = if length < 0x80 {
        (usize::from(length), rest)
    } else {
        // Long form: the low bits count the length's own bytes.
        let count = usize::from(length & 0x7f);
        if count == 0 || count > std::mem::size_of::<usize>() || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let length = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (length, rest)
    };
    (rest.len() >= length).then(|| rest.split_at(length))
}

/// The left half of the SHA-256 digest of `value`, base64url: `at_hash` and
/// `c_hash` (OpenID Connect Core §3.1.3.6, §3.3.2.11). Every algorithm the
/// mock signs with hashes with SHA-256; `none` has no hash of its own, and
/// SHA-256 is what relying parties assume for it.
pub(super) fn half_hash(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    #[test]
    fn keys_are_quick_to_make_and_sign_what_their_jwks_verifies() {
        let started = std::time::Instant::now();
        let keys = Keys::generate().expect("keys");
        eprintln!("three keys in {:?}", started.elapsed());
        let jwks = keys.jwks();
        let published = jwks["keys"].as_array().expect("keys");
        assert_eq!(published.len(), 3);
        let claims = serde_json::json!({"sub": "alice", "aud": "app", "exp": 4_000_000_000u64});
        for alg in SigningAlg::SIGNED {
            let token = keys.sign(alg, &claims);
            let header = jsonwebtoken::decode_header(&token).expect("header");
            let kid = header.kid.expect("a kid");
            let jwk_value = published
                .iter()
                .find(|k| k["kid"] == kid.as_str())
                .expect("the kid is published");
            assert_eq!(jwk_value["alg"], alg.name());
            assert_eq!(jwk_value["use"], "sig");
            assert!(jwk_value.get("d").is_none(), "no private part");
            let jwk: Jwk = serde_json::from_value(jwk_value.clone()).expect("a JWK");
            let key = DecodingKey::from_jwk(&jwk).expect("a key");
            let mut validation = Validation::new(header.alg);
            validation.set_audience(&["app"]);
            let decoded = jsonwebtoken::decode::<Value>(&token, &key, &validation)
                .unwrap_or_else(|e| panic!("{}: {e}", alg.name()));
            assert_eq!(decoded.claims["sub"], "alice");
        }
        let unsecured = keys.sign(SigningAlg::None, &claims);
        assert!(unsecured.ends_with('.'));
        assert!(!format!("{keys:?}").contains("\"d\""));
    }

    #[test]
    fn der_elements_read_short_and_long_lengths_and_refuse_truncation() {
        assert_eq!(
            der_element(&[0x04, 2, 9, 8, 7], 0x04),
            Some((&[9u8, 8][..], &[7u8][..]))
        );
        let mut long = vec![0x04, 0x81, 200];
        long.extend([1u8; 200]);
        assert_eq!(der_element(&long, 0x04).map(|(c, _)| c.len()), Some(200));
        assert_eq!(der_element(&[0x04, 3, 1], 0x04), None);
        assert_eq!(der_element(&[0x02, 1, 0], 0x04), None);
        assert_eq!(der_element(&[0x04, 0x80], 0x04), None);
    }

    #[test]
    fn half_hash_matches_the_openid_connect_example() {
        // OpenID Connect Core, Appendix A.3/A.4: the access token
        // "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" has this at_hash.
        assert_eq!(
            half_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }
}
