//! The master process: `App::build` connects, migrates and binds; `App::run` serves the API and
//! runs the dispatcher, the ingester and the lease checker until shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use warren_broker::{
    Broker, BrokerConfig, Names, Publisher, QueueDefaults, Shutdown, Topology, shutdown_channel,
};

use crate::api::{self, AppState};
use crate::config::ServeConfig;
use crate::dispatcher::{Dispatcher, DispatcherHandle};
use crate::ingester::{IngestStats, Ingester};
use crate::{db, leases};
use secrecy::ExposeSecret as _;
use warren_config::redact_url;

/// A built master, ready to run.
pub struct App {
    config: ServeConfig,
    ldap: Option<crate::ldap::LdapLogin>,
    db: DatabaseConnection,
    listener: TcpListener,
    local_addr: SocketAddr,
    discovery: Option<tokio::net::UdpSocket>,
    broker: Broker,
    dispatcher: Dispatcher,
    dispatcher_handle: DispatcherHandle,
    ingester: Ingester,
    control: crate::control::Control,
    keys: Arc<crate::keys::FarmKeys>,
    identities: Arc<crate::identities::Identities>,
    /// The master's signing publisher (the lease checker's markers go through it too).
    publisher: Arc<Publisher>,
    management: crate::rabbitmq::ManagementApi,
    mailer: Option<crate::notify::Mailer>,
    providers: Arc<crate::autoscale::Providers>,
}

/// The broker URLs workers are told: `--worker-amqp-url`, else `--amqp-url`, without
/// credentials.
fn worker_urls(config: &ServeConfig) -> Vec<String> {
    config
        .worker_amqp_urls()
        .iter()
        .map(|url| crate::rabbitmq::without_credentials(url.trim()))
        .filter(|url| !url.is_empty())
        .collect()
}

