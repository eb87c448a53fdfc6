//! Answering workers that look for the farm on the LAN: with `--discovery-listen`, the master
//! answers each [`Discover`](warren_shared::discovery::Discover) datagram for its namespace (or
//! for any farm) with a signed announcement naming the broker (without credentials), the
//! namespace and the farm's key. Nothing in it is secret: a node still needs a join token.

use std::sync::Arc;

use tokio::net::UdpSocket;
use warren_broker::Shutdown;
use warren_shared::discovery::{Datagram, FarmAnnouncement, MAX_DATAGRAM, SignedAnnouncement};

use crate::keys::FarmKeys;

/// What every answer says; the nonce and the key id are added per request.
#[derive(Debug, Clone)]
pub struct Farm {
    /// The broker URL workers use, without credentials.
    pub amqp_url: String,
    /// The namespace.
    pub namespace: String,
    /// The master's web address.
    pub master_url: String,
}

/// Bind the discovery socket (so a bad address fails at start-up).
pub async fn bind(address: std::net::SocketAddr) -> std::io::Result<UdpSocket> {
    let socket = UdpSocket::bind(address).await?;
    if let Ok(bound) = socket.local_addr() {
        tracing::info!(address = %bound, "answering farm discovery on {bound}");
    }
    Ok(socket)
}

/// Answer discovery requests until shutdown.
pub async fn serve(socket: UdpSocket, farm: Farm, keys: Arc<FarmKeys>, mut shutdown: Shutdown) {
    let mut buffer = vec![0_u8; MAX_DATAGRAM];
    loop {
        let (length, peer) = tokio::select! {
            () = shutdown.wait() => return,
            received = socket.recv_from(&mut buffer) => match received {
                Ok(received) => received,
                Err(error) => {
                    tracing::debug!(%error, "discovery socket error");
                    continue;
                }
            },
        };
        let Ok(Datagram::Discover(request)) = serde_json::from_slice(&buffer[..length]) else {
            tracing::debug!(%peer, "ignoring a datagram that is not a discovery request");
            continue;
        };
        if request
            .namespace
            .as_deref()
            .is_some_and(|asked| asked != farm.namespace)
        {
            continue;
        }
        let announcement = FarmAnnouncement {
            v: 1,
            amqp_url: farm.amqp_url.clone(),
            namespace: farm.namespace.clone(),
            master_url: farm.master_url.clone(),
            key_id: keys.newest_id(),
            nonce: request.nonce.map(|nonce| nonce.chars().take(64).collect()),
        };
        let signed = SignedAnnouncement::sign(&announcement, &keys.signing_keys());
        let Ok(answer) = serde_json::to_vec(&Datagram::Farm(signed)) else {
            continue;
        };
        tracing::info!(%peer, "a worker looked for the farm; answering");
        if let Err(error) = socket.send_to(&answer, peer).await {
            tracing::debug!(%error, %peer, "cannot answer a discovery request");
        }
    }
}
