//! Finding the farm on a LAN: a worker without a broker URL broadcasts a [`Discover`] datagram
//! and the master answers with a [`SignedAnnouncement`] naming the broker and the namespace.
//!
//! The answer holds no secret: the broker's address without credentials, the namespace, the
//! master's address and the id of the farm's signing key. It is signed with that key over the
//! worker's nonce, so an enrolled worker can tell a real master from someone on the LAN who
//! answers first.

use serde::{Deserialize, Serialize};

/// The UDP port masters answer on unless configured otherwise.
pub const DEFAULT_PORT: u16 = 8421;

/// Largest datagram either side sends or reads.
pub const MAX_DATAGRAM: usize = 2048;

/// A discovery datagram, tagged by its `warren` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "warren", rename_all = "lowercase")]
pub enum Datagram {
    /// A worker asking which farm is there.
    Discover(Discover),
    /// A master's answer.
    Farm(SignedAnnouncement),
}

/// A worker asking which farm is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discover {
    /// Protocol version, 1.
    pub v: u32,
    /// Only a master of this farm should answer; any farm when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Random text the answer must repeat inside its signed part, so an old answer cannot be
    /// replayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// A master's answer: how to reach its farm. It holds no credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmAnnouncement {
    /// Protocol version, 1.
    pub v: u32,
    /// The broker URL workers use, without credentials.
    pub amqp_url: String,
    /// The farm's namespace.
    pub namespace: String,
    /// The master's web UI and API, for people.
    pub master_url: String,
    /// The id of the key that signs the farm's messages (and this answer).
    pub key_id: String,
    /// The request's nonce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// A [`FarmAnnouncement`] as JSON text with the farm's signatures over exactly that text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedAnnouncement {
    /// The announcement, JSON.
    pub body: String,
    /// Signatures over `body`, as in the signature header of broker messages.
    pub signature: String,
}

impl SignedAnnouncement {
    /// Sign `announcement` with the farm's current keys.
    #[must_use]
    pub fn sign(announcement: &FarmAnnouncement, keys: &[crate::signing::SecretKey]) -> Self {
        let body = serde_json::to_string(announcement).expect("an announcement is plain JSON");
        let signature = crate::signing::sign_with_all(keys, body.as_bytes());
        Self { body, signature }
    }

    /// The announcement, without checking who signed it (for a worker that trusts no key yet).
    pub fn announcement(&self) -> Result<FarmAnnouncement, serde_json::Error> {
        serde_json::from_str(&self.body)
    }

    /// The announcement, if a trusted key signed it.
    pub fn verified(
        &self,
        trusted: &crate::signing::TrustedKeys,
    ) -> Result<FarmAnnouncement, crate::signing::SignatureError> {
        trusted.verify(self.body.as_bytes(), Some(&self.signature))?;
        self.announcement()
            .map_err(|_| crate::signing::SignatureError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_datagrams_read_back_as_written() {
        let ask = Datagram::Discover(Discover {
            v: 1,
            namespace: Some("studio".to_owned()),
            nonce: None,
        });
        let text = serde_json::to_string(&ask).expect("encodes");
        assert_eq!(text, r#"{"warren":"discover","v":1,"namespace":"studio"}"#);
        assert_eq!(
            serde_json::from_str::<Datagram>(&text).expect("decodes"),
            ask
        );
        let any: Datagram =
            serde_json::from_str(r#"{"warren":"discover","v":1}"#).expect("decodes");
        assert_eq!(
            any,
            Datagram::Discover(Discover {
                v: 1,
                namespace: None,
                nonce: None,
            })
        );
        let key = crate::signing::SecretKey::from_seed([9; 32]);
        let announcement = FarmAnnouncement {
            v: 1,
            amqp_url: "amqp://rabbit/%2f".to_owned(),
            namespace: "studio".to_owned(),
            master_url: "http://master:8420".to_owned(),
            key_id: key.key_id().to_string(),
            nonce: Some("n1".to_owned()),
        };
        let signed = SignedAnnouncement::sign(&announcement, std::slice::from_ref(&key));
        let trusted = crate::signing::TrustedKeys::new(&[key.public()]).expect("a valid key");
        assert_eq!(signed.verified(&trusted), Ok(announcement.clone()));
        let mut tampered = signed.clone();
        tampered.body = tampered.body.replace("rabbit", "rogue");
        assert!(tampered.verified(&trusted).is_err());
        let answer = Datagram::Farm(signed);
        let text = serde_json::to_string(&answer).expect("encodes");
        assert!(text.starts_with(r#"{"warren":"farm","#), "{text}");
        assert_eq!(
            serde_json::from_str::<Datagram>(&text).expect("decodes"),
            answer
        );
        assert!(serde_json::from_str::<Datagram>(r#"{"warren":"hello","v":1}"#).is_err());
        assert!(serde_json::from_str::<Datagram>(r#"{"v":1}"#).is_err());
    }
}
