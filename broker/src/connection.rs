//! The broker handle: a small pool of AMQP connections to one of several broker addresses,
//! with AMQP heartbeats, the topology every new connection declares before use, and the
//! reconnect backoff.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use deadpool::managed::{self, Metrics, Pool, RecycleError, RecycleResult, Timeouts};
use lapin::types::LongString;
use lapin::{Channel, ConnectionProperties};

use crate::error::{ConnectError, Error, Result};
use crate::names::Names;
use crate::topology::{QueueDefaults, Topology};

/// The AMQP heartbeat Warren asks for unless told otherwise: a connection that hears nothing
/// for twice this long is given up, so a hung broker node is noticed within 20 s.
pub const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(10);

/// Longest wait for one broker address to accept a connection before the next is tried.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How to reach the broker and which farm to talk to.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// AMQP URLs, e.g. `amqp://guest:guest@127.0.0.1:5672/%2f`, tried in turn: the nodes of a
    /// cluster, or one load balancer.
    pub urls: Vec<String>,
    /// The AMQP heartbeat to ask for (0 turns heartbeats off); a URL's own `heartbeat=` wins.
    pub heartbeat: Duration,
    /// The farm's names.
    pub names: Names,
    /// Shown in the RabbitMQ management UI, e.g. `warren-worker node01`.
    pub connection_name: String,
    /// Queue type and expiry for every queue declared.
    pub queue_defaults: QueueDefaults,
}

/// `url` with `heartbeat=<secs>` in its query, unless it names a heartbeat itself.
#[must_use]
pub fn with_heartbeat(url: &str, heartbeat: Duration) -> String {
    if url.contains("heartbeat=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}heartbeat={}", heartbeat.as_secs())
}

/// Makes connections for the pool, trying each address in turn from the last one that worked.
struct Connector {
    urls: Vec<String>,
    /// The address to try first.
    next: AtomicUsize,
    connection_name: String,
}

impl Connector {
    /// Start with the next address next time (the current one failed or hung).
    fn move_on(&self) {
        if self.urls.len() > 1 {
            let next = (self.next.load(Ordering::Relaxed) + 1) % self.urls.len();
            self.next.store(next, Ordering::Relaxed);
        }
    }
}

impl managed::Manager for Connector {
    type Type = lapin::Connection;
    type Error = ConnectError;

    async fn create(&self) -> std::result::Result<lapin::Connection, ConnectError> {
        let start = self.next.load(Ordering::Relaxed);
        let mut failures = Vec::new();
        for step in 0..self.urls.len() {
            let index = (start + step) % self.urls.len();
            let url = &self.urls[index];
            let shown = warren_config::redact_url(url);
            let properties = ConnectionProperties::default()
                .with_connection_name(LongString::from(self.connection_name.as_str()));
            match tokio::time::timeout(CONNECT_TIMEOUT, lapin::Connection::connect(url, properties))
                .await
            {
                Ok(Ok(connection)) => {
                    self.next.store(index, Ordering::Relaxed);
                    if step > 0 || self.urls.len() > 1 {
                        tracing::info!(broker = %shown, "connected to the broker");
                    }
                    return Ok(connection);
                }
                Ok(Err(error)) if is_access_refused(&error) => {
                    return Err(ConnectError::Refused {
                        url: shown,
                        source: error,
                    });
                }
                Ok(Err(error)) => failures.push(format!("{shown}: {}", error_chain(&error))),
                Err(_) => failures.push(format!(
                    "{shown}: no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )),
            }
        }
        self.move_on();
        Err(ConnectError::Unreachable(failures.join("; ")))
    }

    async fn recycle(
        &self,
        connection: &mut lapin::Connection,
        _: &Metrics,
    ) -> RecycleResult<ConnectError> {
        if connection.status().connected() {
            Ok(())
        } else {
            self.move_on();
            Err(RecycleError::message("the connection is closed"))
        }
    }
}

/// A cloneable handle to the broker shared by every part of a process.
#[derive(Clone)]
pub struct Broker {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool<Connector>,
    names: Names,
    queue_defaults: QueueDefaults,
    /// Everything declared so far, so a new connection (after a broker restart) declares it again
    /// before anyone uses it.
    topology: Mutex<Topology>,
    /// Connections made after the first, for metrics and tests.
    reconnects: AtomicU64,
    connections: AtomicU64,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Broker")
            .field("namespace", &self.inner.names.namespace())
            .finish_non_exhaustive()
    }
}

/// Longest wait for the broker to answer one operation (open a channel, declare, publish).
/// A connection the broker dropped at the wrong moment can leave an operation waiting forever;
/// past this, the caller gives the connection up and starts again on a new one.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(15);

/// Jittered exponential delays for reconnecting, forever: 100 ms doubling up to 2.5 s, each
/// plus a random part of up to as much again (jitter), so never more than 5 s.
pub fn reconnect_backoff() -> impl Iterator<Item = Duration> + Send {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_millis(2_500))
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
        .build()
}

