//! Join tokens: what a new render node needs to join a farm, made by the master when an
//! administrator enrolls a node and given to `warren-worker join` as one string.
//!
//! A token carries the broker's addresses (no credentials), the namespace, the agent id made
//! for the node, its broker user with a one-time secret, and the farm's public keys. The secret
//! works once: joining replaces it with a password only the node knows.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::ids::AgentId;
use crate::signing::FarmKey;

/// Every join token starts with this.
pub const TOKEN_PREFIX: &str = "wrnj_";

/// The token's format version.
const TOKEN_VERSION: u32 = 1;

/// What a join token holds.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinToken {
    /// Format version, 1.
    pub v: u32,
    /// The farm's namespace.
    pub namespace: String,
    /// The agent this token makes.
    pub agent_id: AgentId,
    /// The agent's RabbitMQ user.
    pub broker_user: String,
    /// The one-time secret: the user's password until the node joins.
    pub secret: String,
    /// Broker URLs without credentials, tried in order; empty when the node should find the
    /// farm by broadcast (then the master's signed answer names the broker).
    #[serde(default)]
    pub amqp_urls: Vec<String>,
    /// `classic` or `quorum`, as the master declares queues.
    pub queue_type: String,
    /// The farm's public keys.
    pub keys: Vec<FarmKey>,
    /// The master's web address, for messages to people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_url: Option<String>,
}

impl std::fmt::Debug for JoinToken {
    /// Everything but the secret.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("JoinToken")
            .field("v", &self.v)
            .field("namespace", &self.namespace)
            .field("agent_id", &self.agent_id)
            .field("broker_user", &self.broker_user)
            .finish_non_exhaustive()
    }
}

/// Why a string is not a join token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// It does not start with [`TOKEN_PREFIX`].
    #[error(
        "not a join token: it should start with `{TOKEN_PREFIX}` (make one with `warren agents enroll`)"
    )]
    Prefix,
    /// The rest is not base64url.
    #[error("the join token is damaged (not base64url): was it copied whole?")]
    Encoding,
    /// The decoded text is not a token of this format.
    #[error("the join token is damaged or from another Warren release: {0}")]
    Content(String),
}

impl JoinToken {
    /// A token of the current format.
    #[must_use]
    #[expect(
        clippy::too_many_arguments,
        reason = "each part of the token is a distinct, named field"
    )]
    pub fn new(
        namespace: String,
        agent_id: AgentId,
        broker_user: String,
        secret: String,
        amqp_urls: Vec<String>,
        queue_type: String,
        keys: Vec<FarmKey>,
        master_url: Option<String>,
    ) -> Self {
        Self {
            v: TOKEN_VERSION,
            namespace,
            agent_id,
            broker_user,
            secret,
            amqp_urls,
            queue_type,
            keys,
            master_url,
        }
    }

    /// The token as one string.
    #[must_use]
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("a join token is plain JSON");
        format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
    }

    /// Read a token, checking its format and keys.
    pub fn decode(text: &str) -> Result<Self, TokenError> {
        let encoded = text
            .trim()
            .strip_prefix(TOKEN_PREFIX)
            .ok_or(TokenError::Prefix)?;
        let json = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| TokenError::Encoding)?;
        let token: Self = serde_json::from_slice(&json)
            .map_err(|error| TokenError::Content(error.to_string()))?;
        if token.v != TOKEN_VERSION {
            return Err(TokenError::Content(format!(
                "format version {} (this build reads {TOKEN_VERSION})",
                token.v
            )));
        }
        if token.keys.is_empty() {
            return Err(TokenError::Content("it names no farm key".to_owned()));
        }
        for key in &token.keys {
            key.verifying_key()
                .map_err(|error| TokenError::Content(error.to_string()))?;
        }
        if token.broker_user.is_empty() || token.secret.is_empty() {
            return Err(TokenError::Content(
                "it has no broker user or secret".to_owned(),
            ));
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::SecretKey;

    fn token() -> JoinToken {
        JoinToken::new(
            "studio".to_owned(),
            AgentId::new_random(),
            "studio.agent.x".to_owned(),
            "s3cret".to_owned(),
            vec!["amqp://rabbit:5672/%2f".to_owned()],
            "classic".to_owned(),
            vec![SecretKey::from_seed([7; 32]).public()],
            None,
        )
    }

    #[test]
    fn a_token_reads_back_as_written() {
        let token = token();
        let text = token.encode();
        assert!(text.starts_with(TOKEN_PREFIX));
        assert!(!text.contains(char::is_whitespace));
        assert_eq!(JoinToken::decode(&format!("  {text}\n")), Ok(token));
    }

    #[test]
    fn damaged_tokens_say_what_is_wrong() {
        let text = token().encode();
        assert_eq!(
            JoinToken::decode(&text[1..]).expect_err("no prefix"),
            TokenError::Prefix
        );
        assert_eq!(
            JoinToken::decode(&format!("{text}!")).expect_err("a stray character"),
            TokenError::Encoding
        );
        assert!(matches!(
            JoinToken::decode(&text[..text.len() - 8]),
            Err(TokenError::Encoding | TokenError::Content(_))
        ));
        let mut keyless = token();
        keyless.keys.clear();
        assert!(matches!(
            JoinToken::decode(&keyless.encode()),
            Err(TokenError::Content(_))
        ));
    }
}
