//! Finding the farm on the LAN when no broker URL is configured: broadcast a discovery request
//! a few times and take the first answer of the farm. An answer names the broker without
//! credentials; a worker that trusts the farm's keys takes only an answer they signed over its
//! own nonce, so someone else on the network cannot send it to their broker.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;
use warren_shared::discovery::{Datagram, Discover, FarmAnnouncement, MAX_DATAGRAM};
use warren_shared::signing::TrustedKeys;

use crate::config::Settings;

/// Requests sent before giving up.
const ATTEMPTS: u32 = 3;
/// How long each request waits for an answer.
const WAIT: Duration = Duration::from_secs(1);

/// Look for the farm and, when a master answers, use its broker (with this worker's own
/// credentials) and namespace.
pub async fn apply(settings: &mut Settings) {
    let Some(discovery) = settings.discovery.clone() else {
        return;
    };
    let trust = crate::trust::Trust::load(Some(&settings.dir), &settings.farm_keys).ok();
    let trusted = trust.as_ref().map(crate::trust::Trust::keys);
    match find(discovery.address, discovery.namespace.as_deref(), trusted).await {
        Ok(Some(farm)) => {
            tracing::info!(namespace = %farm.namespace, master = %farm.master_url, key = %farm.key_id, "found the farm by broadcast");
            settings.amqp_urls = vec![match &settings.credentials {
                Some((user, password)) => {
                    crate::enrollment::with_credentials(&farm.amqp_url, user, password)
                }
                None => farm.amqp_url,
            }];
            settings.namespace = farm.namespace;
        }
        Ok(None) => tracing::warn!(
            address = %discovery.address,
            "no master answered the broadcast for the farm; using the local broker"
        ),
        Err(error) => tracing::warn!(%error, "cannot look for the farm; using the local broker"),
    }
}

/// The broker URL the farm `namespace` announces when asked at `address`, signed by one of
/// `trusted` (for joining).
pub async fn find_at(
    address: SocketAddr,
    namespace: &str,
    trusted: &TrustedKeys,
) -> Option<String> {
    match find(address, Some(namespace), Some(trusted)).await {
        Ok(Some(farm)) => Some(farm.amqp_url),
        Ok(None) => None,
        Err(error) => {
            tracing::warn!(%error, "cannot look for the farm");
            None
        }
    }
}

fn nonce() -> String {
    let mut bytes = [0_u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // A clock-based nonce still keeps old answers from being replayed.
        let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        bytes = now.to_le_bytes();
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Broadcast up to [`ATTEMPTS`] requests; the first answer of the farm `namespace` (any farm
/// when `None`), signed over this request's nonce by one of `trusted` when given.
pub async fn find(
    address: SocketAddr,
    namespace: Option<&str>,
    trusted: Option<&TrustedKeys>,
) -> std::io::Result<Option<FarmAnnouncement>> {
    let socket = UdpSocket::bind(("0.0.0.0", 0)).await?;
    socket.set_broadcast(true)?;
    let nonce = nonce();
    let request = serde_json::to_vec(&Datagram::Discover(Discover {
        v: 1,
        namespace: namespace.map(str::to_owned),
        nonce: Some(nonce.clone()),
    }))
    .map_err(std::io::Error::other)?;
    let mut buffer = vec![0_u8; MAX_DATAGRAM];
    for _ in 0..ATTEMPTS {
        socket.send_to(&request, address).await?;
        let deadline = tokio::time::Instant::now() + WAIT;
        while let Ok(received) =
            tokio::time::timeout_at(deadline, socket.recv_from(&mut buffer)).await
        {
            let (length, peer) = received?;
            let Ok(Datagram::Farm(signed)) = serde_json::from_slice(&buffer[..length]) else {
                continue;
            };
            let farm = match trusted {
                Some(trusted) => match signed.verified(trusted) {
                    Ok(farm) if farm.nonce.as_deref() == Some(nonce.as_str()) => farm,
                    Ok(_) => {
                        tracing::warn!(%peer, "ignoring a discovery answer for another request");
                        continue;
                    }
                    Err(error) => {
                        tracing::warn!(%peer, %error, "ignoring a discovery answer the farm's key did not sign");
                        continue;
                    }
                },
                None => match signed.announcement() {
                    Ok(farm) => farm,
                    Err(_) => continue,
                },
            };
            if namespace.is_none_or(|namespace| namespace == farm.namespace) {
                return Ok(Some(farm));
            }
        }
    }
    Ok(None)
}
