//! Elastic workers: the leading master runs each job queue's autoscaler every few seconds. It
//! starts nodes through a *provider* when tasks wait (at once when no online agent can take
//! them, otherwise once they waited `scale_up_after_secs`), drains nodes that ran nothing for
//! `idle_secs` while nothing waits, and stops them through the provider once their running
//! tasks ended, so scale-down never kills a task. Every decision is recorded with its reason.
//!
//! A provider is a command (see `deploy/providers/`) called as:
//! - `COMMAND start --count N --queue Q [--tag T]… [--cpus C] [--ram-mb M]`, with one join
//!   token per line on standard input; it starts one node per token (its worker runs
//!   `warren-worker join TOKEN`) and prints each node's name on its own line, in token order;
//! - `COMMAND stop NAME…`, which stops those nodes;
//! - `COMMAND list`, which prints the names of the nodes it started that still exist.
//!
//! Any other exit than 0, or more time than the provider timeout, is a failure: the command is
//! killed, the failure recorded, and the autoscaler carries on at its next round.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::io::AsyncWriteExt as _;
use warren_broker::Shutdown;
use warren_shared::Requirements;

use crate::control::Control;
use crate::db::now_us;
use crate::identities::{EnrollRequest, Identities};
use crate::store::StoreError;
use crate::store::autoscale::{self as store, Autoscaler, Node, NodeState};

/// How long a started node may take to come online before it is stopped again (µs).
const BOOT_TIMEOUT_US: i64 = 15 * 60 * 1_000_000;

/// Why a provider call failed.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The command could not be started.
    #[error("cannot run `{command}`: {source}")]
    Spawn {
        /// The command.
        command: String,
        /// Why.
        source: std::io::Error,
    },
    /// The command ran longer than the timeout and was killed.
    #[error("`{command} {verb}` did not finish within {secs} s and was killed")]
    Timeout {
        /// The command.
        command: String,
        /// What it was asked.
        verb: &'static str,
        /// The timeout.
        secs: u64,
    },
    /// The command failed.
    #[error("`{command} {verb}` failed ({status}): {stderr}")]
    Failed {
        /// The command.
        command: String,
        /// What it was asked.
        verb: &'static str,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// The end of what it printed on standard error.
        stderr: String,
        /// The lines it printed before failing (a `start` that failed part-way names the nodes
        /// it did start).
        printed: Vec<String>,
    },
}

/// The providers the master was started with, by name: `NAME=COMMAND [ARG…]`.
#[derive(Debug, Clone, Default)]
pub struct Providers {
    commands: BTreeMap<String, Vec<String>>,
    timeout: Duration,
}

impl Providers {
    /// Parse `NAME=COMMAND [ARG…]` settings (arguments split on whitespace).
    ///
    /// # Errors
    /// A setting without a name or a command.
    pub fn parse(settings: &[String], timeout: Duration) -> Result<Self, String> {
        let mut commands = BTreeMap::new();
        for setting in settings {
            let Some((name, command)) = setting.split_once('=') else {
                return Err(format!(
                    "`{setting}` is not NAME=COMMAND (e.g. local=/usr/lib/warren/providers/local)"
                ));
            };
            let command: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
            if name.trim().is_empty() || command.is_empty() {
                return Err(format!("`{setting}` needs a name and a command"));
            }
            commands.insert(name.trim().to_owned(), command);
        }
        Ok(Self { commands, timeout })
    }