impl App {
    /// Connect to the database (migrating it) and bind the API listener. The broker is
    /// connected lazily and reconnected with backoff, so the API works while it is away.
    pub async fn build(config: ServeConfig) -> anyhow::Result<Self> {
        let names = Names::new(&config.namespace)?;
        tracing::info!(database = %redact_url(config.database.url()), broker = %config.amqp_urls().iter().map(|url| redact_url(url)).collect::<Vec<_>>().join(","), namespace = %names.namespace(), "starting master");
        let db = db::connect(config.database.url()).await.with_context(|| {
            format!(
                "failed to open the database `{}`",
                redact_url(config.database.url())
            )
        })?;
        db::migrate(&db)
            .await
            .context("failed to migrate the database")?;
        crate::store::jobtypes::ensure_shipped(&db)
            .await
            .context("failed to create the shipped job types")?;
        let queue_defaults = QueueDefaults {
            queue_type: config.queue_type,
            expires_ms: config.queue_expires_ms,
        };
        let keys = crate::keys::FarmKeys::load_or_create(db.clone())
            .await
            .context("failed to read or make the farm's signing key")?;
        let mut topology = Topology::common(&names, queue_defaults);
        for credential in crate::store::credentials::active(&db).await? {
            if let Ok(agent_id) = credential.agent_id.parse::<uuid::Uuid>() {
                topology.merge(&Topology::enrolled_agent(&names, agent_id, queue_defaults));
            }
        }
        let broker = Broker::new(
            BrokerConfig {
                urls: config.amqp_urls(),
                heartbeat: std::time::Duration::from_secs(config.amqp_heartbeat),
                names: names.clone(),
                connection_name: format!("warren-master {}", std::process::id()),
                queue_defaults,
            },
            topology,
        )?;
        let master_user = crate::rabbitmq::amqp_parts(config.first_amqp_url())?.user;
        let publisher =
            Arc::new(Publisher::signing(broker.clone(), keys.clone()).with_user_id(&master_user)?);
        let control = crate::control::Control::new(publisher.clone(), keys.clone());
        let management = crate::rabbitmq::ManagementApi::new(
            &config.rabbitmq_api,
            config.rabbitmq_ui_url.as_deref(),
            config.first_amqp_url(),
        )?;
        let identities = Arc::new(crate::identities::Identities::new(
            db.clone(),
            management.clone(),
            publisher.clone(),
            control.clone(),
            worker_urls(&config),
            config.public_url.clone(),
        ));
        let (dispatcher, dispatcher_handle) = Dispatcher::new(
            db.clone(),
            publisher.clone(),
            control.clone(),
            identities.clone(),
            config.dispatch_margin,
        );
        let dispatcher = dispatcher.with_agent_failure_limit(config.agent_job_failure_limit);
        let ingester = Ingester::new(
            db.clone(),
            publisher.clone(),
            control.clone(),
            identities.clone(),
            dispatcher_handle.clone(),
            config.insecure_shared_broker_credentials,
            master_user,
        );
        if config.insecure_shared_broker_credentials {
            tracing::warn!(
                "--insecure-shared-broker-credentials: workers that were never enrolled may share the farm's broker credentials, and anyone holding them can pose as such a worker"
            );
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("failed to listen on {}", config.listen))?;
        let local_addr = listener.local_addr()?;
        let discovery = match config.discovery_listen {
            Some(address) => Some(
                crate::discovery::bind(address)
                    .await
                    .with_context(|| format!("failed to answer discovery on {address}"))?,
            ),
            None => None,
        };
        let mailer = match &config.smtp_url {
            Some(url) => Some(crate::notify::Mailer::new(
                url.expose_secret(),
                &config.smtp_from,
                config
                    .public_url
                    .as_deref()
                    .unwrap_or(&format!("http://{local_addr}")),
                config.mail_domain.clone(),
                match &config.email_templates {
                    Some(dir) => crate::mail_templates::Templates::load(dir)?,
                    None => crate::mail_templates::Templates::default(),
                },
            )?),
            None => None,
        };
        if config.no_auth {
            tracing::warn!(
                "authentication is off (--no-auth): anyone who reaches the API can do anything"
            );
        } else if crate::store::users::count(&db).await? == 0 {
            tracing::warn!(
                "no users yet: create the first admin with `warren-master user add <name> --role admin`, then a token with `warren-master user token <name>`"
            );
            eprintln!(
                "warren-master: no users yet. Create the first admin with\n  warren-master user add <name> --role admin\nand a token for the CLI with\n  warren-master user token <name>"
            );
        }
        let ldap = match &config.ldap_url {
            Some(url) => Some(
                crate::ldap::LdapLogin::new(
                    url.expose_secret(),
                    &config.ldap_user_dn,
                    &config.ldap_default_role,
                    &config.ldap_group_roles,
                    &crate::ldap::LdapTls {
                        starttls: config.ldap_starttls,
                        ca_file: config.ldap_ca_file.clone(),
                    },
                )
                .context("invalid LDAP settings")?,
            ),
            None => None,
        };
        let providers = Arc::new(
            crate::autoscale::Providers::parse(
                &config.autoscale_providers,
                std::time::Duration::from_secs(config.autoscale_provider_timeout_secs),
            )
            .map_err(|error| anyhow::anyhow!("invalid --autoscale-provider: {error}"))?,
        );
        Ok(Self {
            providers,
            ldap,
            mailer,
            config,
            db,
            listener,
            local_addr,
            discovery,
            broker,
            dispatcher,
            dispatcher_handle,
            ingester,
            control,
            keys,
            identities,
            management,
            publisher,
        })
    }

    /// The address the API listens on.
    #[must_use]
    pub const fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The ingester's counters.
    #[must_use]
    pub fn ingest_stats(&self) -> Arc<IngestStats> {
        self.ingester.stats()
    }

