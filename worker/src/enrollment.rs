//! This node's own broker identity, kept in `<dir>/enrollment.json` (mode 0600), and
//! `warren-worker join`, which makes it from a join token.
//!
//! Joining: the node picks a password and connects as the token's broker user with the token's
//! one-time secret; it sends the master a `Join` naming only the password's hash (as RabbitMQ
//! stores it), and the master gives the user that password and answers `Joined`, signed with a
//! key the token names. The secret then no longer works, so a token joins one node only.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};
use warren_broker::lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions,
};
use warren_broker::lapin::types::{FieldTable, ShortString};
use warren_broker::lapin::{BasicProperties, Connection, ConnectionProperties};
use warren_broker::{EVENTS_KEY, Names, error_chain, is_access_refused};
use warren_shared::enrollment::JoinToken;
use warren_shared::signing::{TrustedKeys, rabbitmq_password_hash, secret_text};
use warren_shared::{AgentId, Envelope, Join, Message};

/// File name of the enrollment inside the worker's directory.
pub const ENROLLMENT_FILE: &str = "enrollment.json";

/// How long `join` waits for the master's answer.
const JOIN_TIMEOUT: Duration = Duration::from_secs(60);

/// This node's identity on the farm.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The agent.
    pub agent_id: AgentId,
    /// The farm's namespace.
    pub namespace: String,
    /// The node's RabbitMQ user.
    pub broker_user: String,
    /// Its password, which only this node knows.
    pub broker_password: String,
    /// Broker URLs without credentials; empty: find the farm by broadcast.
    #[serde(default)]
    pub amqp_urls: Vec<String>,
    /// `classic` or `quorum`.
    pub queue_type: String,
    /// The master's web address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_url: Option<String>,
}

impl std::fmt::Debug for Enrollment {
    /// Everything but the password.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Enrollment")
            .field("agent_id", &self.agent_id)
            .field("namespace", &self.namespace)
            .field("broker_user", &self.broker_user)
            .field("amqp_urls", &self.amqp_urls)
            .finish_non_exhaustive()
    }
}

/// Why joining failed or the enrollment cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum EnrollmentError {
    /// The file cannot be read or written.
    #[error("cannot read or write {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not an enrollment.
    #[error("{path} is damaged ({message}): join the farm again with a new token")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The token is not a join token.
    #[error(transparent)]
    Token(#[from] warren_shared::enrollment::TokenError),
    /// The broker refused the token's secret.
    #[error(
        "RabbitMQ refused the join token: it was already used, its agent was revoked, or it expired (make a new one with `warren agents enroll`)"
    )]
    Refused,
    /// The broker cannot be reached.
    #[error("cannot reach the broker at {url}: {message}")]
    Unreachable {
        /// The URL tried, without credentials.
        url: String,
        /// Why.
        message: String,
    },
    /// The master said no.
    #[error("the master refused the join: {0}")]
    MasterRefused(String),
    /// No answer came.
    #[error(
        "no answer from the master within {0:?}: is warren-master running for this farm? (the token is still good)"
    )]
    NoAnswer(Duration),
    /// The token names no broker and none was found.
    #[error(
        "the token names no broker and no master answered the broadcast: pass --amqp-url, or start the master with --discovery-listen"
    )]
    NoBroker,
    /// The system's random source failed.
    #[error("cannot draw random bytes")]
    Random(#[source] std::io::Error),
}

/// Read the enrollment in `dir`, if the node joined.
pub fn load(dir: &Path) -> Result<Option<Enrollment>, EnrollmentError> {
    let path = dir.join(ENROLLMENT_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|error| EnrollmentError::Corrupt {
                    path,
                    message: error.to_string(),
                })
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(EnrollmentError::Io { path, source }),
    }
}

fn save(dir: &Path, enrollment: &Enrollment) -> Result<(), EnrollmentError> {
    let path = dir.join(ENROLLMENT_FILE);
    let bytes = serde_json::to_vec_pretty(enrollment).expect("an enrollment is plain JSON");
    crate::trust::write_file(&path, &bytes, true)
        .map_err(|source| EnrollmentError::Io { path, source })
}

