//! The farm's signing keys: the master signs every message it sends workers (a `Task` or a
//! control message) with ed25519 over the message's exact body bytes, and a worker obeys only
//! messages a key it trusts signed.
//!
//! A signature travels in the AMQP header [`SIGNATURE_HEADER`] as `<key id>:<base64 signature>`;
//! while an old key is being retired the master signs with both, comma-separated, so workers
//! that know only one of them still verify every message.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// The AMQP header holding a message's signatures.
pub const SIGNATURE_HEADER: &str = "x-warren-signature";

/// Prefix of a public key's text form.
const PUBLIC_PREFIX: &str = "ed25519:";

/// Why a key or a signature cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The message carries no signature.
    #[error("the message is not signed")]
    Missing,
    /// The signature header is not `<key id>:<base64>` pairs.
    #[error("the signature header is malformed")]
    Malformed,
    /// None of the message's signatures is by a key this worker trusts.
    #[error("the message is signed by key {0}, which this worker does not trust")]
    UnknownKey(String),
    /// A signature by a trusted key does not match the body.
    #[error("the signature by key {0} does not match the message")]
    Invalid(String),
    /// A key's text form is not `ed25519:<base64 of 32 bytes>`.
    #[error("invalid public key `{0}`: expected ed25519:<base64 of 32 bytes>")]
    InvalidPublicKey(String),
    /// A secret key's text form is not the base64 of 32 bytes.
    #[error("invalid secret key: expected the base64 of 32 bytes")]
    InvalidSecretKey,
}

/// A key's short name: the first eight bytes of the SHA-256 of its public key, in hex. It names
/// the key in signatures, in the discovery answer and in `warren-master keys list`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyId(String);

impl KeyId {
    fn of(public: &VerifyingKey) -> Self {
        let digest = Sha256::digest(public.as_bytes());
        Self(
            digest[..8]
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect(),
        )
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// A public key as it travels: its id and `ed25519:<base64>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmKey {
    /// The key's id.
    pub key_id: KeyId,
    /// The key, `ed25519:<base64 of 32 bytes>`.
    pub public_key: String,
}

impl FarmKey {
    /// Parse the text form of a public key (`ed25519:<base64>`); the id is computed from it.
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        let key = parse_public(text)?;
        Ok(Self {
            key_id: KeyId::of(&key),
            public_key: text.trim().to_owned(),
        })
    }

    /// Check that the id belongs to the key, so a key list cannot name a key falsely.
    pub fn verifying_key(&self) -> Result<VerifyingKey, SignatureError> {
        let key = parse_public(&self.public_key)?;
        if KeyId::of(&key) != self.key_id {
            return Err(SignatureError::InvalidPublicKey(self.public_key.clone()));
        }
        Ok(key)
    }
}

fn parse_public(text: &str) -> Result<VerifyingKey, SignatureError> {
    let invalid = || SignatureError::InvalidPublicKey(text.to_owned());
    let encoded = text
        .trim()
        .strip_prefix(PUBLIC_PREFIX)
        .ok_or_else(invalid)?;
    let bytes: [u8; 32] = STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(invalid)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| invalid())
}

/// A secret signing key of the farm; only the master holds these.
#[derive(Clone)]
pub struct SecretKey {
    key: SigningKey,
    key_id: KeyId,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("SecretKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl SecretKey {
    /// The key made from 32 random bytes (the caller draws them from the OS).
    #[must_use]
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&seed);
        let key_id = KeyId::of(&key.verifying_key());
        Self { key, key_id }
    }

    /// Read the text form written by [`SecretKey::to_text`].
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        let seed: [u8; 32] = STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(SignatureError::InvalidSecretKey)?;
        Ok(Self::from_seed(seed))
    }

    /// The secret as base64, for the master's database.
    #[must_use]
    pub fn to_text(&self) -> String {
        STANDARD.encode(self.key.to_bytes())
    }

    /// The key's id.
    #[must_use]
    pub const fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    /// The public half, as workers get it.
    #[must_use]
    pub fn public(&self) -> FarmKey {
        FarmKey {
            key_id: self.key_id.clone(),
            public_key: format!(
                "{PUBLIC_PREFIX}{}",
                STANDARD.encode(self.key.verifying_key().as_bytes())
            ),
        }
    }

    /// `<key id>:<base64 signature>` over `body`.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        let signature = self.key.sign(body);
        format!("{}:{}", self.key_id, STANDARD.encode(signature.to_bytes()))
    }
}

/// The header value signing `body` with every key in `keys`, comma-separated.
#[must_use]
pub fn sign_with_all(keys: &[SecretKey], body: &[u8]) -> String {
    keys.iter()
        .map(|key| key.sign(body))
        .collect::<Vec<_>>()
        .join(",")
}

/// The keys a worker trusts, by id.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: BTreeMap<KeyId, VerifyingKey>,
}

impl TrustedKeys {
    /// Trust `keys`; a key whose id does not match it is refused.
    pub fn new(keys: &[FarmKey]) -> Result<Self, SignatureError> {
        let mut trusted = BTreeMap::new();
        for key in keys {
            trusted.insert(key.key_id.clone(), key.verifying_key()?);
        }
        Ok(Self { keys: trusted })
    }