    /// The providers' names.
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        self.commands.keys().cloned().collect()
    }

    /// Whether a provider of this name exists.
    #[must_use]
    pub fn has(&self, name: &str) -> bool {
        self.commands.contains_key(name)
    }

    /// Run `provider verb args…` with `input` on standard input; the lines it printed.
    async fn call(
        &self,
        provider: &str,
        verb: &'static str,
        args: &[String],
        input: &str,
    ) -> Result<Vec<String>, ProviderError> {
        let Some((program, fixed)) = self
            .commands
            .get(provider)
            .and_then(|command| command.split_first())
        else {
            return Err(ProviderError::Spawn {
                command: provider.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such provider"),
            });
        };
        let mut child = tokio::process::Command::new(program)
            .args(fixed)
            .arg(verb)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| ProviderError::Spawn {
                command: program.clone(),
                source,
            })?;
        let stdin = child.stdin.take();
        let run = async move {
            if let Some(mut stdin) = stdin {
                // A provider that does not read its input is not an error.
                let _ = stdin.write_all(input.as_bytes()).await;
            }
            child.wait_with_output().await
        };
        let output = match tokio::time::timeout(self.timeout, run).await {
            Ok(Ok(output)) => output,
            Ok(Err(source)) => {
                return Err(ProviderError::Spawn {
                    command: program.clone(),
                    source,
                });
            }
            // Dropping the future kills the command (`kill_on_drop`).
            Err(_) => {
                return Err(ProviderError::Timeout {
                    command: program.clone(),
                    verb,
                    secs: self.timeout.as_secs(),
                });
            }
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: String = stderr
                .trim()
                .chars()
                .rev()
                .take(500)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            return Err(ProviderError::Failed {
                command: program.clone(),
                verb,
                status: output.status,
                stderr: tail,
                printed: lines(&output.stdout),
            });
        }
        Ok(lines(&output.stdout))
    }
}

/// The non-empty lines of a provider's output.
fn lines(output: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(output)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What the autoscaler works with.
#[derive(Clone)]
pub struct Autoscaling {
    /// The database.
    pub db: DatabaseConnection,
    /// Enrolls and revokes the nodes' agents.
    pub identities: Arc<Identities>,
    /// Drains and resumes agents.
    pub control: Control,
    /// The providers.
    pub providers: Arc<Providers>,
    /// Time between rounds.
    pub every: Duration,
}

/// Run the autoscalers until shutdown.
pub async fn run(autoscaling: Autoscaling, mut shutdown: Shutdown) {
    let mut ticks = tokio::time::interval(autoscaling.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.wait() => return,
            _ = ticks.tick() => {}
        }
        if let Err(error) = autoscaling.round().await {
            tracing::warn!(error = %warren_broker::error_chain(&error), "autoscaling round failed");
        }
    }
}

impl Autoscaling {
    /// One round: bring each node's state up to date, then let each autoscaler decide.
    async fn round(&self) -> Result<(), StoreError> {
        let autoscalers = store::list(&self.db).await?;
        let mut nodes = store::live_nodes(&self.db).await?;
        if autoscalers.is_empty() && nodes.is_empty() {
            return Ok(());
        }
        let capabilities = self.reconcile(&mut nodes).await?;
        for autoscaler in autoscalers
            .iter()
            .filter(|autoscaler| autoscaler.settings.enabled)
        {
            let mine: Vec<Node> = nodes
                .iter()
                .filter(|node| node.queue_id == autoscaler.queue_id)
                .cloned()
                .collect();
            self.decide(autoscaler, &mine, &capabilities).await?;
        }
        Ok(())
    }

    /// Mark nodes their provider no longer lists as gone, nodes whose agent came online as
    /// running, and note which run tasks; the online agents' capabilities.
    async fn reconcile(
        &self,
        nodes: &mut Vec<Node>,
    ) -> Result<Vec<warren_shared::AgentCapabilities>, StoreError> {
        let providers: BTreeSet<String> = nodes.iter().map(|node| node.provider.clone()).collect();
        for provider in providers {
            let listed: BTreeSet<String> =
                match self.providers.call(&provider, "list", &[], "").await {
                    Ok(names) => names.into_iter().collect(),
                    Err(error) => {
                        tracing::warn!(provider, %error, "cannot list a provider's nodes");
                        continue;
                    }
                };
            for node in nodes.iter_mut().filter(|node| node.provider == provider) {
                if !listed.contains(&node.name) {
                    store::set_node_state(&self.db, node.id, NodeState::Gone).await?;
                    store::record_event(
                        &self.db,
                        Some(node.queue_id),
                        "gone",
                        std::slice::from_ref(&node.name),
                        &format!("provider `{provider}` no longer lists the node"),
                    )
                    .await?;
                    self.forget_agent(&node.agent_id).await;
                    node.state = NodeState::Gone;
                }
            }
        }
        nodes.retain(|node| node.state != NodeState::Gone);
        let (online, capabilities): (BTreeSet<String>, Vec<_>) =
            crate::store::agents::online_agents(&self.db)
                .await?
                .into_iter()
                .unzip();
        let ids: Vec<String> = nodes.iter().map(|node| node.agent_id.clone()).collect();
        let busy = store::busy_agents(&self.db, &ids).await?;
        for node in nodes.iter_mut() {
            if node.state == NodeState::Starting && online.contains(&node.agent_id) {
                store::set_node_state(&self.db, node.id, NodeState::Running).await?;
                node.state = NodeState::Running;
            }
            if busy.contains(&node.agent_id) {
                store::mark_busy(&self.db, node.id).await?;
                node.last_busy_at = now_us();
            }
        }
        Ok(capabilities)
    }