/// `url` with the node's user and password as its credentials.
pub use warren_config::with_credentials;

fn random<const N: usize>() -> Result<[u8; N], EnrollmentError> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|error| EnrollmentError::Random(std::io::Error::other(error.to_string())))?;
    Ok(bytes)
}

/// Join the farm with `token`: on success the enrollment and the farm's keys are kept in `dir`.
/// `amqp_urls`, when not empty, are used instead of the token's broker URLs (each tried in
/// turn); a token without any finds the broker by broadcasting to `discovery_address` (answers
/// must be signed by the token's keys).
pub async fn join(
    token: &JoinToken,
    dir: &Path,
    hostname: &str,
    amqp_urls: &[String],
    discovery_address: std::net::SocketAddr,
) -> Result<Enrollment, EnrollmentError> {
    let trusted = TrustedKeys::new(&token.keys)
        .map_err(|error| warren_shared::enrollment::TokenError::Content(error.to_string()))?;
    let urls: Vec<String> = if !amqp_urls.is_empty() {
        amqp_urls.to_vec()
    } else if !token.amqp_urls.is_empty() {
        token.amqp_urls.clone()
    } else {
        vec![
            crate::discovery::find_at(discovery_address, &token.namespace, &trusted)
                .await
                .ok_or(EnrollmentError::NoBroker)?,
        ]
    };
    let password = secret_text(&random::<24>()?);
    let password_hash = rabbitmq_password_hash(&password, random::<4>()?);
    let mut failures = Vec::new();
    let mut joined = None;
    for url in &urls {
        let shown = warren_config::redact_url(url);
        let with_secret = with_credentials(url, &token.broker_user, &token.secret);
        let connecting = Connection::connect(
            &with_secret,
            ConnectionProperties::default()
                .with_connection_name(format!("warren-worker join {hostname}").into()),
        );
        match tokio::time::timeout(warren_broker::CONNECT_TIMEOUT, connecting).await {
            Ok(Ok(connection)) => {
                joined = Some((connection, shown));
                break;
            }
            Ok(Err(error)) if is_access_refused(&error) => return Err(EnrollmentError::Refused),
            Ok(Err(error)) => failures.push(format!("{shown}: {}", error_chain(&error))),
            Err(_) => failures.push(format!("{shown}: no answer")),
        }
    }
    let Some((connection, shown_url)) = joined else {
        return Err(EnrollmentError::Unreachable {
            url: urls
                .iter()
                .map(|url| warren_config::redact_url(url))
                .collect::<Vec<_>>()
                .join(", "),
            message: failures.join("; "),
        });
    };
    let result = exchange(&connection, token, &trusted, hostname, &password_hash).await;
    let _ = connection.close(200, "joined".into()).await;
    result.map_err(|error| match error {
        ExchangeError::Amqp(error) if is_access_refused(&error) => EnrollmentError::Refused,
        ExchangeError::Amqp(error) => EnrollmentError::Unreachable {
            url: shown_url.clone(),
            message: error_chain(&error),
        },
        ExchangeError::Refused(reason) => EnrollmentError::MasterRefused(reason),
        ExchangeError::Timeout => EnrollmentError::NoAnswer(JOIN_TIMEOUT),
    })?;
    let enrollment = Enrollment {
        agent_id: token.agent_id,
        namespace: token.namespace.clone(),
        broker_user: token.broker_user.clone(),
        broker_password: password,
        amqp_urls: token.amqp_urls.clone(),
        queue_type: token.queue_type.clone(),
        master_url: token.master_url.clone(),
    };
    std::fs::create_dir_all(dir).map_err(|source| EnrollmentError::Io {
        path: dir.to_owned(),
        source,
    })?;
    crate::trust::Trust::save_new(dir, &token.keys).map_err(|error| EnrollmentError::Io {
        path: dir.join(crate::trust::KEYS_FILE),
        source: std::io::Error::other(error.to_string()),
    })?;
    save(dir, &enrollment)?;
    Ok(enrollment)
}

