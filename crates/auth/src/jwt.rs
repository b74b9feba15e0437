//! Access tokens: short-lived JWTs signed with HS256. The algorithm is
//! pinned and `exp`, `iat`, `iss`, `aud` and `sub` are all required and
//! checked.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use renda_domain::id::UserId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    /// The session (refresh-token family) the token was issued in; for a
    /// service client, the token's own id.
    pub sid: String,
    /// A service client's token: the client's id (equal to `sub`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// A service client's token: the scopes granted, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// A service client's token: which of the client's secrets it was
    /// issued under (a fingerprint), so that the token ends when that
    /// secret does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sfp: Option<String>,
}

impl Claims {
    pub fn user_id(&self) -> Option<Uuid> {
        Uuid::parse_str(&self.sub).ok()
    }

    pub fn session_id(&self) -> Option<Uuid> {
        Uuid::parse_str(&self.sid).ok()
    }

    /// Whether the token was issued to a service client.
    pub fn is_client(&self) -> bool {
        self.client_id.is_some()
    }
}

/// How tokens are issued.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    pub issuer: String,
    pub audience: String,
    /// Lifetime of an access token, in seconds.
    pub access_ttl_secs: i64,
    /// Clock skew tolerated when checking `exp`, in seconds.
    pub leeway_secs: u64,
}

impl Default for JwtConfig {
    fn default() -> Self {
        Self {
            issuer: "renda".into(),
            audience: "renda-api".into(),
            access_ttl_secs: 900,
            leeway_secs: 30,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error("the token is not valid")]
    Invalid,
    #[error("the token could not be signed")]
    Signing,
}

/// The keys and rules for access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    config: JwtConfig,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    pub fn new(secret: &[u8], config: JwtConfig) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[config.issuer.as_str()]);
        validation.set_audience(&[config.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = config.leeway_secs;
        validation.validate_exp = true;
        validation.validate_nbf = false;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            config,
        }
    }

    pub fn config(&self) -> &JwtConfig {
        &self.config
    }

    /// Issues an access token for a user in a session; returns the token
    /// and its lifetime in seconds.
    pub fn issue(&self, user_id: UserId, session_id: Uuid) -> Result<(String, i64), JwtError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iss: self.config.issuer.clone(),
            aud: self.config.audience.clone(),
            iat: now,
            exp: now + self.config.access_ttl_secs,
            sid: session_id.to_string(),
            client_id: None,
            scope: None,
            sfp: None,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| JwtError::Signing)?;
        Ok((token, self.config.access_ttl_secs))
    }

    /// Issues an access token to a service client carrying `scope`
    /// (space-separated); returns the token and its lifetime in seconds.
    pub fn issue_client(
        &self,
        client_id: Uuid,
        scope: &str,
        secret_fingerprint: &str,
    ) -> Result<(String, i64), JwtError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: client_id.to_string(),
            iss: self.config.issuer.clone(),
            aud: self.config.audience.clone(),
            iat: now,
            exp: now + self.config.access_ttl_secs,
            sid: Uuid::now_v7().to_string(),
            client_id: Some(client_id.to_string()),
            scope: Some(scope.to_owned()),
            sfp: Some(secret_fingerprint.to_owned()),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| JwtError::Signing)?;
        Ok((token, self.config.access_ttl_secs))
    }

    /// Verifies a token's signature, algorithm and claims.
    pub fn verify(&self, token: &str) -> Result<Claims, JwtError> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| JwtError::Invalid)?;
        let claims = data.claims;
        // An `iat` in the future (beyond the leeway) is not a token we issued.
        let skew = i64::try_from(self.config.leeway_secs).unwrap_or(0);
        if claims.iat > Utc::now().timestamp() + skew {
            return Err(JwtError::Invalid);
        }
        if claims.user_id().is_none() || claims.session_id().is_none() {
            return Err(JwtError::Invalid);
        }
        // A client's token names the client twice and carries its scopes;
        // a person's token carries neither.
        let client_ok = match (&claims.client_id, &claims.scope) {
            (Some(c), Some(_)) => *c == claims.sub,
            (None, None) => true,
            _ => false,
        };
        if !client_ok {
            return Err(JwtError::Invalid);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"0123456789abcdef0123456789abcdef", JwtConfig::default())
    }

    #[test]
    fn issued_tokens_verify() -> Result<(), JwtError> {
        let k = keys();
        let (uid, sid) = (Uuid::now_v7(), Uuid::now_v7());
        let (token, ttl) = k.issue(uid.into(), sid)?;
        assert_eq!(ttl, 900);
        let c = k.verify(&token)?;
        assert_eq!(c.user_id(), Some(uid));
        assert_eq!(c.session_id(), Some(sid));
        Ok(())
    }

    #[test]
    fn client_tokens_carry_their_scopes() -> Result<(), JwtError> {
        let k = keys();
        let id = Uuid::now_v7();
        let (token, _) = k.issue_client(id, "suggestions:read", "0123456789abcdef")?;
        let c = k.verify(&token)?;
        assert!(c.is_client());
        assert_eq!(c.user_id(), Some(id));
        assert_eq!(c.scope.as_deref(), Some("suggestions:read"));
        let (user, _) = k.issue(id.into(), Uuid::now_v7())?;
        assert!(!k.verify(&user)?.is_client());
        Ok(())
    }

    #[test]
    fn half_client_tokens_are_refused() {
        let k = keys();
        let now = Utc::now().timestamp();
        let id = Uuid::now_v7();
        let forge = |client_id: Option<String>, scope: Option<String>| {
            let claims = Claims {
                sub: id.to_string(),
                iss: "renda".into(),
                aud: "renda-api".into(),
                iat: now,
                exp: now + 60,
                sid: Uuid::now_v7().to_string(),
                client_id,
                scope,
                sfp: None,
            };
            encode(&Header::new(Algorithm::HS256), &claims, &k.encoding).unwrap_or_default()
        };
        // A client id without scopes, scopes without a client, or a client
        // id that is not the subject: none is a token we issue.
        for t in [
            forge(Some(id.to_string()), None),
            forge(None, Some("suggestions:read".into())),
            forge(
                Some(Uuid::now_v7().to_string()),
                Some("suggestions:read".into()),
            ),
        ] {
            assert_eq!(k.verify(&t), Err(JwtError::Invalid));
        }
        assert!(
            k.verify(&forge(Some(id.to_string()), Some(String::new())))
                .is_ok()
        );
    }

    #[test]
    fn other_secret_or_audience_is_refused() -> Result<(), JwtError> {
        let (token, _) = keys().issue(Uuid::now_v7().into(), Uuid::now_v7())?;
        let other = JwtKeys::new(b"another-secret-another-secret-xx", JwtConfig::default());
        assert_eq!(other.verify(&token), Err(JwtError::Invalid));
        let aud = JwtKeys::new(
            b"0123456789abcdef0123456789abcdef",
            JwtConfig {
                audience: "elsewhere".into(),
                ..JwtConfig::default()
            },
        );
        assert_eq!(aud.verify(&token), Err(JwtError::Invalid));
        Ok(())
    }
}