    /// One autoscaler's decision.
    async fn decide(
        &self,
        autoscaler: &Autoscaler,
        nodes: &[Node],
        capabilities: &[warren_shared::AgentCapabilities],
    ) -> Result<(), StoreError> {
        let settings = &autoscaler.settings;
        let demand = store::demand(&self.db, autoscaler.queue_id).await?;
        let now = now_us();
        let active: Vec<&Node> = nodes
            .iter()
            .filter(|node| matches!(node.state, NodeState::Starting | NodeState::Running))
            .collect();
        let mut draining: Vec<&Node> = nodes
            .iter()
            .filter(|node| node.state == NodeState::Draining)
            .collect();
        let min = i64::from(settings.min_nodes);
        let max = i64::from(settings.max_nodes);

        let unplaceable =
            demand.requirements.iter().any(|stored| {
                match crate::store::json_column::<Requirements>(
                    format_args!("a class waiting in queue {}", autoscaler.queue),
                    "requirements",
                    stored,
                ) {
                    Ok(requirements) => !capabilities
                        .iter()
                        .any(|agent| requirements.satisfied_by(agent)),
                    Err(error) => {
                        tracing::warn!(%error, "left out of the autoscaling decision");
                        false
                    }
                }
            });
        let waited_secs = demand
            .oldest_submitted
            .map_or(0, |submitted| (now - submitted) / 1_000_000);
        // A node of ours idle for `idle_secs` while tasks wait cannot take them (a tag, software
        // or size it lacks): those tasks are no reason to start more such nodes, and the idle
        // ones are drained as if nothing waited.
        let idle_us = i64::from(settings.idle_secs) * 1_000_000;
        let idle: Vec<&Node> = active
            .iter()
            .filter(|node| node.state == NodeState::Running && now - node.last_busy_at >= idle_us)
            .copied()
            .collect();
        let wants_more = demand.waiting > 0
            && idle.is_empty()
            && (unplaceable || waited_secs >= i64::from(settings.scale_up_after_secs));
        let mut n_active = active.len() as i64;
        if wants_more || n_active < min {
            let per_node = i64::from(settings.tasks_per_node.max(1));
            let wanted = if wants_more {
                ((demand.waiting + per_node - 1) / per_node).clamp(min, max)
            } else {
                min
            };
            let reason = if !wants_more {
                format!("{n_active} node(s) is below the minimum of {min}")
            } else if unplaceable {
                format!(
                    "{} task(s) wait and no online agent can take some of them",
                    demand.waiting
                )
            } else {
                format!(
                    "{} task(s) wait, the oldest job for {waited_secs} s",
                    demand.waiting
                )
            };
            // Nodes being drained take work again before new ones are started.
            let resume: Vec<&Node> = draining
                .iter()
                .take(usize::try_from((wanted - n_active).max(0)).unwrap_or(0))
                .copied()
                .collect();
            if !resume.is_empty() {
                self.resume(autoscaler, &resume, &reason).await?;
                n_active += resume.len() as i64;
            }
            let n_existing = n_active + (draining.len() - resume.len()) as i64;
            let to_start = (wanted - n_active).min(max - n_existing);
            if to_start > 0 {
                self.start(autoscaler, to_start, &reason).await?;
            }
            draining.retain(|node| !resume.iter().any(|resumed| resumed.id == node.id));
        } else {
            // Scale down: drain nodes idle for long enough, beyond the minimum.
            let n_drain = usize::try_from((n_active - min).max(0)).unwrap_or(0);
            let drain: Vec<&Node> = idle.into_iter().take(n_drain).collect();
            if !drain.is_empty() {
                self.drain(autoscaler, &drain).await?;
            }
        }
        // Nodes that never came online are given up on.
        let stuck: Vec<&Node> = nodes
            .iter()
            .filter(|node| {
                node.state == NodeState::Starting && now - node.time_started >= BOOT_TIMEOUT_US
            })
            .collect();
        if !stuck.is_empty() {
            self.stop(
                autoscaler,
                &stuck,
                &format!(
                    "the node(s) did not come online within {} s",
                    BOOT_TIMEOUT_US / 1_000_000
                ),
            )
            .await?;
        }
        // Drained nodes that run nothing any more are stopped.
        let ids: Vec<String> = draining.iter().map(|node| node.agent_id.clone()).collect();
        let busy = store::busy_agents(&self.db, &ids).await?;
        let done: Vec<&Node> = draining
            .iter()
            .filter(|node| !busy.contains(&node.agent_id))
            .copied()
            .collect();
        if !done.is_empty() {
            self.stop(
                autoscaler,
                &done,
                "drained, and no task runs on the node(s) any more",
            )
            .await?;
        }
        Ok(())
    }