enum ExchangeError {
    Amqp(warren_broker::lapin::Error),
    Refused(String),
    Timeout,
}

impl From<warren_broker::lapin::Error> for ExchangeError {
    fn from(error: warren_broker::lapin::Error) -> Self {
        Self::Amqp(error)
    }
}

/// Send `Join` and wait for the master's signed answer on the agent's control queue.
async fn exchange(
    connection: &Connection,
    token: &JoinToken,
    trusted: &TrustedKeys,
    hostname: &str,
    password_hash: &str,
) -> Result<(), ExchangeError> {
    let names =
        Names::new(&token.namespace).map_err(|error| ExchangeError::Refused(error.to_string()))?;
    let channel = connection.create_channel().await?;
    let mut answers = channel
        .basic_consume(
            names.agent_queue(token.agent_id.0).as_str().into(),
            ShortString::from("warren-join"),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let join = Message::Join(Join {
        agent_id: token.agent_id,
        hostname: hostname.to_owned(),
        password_hash: password_hash.to_owned(),
    });
    channel
        .basic_publish(
            names.events_exchange().as_str().into(),
            EVENTS_KEY.into(),
            BasicPublishOptions::default(),
            &Envelope::encode_message(&join),
            BasicProperties::default()
                .with_content_type("application/json".into())
                .with_delivery_mode(2)
                .with_type("Join".into())
                .with_user_id(token.broker_user.as_str().into()),
        )
        .await?
        .await?;
    let answer = tokio::time::timeout(JOIN_TIMEOUT, async {
        while let Some(delivery) = answers.next().await {
            let delivery = delivery?;
            delivery.acker.ack(BasicAckOptions::default()).await?;
            let signature = warren_broker::signature(&delivery.properties);
            if let Err(error) = trusted.verify(&delivery.data, signature.as_deref()) {
                tracing::warn!(error = %error, "ignoring a control message the farm's key did not sign");
                continue;
            }
            match Envelope::decode(&delivery.data) {
                Ok(Message::Joined(joined)) if joined.agent_id == token.agent_id => {
                    return Ok(());
                }
                Ok(Message::JoinRefused(refused)) if refused.agent_id == token.agent_id => {
                    return Err(ExchangeError::Refused(refused.reason));
                }
                _ => {}
            }
        }
        Err(ExchangeError::Timeout)
    })
    .await;
    answer.unwrap_or(Err(ExchangeError::Timeout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_replace_those_of_the_url() {
        let url = with_credentials("amqp://rabbit:5672/%2f", "ns.agent.1", "p/w:+@");
        assert_eq!(url, "amqp://ns.agent.1:p%2Fw%3A+%40@rabbit:5672/%2f");
        let parsed: warren_broker::lapin::uri::AMQPUri = url.parse().expect("an AMQP URL");
        assert_eq!(parsed.authority.userinfo.username, "ns.agent.1");
        assert_eq!(parsed.authority.userinfo.password, "p/w:+@");
        assert_eq!(
            with_credentials("amqp://guest:guest@rabbit/%2f?heartbeat=10", "a", "b"),
            "amqp://a:b@rabbit/%2f?heartbeat=10"
        );
    }

    #[test]
    fn the_enrollment_file_is_private_and_reads_back() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("temporary directory");
        assert_eq!(load(dir.path()).expect("no file yet"), None);
        let enrollment = Enrollment {
            agent_id: AgentId::new_random(),
            namespace: "studio".to_owned(),
            broker_user: "studio.agent.x".to_owned(),
            broker_password: "secret".to_owned(),
            amqp_urls: vec!["amqp://rabbit/%2f".to_owned()],
            queue_type: "classic".to_owned(),
            master_url: None,
        };
        save(dir.path(), &enrollment).expect("saved");
        assert_eq!(load(dir.path()).expect("read"), Some(enrollment));
        let mode = std::fs::metadata(dir.path().join(ENROLLMENT_FILE))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
