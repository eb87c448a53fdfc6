//! The worker's Prometheus metrics: running tasks, free RAM, task output sent, tasks started
//! and finished, broker reconnects, messages refused; served at `/metrics` (axum) when
//! `--metrics-listen` is given.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::net::TcpListener;
use warren_broker::{Broker, Shutdown};
use warren_shared::metrics::{CONTENT_TYPE, MetricsText};

/// Figures the worker loop and its units keep up to date.
#[derive(Debug, Default)]
pub struct WorkerMetrics {
    /// Tasks running now.
    pub running: AtomicU64,
    /// Free RAM at the last measurement, MB.
    pub free_ram_mb: AtomicU64,
    /// Bytes of task output queued for the master.
    pub log_bytes: AtomicU64,
    /// Tasks started.
    pub tasks_started: AtomicU64,
    /// Tasks that ended (any outcome).
    pub tasks_finished: AtomicU64,
    /// Withdrawn tasks received and dropped unstarted (their jobs' requirements changed).
    pub tasks_withdrawn: AtomicU64,
    /// Messages refused, by [`Refusal`].
    pub refused: [AtomicU64; Refusal::ALL.len()],
}

/// Why the worker refused a message it received instead of obeying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// It carried no signature.
    Unsigned,
    /// Its signature did not verify, or was malformed.
    BadSignature,
    /// It was signed by a key this worker does not trust.
    UnknownKey,
    /// It was addressed to another agent, or a task came on a queue it does not belong to.
    Misaddressed,
    /// It was not a message this worker understands.
    Malformed,
}

impl Refusal {
    /// Every reason, in the order of [`WorkerMetrics::refused`].
    pub const ALL: [Self; 5] = [
        Self::Unsigned,
        Self::BadSignature,
        Self::UnknownKey,
        Self::Misaddressed,
        Self::Malformed,
    ];

    /// The metric label.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unsigned => "unsigned",
            Self::BadSignature => "bad_signature",
            Self::UnknownKey => "unknown_key",
            Self::Misaddressed => "misaddressed",
            Self::Malformed => "malformed",
        }
    }

    /// The reason a signature check failed.
    #[must_use]
    pub const fn of(error: &warren_shared::signing::SignatureError) -> Self {
        use warren_shared::signing::SignatureError;
        match error {
            SignatureError::Missing => Self::Unsigned,
            SignatureError::UnknownKey(_) => Self::UnknownKey,
            _ => Self::BadSignature,
        }
    }
}

impl WorkerMetrics {
    /// Count a refused message.
    pub fn refuse(&self, refusal: Refusal) {
        if let Some(position) = Refusal::ALL.iter().position(|known| *known == refusal) {
            self.refused[position].fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl WorkerMetrics {
    fn render(&self, broker: &Broker) -> String {
        let mut text = MetricsText::new();
        text.gauge(
            "warren_worker_running_tasks",
            "Tasks running on this worker.",
            self.running.load(Ordering::Relaxed) as f64,
        );
        text.gauge(
            "warren_worker_free_ram_megabytes",
            "Free RAM at the last measurement.",
            self.free_ram_mb.load(Ordering::Relaxed) as f64,
        );
        text.counter(
            "warren_worker_log_bytes_total",
            "Bytes of task output sent to the master.",
            self.log_bytes.load(Ordering::Relaxed),
        );
        text.counter(
            "warren_worker_tasks_started_total",
            "Tasks started.",
            self.tasks_started.load(Ordering::Relaxed),
        );
        text.counter(
            "warren_worker_tasks_finished_total",
            "Tasks that ended, whatever the outcome.",
            self.tasks_finished.load(Ordering::Relaxed),
        );
        text.counter(
            "warren_worker_tasks_withdrawn_total",
            "Withdrawn tasks dropped unstarted (their jobs' requirements changed).",
            self.tasks_withdrawn.load(Ordering::Relaxed),
        );
        text.counter(
            "warren_worker_broker_reconnects_total",
            "Broker connections made again after the first.",
            broker.reconnects(),
        );
        let labels: Vec<[(&str, &str); 1]> = Refusal::ALL
            .iter()
            .map(|refusal| [("reason", refusal.as_str())])
            .collect();
        let refused: Vec<(&[(&str, &str)], u64)> = labels
            .iter()
            .zip(&self.refused)
            .map(|(pairs, count)| (&pairs[..], count.load(Ordering::Relaxed)))
            .collect();
        text.counter_family(
            "warren_worker_refused_messages_total",
            "Messages refused instead of obeyed: unsigned, badly signed, signed by an unknown key, misaddressed or malformed; each is dead-lettered.",
            &refused,
        );
        text.finish()
    }
}

/// Bind the metrics address (so a bad one fails at start-up); the returned listener is served
/// by [`serve`].
pub async fn bind(address: SocketAddr) -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind(address).await?;
    if let Ok(bound) = listener.local_addr() {
        tracing::info!(address = %bound, "worker metrics at http://{bound}/metrics");
    }
    Ok(listener)
}

/// Answer `GET /metrics` until shutdown (other paths get 404, other methods 405).
pub async fn serve(
    listener: TcpListener,
    metrics: Arc<WorkerMetrics>,
    broker: Broker,
    mut shutdown: Shutdown,
) {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let text = metrics.render(&broker);
            async move { ([(axum::http::header::CONTENT_TYPE, CONTENT_TYPE)], text) }
        }),
    );
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.wait().await })
        .await
    {
        tracing::warn!(%error, "the metrics endpoint stopped");
    }
}