    /// Serve until `shutdown`, then stop the loops, waiting up to the grace period.
    pub async fn run(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let (loops_trigger, loops_shutdown) = shutdown_channel();
        let activity = self.ingester.activity();
        let changes = self.ingester.changes();
        let metrics = api::farm::MasterMetrics {
            ingest: self.ingester.stats(),
            dispatch_latency: self.dispatcher.latency(),
            broker: self.broker.clone(),
            logins: Arc::new(api::throttle::LoginThrottle::default()),
            insecure_shared_credentials: self.config.insecure_shared_broker_credentials,
        };
        let lease_context = crate::leases::LeaseContext {
            dispatcher: self.dispatcher_handle.clone(),
            publisher: self.publisher.clone(),
            consumer: self.ingester.consumer(),
            activity: self.ingester.activity(),
        };
        let ingester = tokio::spawn(self.ingester.run(loops_shutdown.clone()));
        let discovery = self.discovery.map(|socket| {
            let farm = crate::discovery::Farm {
                amqp_url: worker_urls(&self.config)
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
                namespace: self.config.namespace.clone(),
                master_url: self
                    .config
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{}", self.local_addr)),
            };
            tokio::spawn(crate::discovery::serve(
                socket,
                farm,
                self.keys.clone(),
                loops_shutdown.clone(),
            ))
        });
        let keys_refresh = tokio::spawn(
            self.keys
                .clone()
                .run(self.control.clone(), loops_shutdown.clone()),
        );
        let (leading_tx, leading) = tokio::sync::watch::channel(false);
        let leader = tokio::spawn(crate::db::leader::run(
            crate::db::leader::Election::for_database(&self.db, &self.config.namespace),
            leading_tx,
            leader_term(
                self.dispatcher,
                self.db.clone(),
                self.mailer.clone(),
                lease_context,
                self.identities.clone(),
                self.control.clone(),
                self.providers.clone(),
                &self.config,
                self.config
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{}", self.local_addr)),
            ),
            loops_shutdown,
        ));

        let state = AppState {
            activity,
            changes,
            leading,
            metrics,
            management: self.management.clone(),
            namespace: self.config.namespace.clone(),
            identities: self.identities.clone(),
            behind_tls_proxy: self.config.behind_tls_proxy,
            https_public_url: self
                .config
                .public_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://")),
            auth_required: !self.config.no_auth,
            ldap: self.ldap.clone(),
            db: self.db.clone(),
            dispatcher: self.dispatcher_handle.clone(),
            control: self.control.clone(),
            mailer: self.mailer.clone(),
            providers: self.providers.clone(),
        };
        let router = api::router(state, self.config.max_body_bytes);
        let mut server_shutdown = shutdown.clone();
        axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move { server_shutdown.wait().await })
        .await
        .context("the API server failed")?;

        loops_trigger.trigger();
        let grace = self.config.shutdown_grace();
        let stopped = tokio::time::timeout(grace, async {
            let _ = tokio::join!(ingester, leader, keys_refresh);
            if let Some(discovery) = discovery {
                let _ = discovery.await;
            }
        })
        .await;
        if stopped.is_err() {
            tracing::warn!(
                grace_secs = grace.as_secs(),
                "background loops did not stop within the grace period"
            );
        }
        self.broker.close();
        self.db.close().await.ok();
        tracing::info!("master stopped");
        Ok(())
    }
}

/// What the leading master runs, and stops when it no longer leads: the dispatcher, the
/// reconciler of agents' broker users, the lease checker, job emails and autodelete, agent
/// restarts, the log retention policy, the webhook sender, the autoscalers, and the statistics
/// sampler.
#[expect(
    clippy::too_many_arguments,
    reason = "each is one service the leading master runs, handed over once at start"
)]
fn leader_term(
    dispatcher: Dispatcher,
    db: DatabaseConnection,
    mailer: Option<crate::notify::Mailer>,
    leases: crate::leases::LeaseContext,
    identities: Arc<crate::identities::Identities>,
    control: crate::control::Control,
    providers: Arc<crate::autoscale::Providers>,
    config: &ServeConfig,
    ui_url: String,
) -> impl FnMut(Shutdown) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + use<>
{
    let dispatcher = Arc::new(tokio::sync::Mutex::new(dispatcher));
    let lease_timeout = config.lease_timeout();
    let statistics = config.statistics();
    let log_retention = crate::notify::LogRetention {
        farm_days: config.log_retention_days,
        every: std::time::Duration::from_secs(config.log_prune_interval_secs),
    };
    let autoscale_every = std::time::Duration::from_secs(config.autoscale_interval_secs);
    move |shutdown: Shutdown| {
        let autoscaling = crate::autoscale::Autoscaling {
            db: db.clone(),
            identities: identities.clone(),
            control: control.clone(),
            providers: providers.clone(),
            every: autoscale_every,
        };
        let dispatcher = dispatcher.clone();
        let (db, mailer) = (db.clone(), mailer.clone());
        let leases = leases.clone();
        let identities = identities.clone();
        let control = control.clone();
        let ui_url = ui_url.trim_end_matches('/').to_owned();
        Box::pin(async move {
            let mut dispatcher = dispatcher.lock().await;
            tokio::join!(
                dispatcher.run(shutdown.clone()),
                identities.run(shutdown.clone()),
                leases::run(db.clone(), leases, lease_timeout, shutdown.clone()),
                crate::notify::run(db.clone(), mailer, shutdown.clone()),
                crate::restarts::run(db.clone(), control.clone(), shutdown.clone()),
                crate::notify::prune_logs(db.clone(), log_retention, shutdown.clone()),
                crate::webhooks::run(db.clone(), ui_url, shutdown.clone()),
                crate::autoscale::run(autoscaling, shutdown.clone()),
                crate::statistics::run(db, statistics, shutdown),
            );
        })
    }
}
