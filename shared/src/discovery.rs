//! Finding the farm on a LAN: a worker without a broker URL broadcasts a [`Discover`] datagram
//! and the master answers with a [`FarmAnnouncement`] naming the broker and the namespace.

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
    Farm(FarmAnnouncement),
}

/// A worker asking which farm is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discover {
    /// Protocol version, 1.
    pub v: u32,
    /// Only a master of this farm should answer; any farm when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// A master's answer: how to join its farm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmAnnouncement {
    /// Protocol version, 1.
    pub v: u32,
    /// The broker URL workers use.
    pub amqp_url: String,
    /// The farm's namespace.
    pub namespace: String,
    /// The master's web UI and API, for people.
    pub master_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_datagrams_read_back_as_written() {
        let ask = Datagram::Discover(Discover {
            v: 1,
            namespace: Some("studio".to_owned()),
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
                namespace: None
            })
        );
        let answer = Datagram::Farm(FarmAnnouncement {
            v: 1,
            amqp_url: "amqp://rabbit/%2f".to_owned(),
            namespace: "studio".to_owned(),
            master_url: "http://master:8420".to_owned(),
        });
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
