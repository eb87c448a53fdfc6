//! Who may do what: roles, password hashing (argon2id), and the random secrets behind API
//! tokens and login sessions, which are stored only as SHA-256 digests.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "warren_session";

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// What a user may do; each role may do everything the roles before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything, changes nothing.
    Viewer,
    /// Submits jobs and steers its own jobs.
    Submitter,
    /// Steers every job, agents, queues, limits and farm definitions.
    Operator,
    /// Everything, including users.
    Admin,
}

impl Role {
    /// Every role, weakest first.
    pub const ALL: [Self; 4] = [Self::Viewer, Self::Submitter, Self::Operator, Self::Admin];

    /// The role's name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Submitter => "submitter",
            Self::Operator => "operator",
            Self::Admin => "admin",
        }
    }

    /// The role called `name`.
    pub fn parse(name: &str) -> Result<Self, AuthError> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == name)
            .ok_or_else(|| AuthError::UnknownRole(name.to_owned()))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// How a request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API token (`Authorization: Bearer ...`).
    Token {
        /// The token's id.
        token_id: i64,
    },
    /// A login session cookie; writes must echo its CSRF token.
    Session {
        /// The session's id.
        session_id: i64,
    },
    /// The master runs with `--no-auth`: everyone is an administrator.
    NoAuth,
}

/// The user behind a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user's id; `None` without authentication.
    pub user_id: Option<i64>,
    /// The user's name.
    pub username: String,
    /// What the user may do.
    pub role: Role,
    /// How the request authenticated.
    pub credential: Credential,
}

impl Principal {
    /// Everyone, when the master runs without authentication.
    #[must_use]
    pub fn anonymous() -> Self {
        Self {
            user_id: None,
            username: "anonymous".to_owned(),
            role: Role::Admin,
            credential: Credential::NoAuth,
        }
    }

    /// Whether the user holds `role` or a stronger one.
    #[must_use]
    pub fn has(&self, role: Role) -> bool {
        self.role >= role
    }
}

/// Why a credential could not be made or checked.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A role name that does not exist.
    #[error("unknown role `{0}`: use viewer, submitter, operator or admin")]
    UnknownRole(String),
    /// The password is too short.
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    /// Hashing failed (it does not for valid input).
    #[error("cannot hash the password: {0}")]
    Hash(String),
    /// The system's random number source failed.
    #[error("cannot read random bytes: {0}")]
    Random(String),
}

/// The argon2id PHC string of `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::WeakPassword);
    }
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|error| AuthError::Hash(error.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AuthError::Hash(error.to_string()))
}

/// Whether `password` matches the stored PHC string (false for a malformed one).
#[must_use]
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// `N` bytes from the system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).map_err(|error| AuthError::Random(error.to_string()))?;
    Ok(bytes)
}

/// A new random secret: `prefix` and 256 random bits in hex. Tokens start `wrn_`, so a leaked
/// one is easy to recognise.
pub fn new_secret(prefix: &str) -> Result<String, AuthError> {
    let bytes = random_bytes::<32>()?;
    let mut secret = String::with_capacity(prefix.len() + 64);
    secret.push_str(prefix);
    for byte in bytes {
        secret.push_str(&format!("{byte:02x}"));
    }
    Ok(secret)
}

/// The digest a secret is stored and looked up by.
#[must_use]
pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
#[must_use]
pub fn secrets_equal(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left
            .bytes()
            .zip(right.bytes())
            .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let stored = hash_password("correct horse").expect("hashing works");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &stored));
        assert!(!verify_password("correct horsf", &stored));
        assert!(!verify_password("correct horse", "not a hash"));
        assert!(matches!(
            hash_password("short"),
            Err(AuthError::WeakPassword)
        ));
    }

    #[test]
    fn secrets_are_random_and_digests_fixed_length() {
        let one = new_secret("wrn_").expect("random bytes");
        let two = new_secret("wrn_").expect("random bytes");
        assert_ne!(one, two);
        assert_eq!(one.len(), 68);
        assert_eq!(digest(&one).len(), 64);
        assert_eq!(digest(&one), digest(&one));
        assert!(secrets_equal(&one, &one.clone()));
        assert!(!secrets_equal(&one, &two));
    }

    #[test]
    fn roles_are_ordered_and_parse_by_name() {
        assert!(Role::Admin > Role::Operator && Role::Operator > Role::Submitter);
        assert!(Role::Submitter > Role::Viewer);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).expect("a known role"), role);
        }
        assert!(Role::parse("root").is_err());
    }
}
