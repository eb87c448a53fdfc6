//! The worker process: `Worker::build` learns the host and its identity; `Worker::run` is the
//! loop that owns capacity and classes, starts one executor unit per delivery that fits, keeps
//! each class consumer's prefetch equal to what still fits, and sends hello and heartbeats.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use warren_broker::{
    Broker, BrokerConfig, DeadLetter, Names, Publisher, QueueDefaults, Shutdown, Topology,
    shutdown_channel,
};
use warren_shared::{
    AgentCapabilities, AgentId, AttemptRef, Bye, ClassSubscription, Envelope, Heartbeat, Hello,
    Message,
};

use crate::capacity::{Capacity, Need};
use crate::config::WorkerConfig;
use crate::consumers::{
    ClassCommand, ClassDelivery, ControlInput, DeliveryRef, run_class_consumer,
    run_control_consumer,
};
use crate::events::{EventPublisher, EventSender, event_queue};
use crate::executor::{UnitContext, UnitReport, UnitRequest, run_unit};
use crate::identity;
use crate::probe::{HostInfo, Probe};

/// Highest prefetch set on a class channel.
const MAX_PREFETCH: u64 = 1_000;

/// A built worker, ready to run.
pub struct Worker {
    config: WorkerConfig,
    agent_id: AgentId,
    host: HostInfo,
    capabilities: AgentCapabilities,
    broker: Broker,
    publisher: Arc<Publisher>,
    events: EventSender,
    /// Taken by `run`.
    event_publisher: Option<EventPublisher>,
    probe: Probe,
}

/// One class this worker consumes.
struct ClassSlot {
    need: Need,
    commands: mpsc::UnboundedSender<ClassCommand>,
    /// Deliveries received whose task has not started yet (RabbitMQ counts them as unacked).
    unacked: u64,
    /// Prefetch last asked for.
    prefetch: u16,
}

/// One running attempt.
struct UnitSlot {
    requests: mpsc::UnboundedSender<UnitRequest>,
    need: Need,
    amqp_queue: String,
    delivery: DeliveryRef,
    started: bool,
}

/// A finished attempt whose `TaskStarted` the broker has not confirmed yet: its delivery is
/// acked when the confirm arrives.
struct AwaitingAck {
    amqp_queue: String,
    delivery: DeliveryRef,
}

/// The loop's state.
struct State {
    capacity: Capacity,
    classes: HashMap<String, ClassSlot>,
    units: HashMap<AttemptRef, UnitSlot>,
    awaiting_ack: HashMap<AttemptRef, AwaitingAck>,
    draining: bool,
}

impl Worker {
    /// Read the identity, probe the host and prepare the broker handle (connected lazily).
    pub fn build(config: WorkerConfig) -> anyhow::Result<Self> {
        let names = Names::new(&config.namespace)?;
        let agent_id = identity::load_or_create(&config.dir).with_context(|| {
            format!(
                "cannot read or create the agent id in {}",
                config.dir.display()
            )
        })?;
        let probe = Probe::new().context("cannot read the host's resources")?;
        let mut host = probe.host_info();
        if let Some(hostname) = &config.hostname {
            host.hostname = hostname.clone();
        }
        let cpus = config.cpus.unwrap_or_else(|| {
            ((f64::from(host.cpus) * config.cpu_allocation).floor() as u32).max(1)
        });
        let ram_mb = config
            .ram
            .unwrap_or_else(|| (host.ram_mb as f64 * config.ram_allocation).floor() as u64);
        let tags = config
            .tags
            .iter()
            .map(|tag| tag.trim().to_owned())
            .filter(|tag| !tag.is_empty())
            .collect();
        let capabilities = AgentCapabilities {
            tags,
            software: BTreeMap::new(),
            cpus,
            ram_mb,
        };
        let queue_defaults = QueueDefaults {
            expires_ms: config.queue_expires_ms,
            ..QueueDefaults::default()
        };
        let broker = Broker::new(
            BrokerConfig {
                url: config.amqp_url.clone(),
                names: names.clone(),
                connection_name: format!("warren-worker {} {agent_id}", host.hostname),
                queue_defaults,
            },
            Topology::common(&names, queue_defaults),
        )?;
        let publisher = Arc::new(Publisher::new(broker.clone()));
        let (events, event_publisher) = event_queue(publisher.clone());
        tracing::info!(%agent_id, hostname = %host.hostname, cpus, ram_mb, namespace = %names.namespace(), "worker ready");
        Ok(Self {
            config,
            agent_id,
            host,
            capabilities,
            broker,
            publisher,
            events,
            event_publisher: Some(event_publisher),
            probe,
        })
    }

