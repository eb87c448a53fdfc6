//! A cloneable shutdown signal that long-running loops select on.

use tokio::sync::watch;

/// Triggers shutdown for every [`Shutdown`] made from it.
#[derive(Debug, Clone)]
pub struct ShutdownTrigger {
    sender: watch::Sender<bool>,
}

/// Resolves once shutdown was triggered.
#[derive(Debug, Clone)]
pub struct Shutdown {
    receiver: watch::Receiver<bool>,
}

/// A new trigger and its first signal.
#[must_use]
pub fn shutdown_channel() -> (ShutdownTrigger, Shutdown) {
    let (sender, receiver) = watch::channel(false);
    (ShutdownTrigger { sender }, Shutdown { receiver })
}

impl ShutdownTrigger {
    /// Signal shutdown; idempotent.
    pub fn trigger(&self) {
        self.sender.send_replace(true);
    }

    /// Another signal from this trigger.
    #[must_use]
    pub fn subscribe(&self) -> Shutdown {
        Shutdown {
            receiver: self.sender.subscribe(),
        }
    }
}

impl Shutdown {
    /// Whether shutdown was triggered.
    #[must_use]
    pub fn is_triggered(&self) -> bool {
        *self.receiver.borrow()
    }

    /// Wait until shutdown is triggered (or every trigger is gone).
    pub async fn wait(&mut self) {
        let _ = self.receiver.wait_for(|triggered| *triggered).await;
    }
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM, how a service is asked to stop.
pub async fn wait_for_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = interrupt => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// Install the global log subscriber for a service: lines on stderr filtered by `RUST_LOG`
/// (`default_filter` when unset), as text, or with `WARREN_LOG_FORMAT=json` as one JSON
/// object per line with the current spans. Later calls do nothing.
pub fn init_logging(default_filter: &str) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let json =
        std::env::var("WARREN_LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .try_init()
    } else {
        builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init()
    };
}