    /// Whether no key is trusted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The ids of the trusted keys.
    pub fn ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.keys()
    }

    /// Whether `key_id` is trusted.
    #[must_use]
    pub fn contains(&self, key_id: &str) -> bool {
        self.keys.contains_key(&KeyId(key_id.to_owned()))
    }

    /// Check `header` (the value of [`SIGNATURE_HEADER`]) against `body`: it passes when a
    /// trusted key made one of its signatures. Signatures by unknown keys are skipped, but one
    /// by a trusted key that does not match fails the message.
    pub fn verify(&self, body: &[u8], header: Option<&str>) -> Result<KeyId, SignatureError> {
        let header = header.ok_or(SignatureError::Missing)?;
        let mut unknown = None;
        for part in header.split(',') {
            let (key_id, encoded) = part
                .trim()
                .split_once(':')
                .ok_or(SignatureError::Malformed)?;
            let key_id = KeyId(key_id.to_owned());
            let Some(key) = self.keys.get(&key_id) else {
                unknown.get_or_insert(key_id);
                continue;
            };
            let bytes: [u8; 64] = STANDARD
                .decode(encoded)
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or(SignatureError::Malformed)?;
            let signature = Signature::from_bytes(&bytes);
            return key
                .verify_strict(body, &signature)
                .map(|()| key_id.clone())
                .map_err(|_| SignatureError::Invalid(key_id.0));
        }
        Err(unknown.map_or(SignatureError::Malformed, |key_id| {
            SignatureError::UnknownKey(key_id.0)
        }))
    }
}

/// RabbitMQ's stored form of a password (`rabbit_password_hashing_sha256`): base64 of a 4-byte
/// salt followed by SHA-256(salt ‖ password). A worker sends only this to the master, which
/// gives it to RabbitMQ, so the worker's broker password never crosses the network.
#[must_use]
pub fn rabbitmq_password_hash(password: &str, salt: [u8; 4]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(password.as_bytes());
    let mut stored = salt.to_vec();
    stored.extend_from_slice(&hasher.finalize());
    STANDARD.encode(stored)
}

/// Whether `text` has the shape of [`rabbitmq_password_hash`]'s output: base64 of a 4-byte salt
/// and a 32-byte digest.
#[must_use]
pub fn is_rabbitmq_password_hash(text: &str) -> bool {
    STANDARD.decode(text).is_ok_and(|bytes| bytes.len() == 36)
}

/// Random bytes as URL-safe base64, for passwords and one-time secrets.
#[must_use]
pub fn secret_text(random: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretKey {
        SecretKey::from_seed([byte; 32])
    }

    #[test]
    fn a_signed_body_verifies_and_any_change_does_not() {
        let farm = key(1);
        let trusted = TrustedKeys::new(&[farm.public()]).expect("a valid key");
        let body = br#"{"v":1,"kind":"Task"}"#;
        let header = farm.sign(body);
        assert_eq!(
            trusted.verify(body, Some(&header)),
            Ok(farm.key_id().clone())
        );
        assert!(matches!(
            trusted.verify(br#"{"v":1,"kind":"Task" }"#, Some(&header)),
            Err(SignatureError::Invalid(_))
        ));
        assert_eq!(trusted.verify(body, None), Err(SignatureError::Missing));
        assert_eq!(
            trusted.verify(body, Some("nonsense")),
            Err(SignatureError::Malformed)
        );
        let stranger = key(2);
        assert!(matches!(
            trusted.verify(body, Some(&stranger.sign(body))),
            Err(SignatureError::UnknownKey(_))
        ));
        let forged = format!("{}:{}", farm.key_id(), STANDARD.encode([0_u8; 64]));
        assert!(matches!(
            trusted.verify(body, Some(&forged)),
            Err(SignatureError::Invalid(_))
        ));
    }

    #[test]
    fn during_a_rotation_either_key_verifies_a_message_signed_by_both() {
        let (old, new) = (key(3), key(4));
        let body = b"payload";
        let header = sign_with_all(&[new.clone(), old.clone()], body);
        for trusted in [vec![old.public()], vec![new.public()]] {
            let trusted = TrustedKeys::new(&trusted).expect("valid keys");
            assert!(trusted.verify(body, Some(&header)).is_ok(), "{header}");
        }
    }

    #[test]
    fn keys_read_back_as_written_and_ids_cannot_lie() {
        let farm = key(5);
        let public = farm.public();
        assert_eq!(FarmKey::parse(&public.public_key), Ok(public.clone()));
        let again = SecretKey::parse(&farm.to_text()).expect("a valid secret");
        assert_eq!(again.key_id(), farm.key_id());
        assert_eq!(public.key_id.as_str().len(), 16);
        let lying = FarmKey {
            key_id: key(6).key_id().clone(),
            public_key: public.public_key,
        };
        assert!(TrustedKeys::new(&[lying]).is_err());
        assert!(FarmKey::parse("ed25519:AAAA").is_err());
        assert!(SecretKey::parse("short").is_err());
    }

    #[test]
    fn the_password_hash_has_rabbitmqs_layout() {
        let hash = rabbitmq_password_hash("secret", [1, 2, 3, 4]);
        let bytes = STANDARD.decode(&hash).expect("base64");
        assert_eq!(bytes.len(), 36);
        assert_eq!(&bytes[..4], &[1, 2, 3, 4]);
        assert_eq!(&bytes[4..], &Sha256::digest(b"\x01\x02\x03\x04secret")[..]);
        assert!(is_rabbitmq_password_hash(&hash));
        assert!(!is_rabbitmq_password_hash("c2hvcnQ="));
        assert!(!is_rabbitmq_password_hash("not base64!"));
    }
}