    /// This worker's agent id.
    #[must_use]
    pub const fn agent_id(&self) -> AgentId {
        self.agent_id
    }

    /// Run until `shutdown`; then take no new work, let running tasks finish, say goodbye and
    /// flush the remaining events.
    pub async fn run(mut self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let (loops_trigger, loops_shutdown) = shutdown_channel();
        let (publisher_trigger, publisher_shutdown) = shutdown_channel();
        let event_publisher = self
            .event_publisher
            .take()
            .context("a worker runs only once")?;
        let event_publisher =
            tokio::spawn(event_publisher.run(publisher_shutdown, Duration::from_secs(10)));
        let (control_tx, mut control_rx) = mpsc::unbounded_channel();
        tokio::spawn(run_control_consumer(
            self.broker.clone(),
            self.agent_id.0,
            control_tx,
            loops_shutdown.clone(),
        ));
        let (deliveries_tx, mut deliveries_rx) = mpsc::unbounded_channel::<ClassDelivery>();
        let (reports_tx, mut reports_rx) = mpsc::unbounded_channel::<UnitReport>();
        let unit_context = Arc::new(UnitContext {
            agent_id: self.agent_id,
            events: self.events.clone(),
            log_flush_lines: self.config.log_flush_lines.max(1),
            log_flush: self.config.log_flush(),
            kill_grace: self.config.kill_grace(),
        });
        let mut state = State {
            capacity: Capacity::new(u64::from(self.capabilities.cpus), self.capabilities.ram_mb),
            classes: HashMap::new(),
            units: HashMap::new(),
            awaiting_ack: HashMap::new(),
            draining: false,
        };
        let mut heartbeat = tokio::time::interval(self.config.heartbeat_interval());
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

        loop {
            if state.draining
                && shutdown.is_triggered()
                && state.units.is_empty()
                && state.awaiting_ack.is_empty()
            {
                break;
            }
            tokio::select! {
                () = shutdown.wait(), if !state.draining => {
                    tracing::info!(running = state.units.len(), "stopping: taking no new work, waiting for running tasks");
                    state.draining = true;
                    self.update_prefetch(&mut state);
                }
                Some(input) = control_rx.recv() => match input {
                    ControlInput::Connected => self.send_hello(&state),
                    ControlInput::Payload(payload) => self.handle_control(&mut state, &payload, &deliveries_tx, &loops_shutdown).await,
                },
                Some(delivery) = deliveries_rx.recv() => self.handle_delivery(&mut state, delivery, &unit_context, &reports_tx).await,
                Some(report) = reports_rx.recv() => self.handle_report(&mut state, report),
                _ = heartbeat.tick() => self.send_heartbeat(&state),
            }
        }

        self.events.send(&Message::Bye(Bye {
            agent_id: self.agent_id,
            reason: "worker stopped".to_owned(),
        }));
        loops_trigger.trigger();
        publisher_trigger.trigger();
        let _ = event_publisher.await;
        self.broker.close();
        tracing::info!("worker stopped");
        Ok(())
    }

    fn running_attempts(state: &State) -> Vec<AttemptRef> {
        let mut running: Vec<AttemptRef> = state
            .units
            .iter()
            .filter(|(_, unit)| unit.started)
            .map(|(attempt, _)| *attempt)
            .collect();
        running.sort();
        running
    }

