//! Finding the farm on the LAN when no broker URL is configured: broadcast a discovery request
//! a few times and take the first master's answer; without one, the default local broker.

use std::time::Duration;

use tokio::net::UdpSocket;
use warren_shared::discovery::{Datagram, Discover, FarmAnnouncement, MAX_DATAGRAM};

use crate::config::{Discovery, Settings};

/// Requests sent before giving up.
const ATTEMPTS: u32 = 3;
/// How long each request waits for an answer.
const WAIT: Duration = Duration::from_secs(1);

/// Look for the farm and, when a master answers, use its broker and namespace.
pub async fn apply(settings: &mut Settings) {
    let Some(discovery) = settings.discovery.clone() else {
        return;
    };
    match find(&discovery).await {
        Ok(Some(farm)) => {
            tracing::info!(namespace = %farm.namespace, master = %farm.master_url, "found the farm by broadcast");
            settings.amqp_url = farm.amqp_url;
            settings.namespace = farm.namespace;
        }
        Ok(None) => tracing::warn!(
            address = %discovery.address,
            "no master answered the broadcast for the farm; using the local broker"
        ),
        Err(error) => tracing::warn!(%error, "cannot look for the farm; using the local broker"),
    }
}

/// Broadcast up to [`ATTEMPTS`] requests; the first fitting answer.
pub async fn find(discovery: &Discovery) -> std::io::Result<Option<FarmAnnouncement>> {
    let socket = UdpSocket::bind(("0.0.0.0", 0)).await?;
    socket.set_broadcast(true)?;
    let request = serde_json::to_vec(&Datagram::Discover(Discover {
        v: 1,
        namespace: discovery.namespace.clone(),
    }))
    .map_err(std::io::Error::other)?;
    let mut buffer = vec![0_u8; MAX_DATAGRAM];
    for _ in 0..ATTEMPTS {
        socket.send_to(&request, discovery.address).await?;
        let deadline = tokio::time::Instant::now() + WAIT;
        while let Ok(received) =
            tokio::time::timeout_at(deadline, socket.recv_from(&mut buffer)).await
        {
            let (length, _) = received?;
            let Ok(Datagram::Farm(farm)) = serde_json::from_slice(&buffer[..length]) else {
                continue;
            };
            if discovery
                .namespace
                .as_deref()
                .is_none_or(|namespace| namespace == farm.namespace)
            {
                return Ok(Some(farm));
            }
        }
    }
    Ok(None)
}
