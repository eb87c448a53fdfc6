//! The broker handle: a small pool of AMQP connections to one of several broker addresses,
//! with AMQP heartbeats, the topology every new connection declares before use, and the
//! reconnect backoff.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// The first rest after a failed connection attempt; each further failure doubles it.
const FIRST_REST: Duration = Duration::from_millis(200);

/// The longest rest between connection attempts while the broker stays away: how long after it
/// is back a client may wait before trying again.
const LONGEST_REST: Duration = Duration::from_secs(5);

/// Makes connections for the pool, trying each address in turn from the last one that worked.
struct Connector {
    urls: Vec<String>,
    /// The address to try first.
    next: AtomicUsize,
    connection_name: String,
    /// One attempt at a time, and none while resting after a failure.
    rest: tokio::sync::Mutex<Rest>,
}

/// Close the connection of an attempt given up on, if it ends up connected.
async fn close_when_connected(attempt: tokio::task::JoinHandle<lapin::Result<lapin::Connection>>) {
    if let Ok(Ok(connection)) = attempt.await {
        let _ = tokio::time::timeout(
            OPERATION_TIMEOUT,
            connection.close(320, "connected too late".into()),
        )
        .await;
    }
}

/// When a pool may try to connect again. Every loop that needs a channel asks the pool, each
/// with its own backoff; without a rest shared by the pool, a process with many loops (or many
/// simulated agents on one pool) tries the broker many times a second while it is away, which
/// costs a broker that is overloaded rather than down more work, and costs the client memory
/// (each failed attempt leaves a few kilobytes inside the AMQP client).
#[derive(Debug, Default)]
struct Rest {
    /// No attempt before this.
    until: Option<Instant>,
    /// The rest after the next failure.
    next: Duration,
    /// Why the last attempt failed.
    last_failure: String,
}

impl Rest {
    fn failed(&mut self, error: &ConnectError) {
        let pause = self.next.max(FIRST_REST);
        self.until = Some(Instant::now() + pause);
        self.next = (pause * 2).min(LONGEST_REST);
        self.last_failure = error_chain(error);
    }
}

impl Connector {
    /// One attempt at each address in turn, from the last that worked.
    async fn connect(&self) -> std::result::Result<lapin::Connection, ConnectError> {
        let start = self.next.load(Ordering::Relaxed);
        let mut failures = Vec::new();
        for step in 0..self.urls.len() {
            let index = (start + step) % self.urls.len();
            let url = &self.urls[index];
            let shown = warren_config::redact_url(url);
            let properties = ConnectionProperties::default()
                .with_connection_name(LongString::from(self.connection_name.as_str()));
            // The attempt runs on a task of its own: when it does not finish in time it is left
            // to finish and its connection closed, because the AMQP client keeps a connection
            // and its I/O thread alive by themselves once the handshake ends, and a busy broker
            // ends handshakes late.
            let owned_url = url.clone();
            let mut attempt =
                tokio::spawn(
                    async move { lapin::Connection::connect(&owned_url, properties).await },
                );
            let outcome = match tokio::time::timeout(CONNECT_TIMEOUT, &mut attempt).await {
                Ok(Ok(outcome)) => Ok(outcome),
                Ok(Err(join_error)) => Ok(Err(lapin::Error::from(std::io::Error::other(
                    join_error.to_string(),
                )))),
                Err(elapsed) => {
                    tokio::spawn(close_when_connected(attempt));
                    Err(elapsed)
                }
            };
            match outcome {
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
        let mut rest = self.rest.lock().await;
        if let Some(until) = rest.until {
            let now = Instant::now();
            if now < until {
                return Err(ConnectError::Resting {
                    for_ms: u64::try_from((until - now).as_millis()).unwrap_or(u64::MAX),
                    last_failure: rest.last_failure.clone(),
                });
            }
        }
        let result = self.connect().await;
        match &result {
            Ok(_) => *rest = Rest::default(),
            Err(error) => rest.failed(error),
        }
        result
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
            rest: tokio::sync::Mutex::new(Rest::default()),
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
        let started = Instant::now();
        match tokio::time::timeout(OPERATION_TIMEOUT, operation).await {
            Ok(result) => result,
            Err(_) => {
                self.discard_connections_made_before(started);
                Err(Error::Timeout {
                    action: action.to_owned(),
                })
            }
        }
    }

    /// Close the pooled connections made before `started`, the moment an operation that hung
    /// began; channels open on them fail and their users reconnect. A connection made since
    /// cannot be the one it hung on: when many operations time out together (a busy broker, or
    /// agents sharing a pool), the connections the first ones' users made again are kept.
    pub fn discard_connections_made_before(&self, started: Instant) {
        let removed = self
            .inner
            .pool
            .retain(|_, metrics| metrics.created >= started)
            .removed;
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