    async fn start(
        &self,
        autoscaler: &Autoscaler,
        count: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let settings = &autoscaler.settings;
        let queue = &autoscaler.queue;
        let mut enrollments = Vec::new();
        for _ in 0..count {
            match self
                .identities
                .enroll(EnrollRequest {
                    name: Some(format!("autoscaled for {queue}")),
                    tags: (!settings.tags.is_empty())
                        .then(|| settings.tags.iter().cloned().collect()),
                    expires_in: Duration::from_secs(3600),
                    discover: false,
                    created_by: Some("autoscaler".to_owned()),
                })
                .await
            {
                Ok(enrollment) => enrollments.push(enrollment),
                Err(error) => {
                    let message = format!(
                        "cannot enroll a node: {}",
                        warren_broker::error_chain(&error)
                    );
                    store::record_event(
                        &self.db,
                        Some(autoscaler.queue_id),
                        "error",
                        &[],
                        &message,
                    )
                    .await?;
                    break;
                }
            }
        }
        if enrollments.is_empty() {
            return Ok(());
        }
        let mut args = vec![
            "--count".to_owned(),
            enrollments.len().to_string(),
            "--queue".to_owned(),
            queue.clone(),
        ];
        for tag in &settings.tags {
            args.extend(["--tag".to_owned(), tag.clone()]);
        }
        if settings.cpus > 0 {
            args.extend(["--cpus".to_owned(), settings.cpus.to_string()]);
        }
        if settings.ram_mb > 0 {
            args.extend(["--ram-mb".to_owned(), settings.ram_mb.to_string()]);
        }
        let tokens: String = enrollments
            .iter()
            .map(|enrollment| format!("{}\n", enrollment.token))
            .collect();
        tracing::info!(queue, count = enrollments.len(), reason, "starting nodes");
        let mut names = match self
            .providers
            .call(&settings.provider, "start", &args, &tokens)
            .await
        {
            Ok(names) => names,
            Err(error) => {
                tracing::warn!(queue, %error, "a provider failed to start nodes");
                store::record_event(
                    &self.db,
                    Some(autoscaler.queue_id),
                    "error",
                    &[],
                    &format!("starting {} node(s) ({reason}): {error}", enrollments.len()),
                )
                .await?;
                // Nodes it printed before failing were started: they are tracked like the others
                // (and stopped if they never come online).
                match error {
                    ProviderError::Failed { printed, .. } => printed,
                    _ => Vec::new(),
                }
            }
        };
        if names.len() > enrollments.len() {
            // More names than tokens: those nodes cannot join; have them stopped.
            let extra = names.split_off(enrollments.len());
            let stopped = self
                .providers
                .call(&settings.provider, "stop", &extra, "")
                .await;
            store::record_event(
                &self.db,
                Some(autoscaler.queue_id),
                "error",
                &extra,
                &format!(
                    "provider `{}` printed more names than it was given tokens; stopping them: {}",
                    settings.provider,
                    stopped.map_or_else(|error| error.to_string(), |_| "stopped".to_owned())
                ),
            )
            .await?;
        }
        for (name, enrollment) in names.iter().zip(&enrollments) {
            store::add_node(
                &self.db,
                autoscaler.queue_id,
                &settings.provider,
                name,
                &enrollment.agent_id.to_string(),
            )
            .await?;
        }
        for enrollment in enrollments.iter().skip(names.len()) {
            self.forget_agent(&enrollment.agent_id.to_string()).await;
        }
        let started: Vec<String> = names.into_iter().take(enrollments.len()).collect();
        if !started.is_empty() {
            store::record_event(
                &self.db,
                Some(autoscaler.queue_id),
                "start",
                &started,
                reason,
            )
            .await?;
        }
        Ok(())
    }

