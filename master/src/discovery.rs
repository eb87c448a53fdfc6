//! Answering workers that look for the farm on the LAN: with `--discovery-listen`, the master
//! answers each [`Discover`] datagram for its namespace (or for any farm) with a
//! [`FarmAnnouncement`] naming the broker and namespace to use.
//!
//! The answer carries the broker URL with its credentials, to anyone on the network who asks:
//! turn discovery on only on a network the farm trusts.

use tokio::net::UdpSocket;
use warren_broker::Shutdown;
use warren_shared::discovery::{Datagram, FarmAnnouncement, MAX_DATAGRAM};

/// Bind the discovery socket (so a bad address fails at start-up).
pub async fn bind(address: std::net::SocketAddr) -> std::io::Result<UdpSocket> {
    let socket = UdpSocket::bind(address).await?;
    if let Ok(bound) = socket.local_addr() {
        tracing::info!(address = %bound, "answering farm discovery on {bound}");
    }
    Ok(socket)
}

/// Answer discovery requests until shutdown.
pub async fn serve(socket: UdpSocket, announcement: FarmAnnouncement, mut shutdown: Shutdown) {
    let namespace = announcement.namespace.clone();
    let answer = match serde_json::to_vec(&Datagram::Farm(announcement)) {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!(%error, "cannot encode the discovery answer");
            return;
        }
    };
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
            .is_some_and(|asked| asked != namespace)
        {
            continue;
        }
        tracing::info!(%peer, "a worker looked for the farm; answering");
        if let Err(error) = socket.send_to(&answer, peer).await {
            tracing::debug!(%error, %peer, "cannot answer a discovery request");
        }
    }
}