    fn send_hello(&mut self, state: &State) {
        let hello = Hello {
            agent_id: self.agent_id,
            hostname: self.host.hostname.clone(),
            addresses: Vec::new(),
            os: self.host.os.clone(),
            os_name: self.host.os_name.clone(),
            cpu_name: self.host.cpu_name.clone(),
            cpus: self.capabilities.cpus,
            ram_mb: self.capabilities.ram_mb,
            free_ram_mb: self.probe.free_ram_mb(),
            tags: self.capabilities.tags.iter().cloned().collect(),
            software: self.capabilities.software.clone(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            running: Self::running_attempts(state),
            sent_at: OffsetDateTime::now_utc(),
        };
        self.events.send(&Message::Hello(hello));
    }

    fn send_heartbeat(&mut self, state: &State) {
        self.events.send(&Message::Heartbeat(Heartbeat {
            agent_id: self.agent_id,
            free_ram_mb: self.probe.free_ram_mb(),
            load: self.probe.load(),
            running: Self::running_attempts(state),
            sent_at: OffsetDateTime::now_utc(),
        }));
    }

    async fn handle_control(
        &mut self,
        state: &mut State,
        payload: &[u8],
        deliveries_tx: &mpsc::UnboundedSender<ClassDelivery>,
        shutdown: &Shutdown,
    ) {
        let message = match Envelope::decode(payload) {
            Ok(message) => message,
            Err(error) => {
                self.dead_letter(
                    &self.broker.names().agent_queue(self.agent_id.0),
                    &warren_broker::error_chain(&error),
                    payload,
                )
                .await;
                return;
            }
        };
        match message {
            Message::Subscribe(subscribe) => {
                for class in subscribe.classes {
                    self.subscribe(state, class, deliveries_tx, shutdown);
                }
                self.update_prefetch(state);
            }
            Message::Cancel(cancel) => {
                let attempt = AttemptRef {
                    task_id: cancel.task_id,
                    attempt: cancel.attempt,
                };
                if let Some(unit) = state.units.get(&attempt) {
                    let _ = unit.requests.send(UnitRequest::Cancel {
                        reason: cancel.reason,
                    });
                }
            }
            Message::Drain(drain) => {
                state.draining = !drain.resume;
                tracing::info!(draining = state.draining, "drain requested");
                self.update_prefetch(state);
            }
            Message::CheckSoftware(_) => self.send_hello(state),
            other => tracing::warn!(
                kind = other.kind(),
                "ignoring a control message this worker does not handle"
            ),
        }
    }

    fn subscribe(
        &self,
        state: &mut State,
        class: ClassSubscription,
        deliveries_tx: &mpsc::UnboundedSender<ClassDelivery>,
        shutdown: &Shutdown,
    ) {
        if state.classes.contains_key(&class.amqp_queue)
            || !class.requirements.satisfied_by(&self.capabilities)
        {
            return;
        }
        let names = self.broker.names();
        if class.amqp_queue != names.class_queue(&class.queue, class.class.as_str()) {
            tracing::warn!(queue = %class.amqp_queue, "ignoring a class whose queue is outside this farm's namespace");
            return;
        }
        let (commands_tx, commands_rx) = mpsc::unbounded_channel();
        tokio::spawn(run_class_consumer(
            self.broker.clone(),
            class.amqp_queue.clone(),
            commands_rx,
            deliveries_tx.clone(),
            shutdown.clone(),
        ));
        tracing::info!(queue = %class.amqp_queue, "consuming requirement class");
        state.classes.insert(
            class.amqp_queue,
            ClassSlot {
                need: Need {
                    cpus: class.requirements.cpus,
                    ram_mb: class.requirements.ram_mb,
                },
                commands: commands_tx,
                unacked: 0,
                prefetch: 0,
            },
        );
    }

    /// Set every class's prefetch to the deliveries it holds plus what still fits.
    fn update_prefetch(&self, state: &mut State) {
        for class in state.classes.values_mut() {
            let wanted = if state.draining {
                0
            } else {
                (class.unacked + state.capacity.fits(class.need)).min(MAX_PREFETCH) as u16
            };
            if wanted != class.prefetch {
                class.prefetch = wanted;
                let _ = class.commands.send(ClassCommand::SetPrefetch(wanted));
            }
        }
    }

    async fn handle_delivery(
        &mut self,
        state: &mut State,
        class_delivery: ClassDelivery,
        context: &Arc<UnitContext>,
        reports_tx: &mpsc::UnboundedSender<UnitReport>,
    ) {
        let delivery_ref = DeliveryRef {
            generation: class_delivery.generation,
            tag: class_delivery.delivery.delivery_tag,
        };
        let Some(class) = state.classes.get_mut(&class_delivery.amqp_queue) else {
            return;
        };
        let assignment = match Envelope::decode(&class_delivery.delivery.data) {
            Ok(Message::Task(assignment)) => assignment,
            Ok(other) => {
                let reason = format!("unexpected message kind `{}` on a task queue", other.kind());
                let commands = class.commands.clone();
                self.dead_letter(
                    &class_delivery.amqp_queue,
                    &reason,
                    &class_delivery.delivery.data,
                )
                .await;
                let _ = commands.send(ClassCommand::Ack(delivery_ref));
                return;
            }
            Err(error) => {
                let commands = class.commands.clone();
                self.dead_letter(
                    &class_delivery.amqp_queue,
                    &warren_broker::error_chain(&error),
                    &class_delivery.delivery.data,
                )
                .await;
                let _ = commands.send(ClassCommand::Ack(delivery_ref));
                return;
            }
        };
        let attempt = AttemptRef {
            task_id: assignment.task_id,
            attempt: assignment.attempt,
        };
        if state.units.contains_key(&attempt) {
            let _ = class.commands.send(ClassCommand::Ack(delivery_ref));
            return;
        }
        let need = Need {
            cpus: assignment.cpus,
            ram_mb: assignment.ram_mb,
        };
        if state.draining || !state.capacity.reserve(need) {
            let _ = class.commands.send(ClassCommand::Reject {
                delivery: delivery_ref,
                requeue: true,
            });
            self.update_prefetch(state);
            return;
        }
        class.unacked += 1;
        let (requests_tx, requests_rx) = mpsc::unbounded_channel();
        state.units.insert(
            attempt,
            UnitSlot {
                requests: requests_tx,
                need,
                amqp_queue: class_delivery.amqp_queue,
                delivery: delivery_ref,
                started: false,
            },
        );
        tracing::debug!(task_id = %assignment.task_id, attempt = assignment.attempt, job = %assignment.job_title, "starting task");
        tokio::spawn(run_unit(
            context.clone(),
            assignment,
            requests_rx,
            reports_tx.clone(),
        ));
        self.update_prefetch(state);
    }

    fn handle_report(&self, state: &mut State, report: UnitReport) {
        match report {
            UnitReport::Started(attempt) => {
                let (amqp_queue, delivery) = if let Some(unit) = state.units.get_mut(&attempt) {
                    if unit.started {
                        return;
                    }
                    unit.started = true;
                    (unit.amqp_queue.clone(), unit.delivery)
                } else if let Some(awaiting) = state.awaiting_ack.remove(&attempt) {
                    (awaiting.amqp_queue, awaiting.delivery)
                } else {
                    return;
                };
                if let Some(class) = state.classes.get_mut(&amqp_queue) {
                    class.unacked = class.unacked.saturating_sub(1);
                    let commands = class.commands.clone();
                    self.update_prefetch(state);
                    let _ = commands.send(ClassCommand::Ack(delivery));
                }
            }
            UnitReport::Finished(attempt) => {
                let Some(unit) = state.units.remove(&attempt) else {
                    return;
                };
                state.capacity.release(unit.need);
                if !unit.started {
                    state.awaiting_ack.insert(
                        attempt,
                        AwaitingAck {
                            amqp_queue: unit.amqp_queue,
                            delivery: unit.delivery,
                        },
                    );
                }
                self.update_prefetch(state);
            }
        }
    }

    async fn dead_letter(&self, source: &str, reason: &str, payload: &[u8]) {
        tracing::warn!(source, reason, "dead-lettering a message");
        if let Err(error) = self
            .publisher
            .publish_dead_letter(&DeadLetter {
                source,
                reason,
                payload,
            })
            .await
        {
            tracing::warn!(error = %warren_broker::error_chain(&error), "cannot dead-letter a message");
        }
    }
}