    /// Tell nodes' agents to take no new work.
    async fn drain(&self, autoscaler: &Autoscaler, nodes: &[&Node]) -> Result<(), StoreError> {
        self.set_disabled(nodes, true).await?;
        for node in nodes {
            store::set_node_state(&self.db, node.id, NodeState::Draining).await?;
        }
        let names: Vec<String> = nodes.iter().map(|node| node.name.clone()).collect();
        tracing::info!(queue = %autoscaler.queue, nodes = ?names, "draining idle nodes");
        store::record_event(
            &self.db,
            Some(autoscaler.queue_id),
            "drain",
            &names,
            &format!(
                "nothing waits and the node(s) ran nothing for {} s",
                autoscaler.settings.idle_secs
            ),
        )
        .await
    }

    /// Let drained nodes take work again.
    async fn resume(
        &self,
        autoscaler: &Autoscaler,
        nodes: &[&Node],
        reason: &str,
    ) -> Result<(), StoreError> {
        self.set_disabled(nodes, false).await?;
        for node in nodes {
            store::set_node_state(&self.db, node.id, NodeState::Running).await?;
        }
        let names: Vec<String> = nodes.iter().map(|node| node.name.clone()).collect();
        store::record_event(
            &self.db,
            Some(autoscaler.queue_id),
            "resume",
            &names,
            reason,
        )
        .await
    }

    /// Stop nodes through their provider, then revoke their agents.
    async fn stop(
        &self,
        autoscaler: &Autoscaler,
        nodes: &[&Node],
        reason: &str,
    ) -> Result<(), StoreError> {
        // Each node is stopped by the provider that started it (the autoscaler's may have
        // changed since).
        let providers: BTreeSet<&str> = nodes.iter().map(|node| node.provider.as_str()).collect();
        for provider in providers {
            let group: Vec<&Node> = nodes
                .iter()
                .filter(|node| node.provider == provider)
                .copied()
                .collect();
            self.stop_with(autoscaler, provider, &group, reason).await?;
        }
        Ok(())
    }

    async fn stop_with(
        &self,
        autoscaler: &Autoscaler,
        provider: &str,
        nodes: &[&Node],
        reason: &str,
    ) -> Result<(), StoreError> {
        let names: Vec<String> = nodes.iter().map(|node| node.name.clone()).collect();
        match self.providers.call(provider, "stop", &names, "").await {
            Ok(_) => {
                for node in nodes {
                    store::set_node_state(&self.db, node.id, NodeState::Stopped).await?;
                    self.forget_agent(&node.agent_id).await;
                }
                tracing::info!(queue = %autoscaler.queue, nodes = ?names, "stopped drained nodes");
                store::record_event(&self.db, Some(autoscaler.queue_id), "stop", &names, reason)
                    .await
            }
            Err(error) => {
                tracing::warn!(queue = %autoscaler.queue, %error, "a provider failed to stop nodes");
                store::record_event(
                    &self.db,
                    Some(autoscaler.queue_id),
                    "error",
                    &names,
                    &format!("stopping: {error}"),
                )
                .await
            }
        }
    }

    async fn set_disabled(&self, nodes: &[&Node], disabled: bool) -> Result<(), StoreError> {
        let mut messages = Vec::new();
        for node in nodes {
            crate::store::agents::update(
                &self.db,
                &node.agent_id,
                &crate::store::agents::AgentChange {
                    notes: None,
                    disabled: Some(disabled),
                    tags: None,
                },
            )
            .await?;
            if let Ok(agent) = uuid::Uuid::parse_str(&node.agent_id) {
                messages.push(self.control.drain(agent, disabled));
            }
        }
        self.control.send(messages).await;
        Ok(())
    }

    /// Revoke a node's agent: its broker user goes, and a node that comes back cannot use it.
    async fn forget_agent(&self, agent_id: &str) {
        let Ok(agent) = uuid::Uuid::parse_str(agent_id) else {
            return;
        };
        if let Err(error) = self.identities.revoke(agent).await {
            tracing::warn!(agent_id, error = %warren_broker::error_chain(&error), "cannot revoke a stopped node's agent");
        }
    }
}