impl Broker {
    /// A handle that connects lazily; `topology` is declared on every new connection.
    /// Must be called inside a tokio runtime.
    pub fn new(config: BrokerConfig, topology: Topology) -> Result<Self> {
        let urls: Vec<String> = config
            .urls
            .iter()
            .map(|url| url.trim())
            .filter(|url| !url.is_empty())
            .map(|url| with_heartbeat(url, config.heartbeat))
            .collect();
        if urls.is_empty() {
            return Err(Error::Config("no broker URL".to_owned()));
        }
        let tries = u32::try_from(urls.len()).unwrap_or(u32::MAX);
        let connector = Connector {
            urls,
            next: AtomicUsize::new(0),
            connection_name: config.connection_name,
        };
        let pool = Pool::builder(connector)
            .max_size(2)
            .timeouts(Timeouts {
                wait: Some(Duration::from_secs(30)),
                create: Some(CONNECT_TIMEOUT * tries + Duration::from_secs(1)),
                recycle: Some(Duration::from_secs(5)),
            })
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|error| Error::Config(error.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                names: config.names,
                queue_defaults: config.queue_defaults,
                topology: Mutex::new(topology),
                reconnects: AtomicU64::new(0),
                connections: AtomicU64::new(0),
            }),
        })
    }

    /// The farm's names.
    #[must_use]
    pub fn names(&self) -> &Names {
        &self.inner.names
    }

    /// Queue type and expiry used for every queue.
    #[must_use]
    pub fn queue_defaults(&self) -> QueueDefaults {
        self.inner.queue_defaults
    }

    /// How many times a connection was made again after the first.
    #[must_use]
    pub fn reconnects(&self) -> u64 {
        self.inner.reconnects.load(Ordering::Relaxed)
    }

    /// Open a channel. On a connection's first use the known topology is declared first, so
    /// after a broker restart nothing is used before it exists again.
    pub async fn open_channel(&self) -> Result<Channel> {
        self.within("open a channel", async {
            let connection = self.inner.pool.get().await.map_err(Error::Connect)?;
            let fresh = managed::Object::metrics(&connection).recycle_count == 0;
            let channel = connection
                .create_channel()
                .await
                .map_err(Error::amqp("open a channel"))?;
            if fresh {
                if self.inner.connections.fetch_add(1, Ordering::Relaxed) > 0 {
                    self.inner.reconnects.fetch_add(1, Ordering::Relaxed);
                }
                let topology = self.topology_snapshot();
                topology.declare(&channel).await?;
            }
            Ok(channel)
        })
        .await
    }

    /// Await a broker operation for at most [`OPERATION_TIMEOUT`]. When it times out, the
    /// pooled connections are given up, so the next channel comes from a new connection.
    pub async fn within<T>(
        &self,
        action: &str,
        operation: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        match tokio::time::timeout(OPERATION_TIMEOUT, operation).await {
            Ok(result) => result,
            Err(_) => {
                self.discard_connections();
                Err(Error::Timeout {
                    action: action.to_owned(),
                })
            }
        }
    }

    /// Close the pooled connections (after an operation hung on one); channels open on them
    /// fail and their users reconnect.
    pub fn discard_connections(&self) {
        let removed = self.inner.pool.retain(|_, _| false).removed;
        if removed.is_empty() {
            return;
        }
        self.inner.pool.manager().move_on();
        tracing::warn!(
            connections = removed.len(),
            "giving up broker connections that stopped answering"
        );
        for connection in removed {
            tokio::spawn(async move {
                let _ = tokio::time::timeout(
                    Duration::from_secs(5),
                    connection.close(320, "stopped answering".into()),
                )
                .await;
            });
        }
    }

    /// Open a channel, retrying with jittered backoff until it works.
    /// Callers race this against their shutdown signal.
    pub async fn open_channel_retrying(&self, purpose: &str) -> Channel {
        let mut delays = reconnect_backoff();
        loop {
            match self.open_channel().await {
                Ok(channel) => return channel,
                Err(error) => {
                    let delay = delays.next().unwrap_or(Duration::from_secs(5));
                    if is_access_refused(&error) {
                        tracing::error!(purpose, error = %error_chain(&error), delay_ms = delay.as_millis() as u64, "the broker refused these credentials (a revoked agent, or a wrong password); retrying");
                    } else {
                        tracing::warn!(purpose, error = %error_chain(&error), delay_ms = delay.as_millis() as u64, "broker unavailable, retrying");
                    }
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Declare `topology` on `channel` now and on every future connection.
    pub async fn declare(&self, topology: &Topology, channel: &Channel) -> Result<()> {
        self.within("declare the topology", topology.declare(channel))
            .await?;
        self.inner
            .topology
            .lock()
            .expect("topology lock is never poisoned")
            .merge(topology);
        Ok(())
    }

    fn topology_snapshot(&self) -> Topology {
        self.inner
            .topology
            .lock()
            .expect("topology lock is never poisoned")
            .clone()
    }

    /// Close the pool; channels already open stay usable until their connection closes.
    pub fn close(&self) {
        self.inner.pool.close();
    }
}

/// An error and its causes on one line, for log fields.
#[must_use]
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Whether the broker refused access (a wrong or deleted user, or an operation its permissions
/// do not allow): retrying the same thing will not help until someone changes the broker.
#[must_use]
pub fn is_access_refused(error: &(dyn std::error::Error + 'static)) -> bool {
    let text = error_chain(error);
    text.contains("ACCESS-REFUSED") || text.contains("ACCESS_REFUSED")
}
