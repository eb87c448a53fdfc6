//! `warren` commands for the farm's other resources: job queues, job groups, tags, software,
//! path maps and agent actions.

use clap::Subcommand;
use serde_json::Value;

use super::client::{ApiClient, Method};
use super::{print_table, text, typed};
use warren_api::domain::DEFAULT_WEIGHT;
use warren_api::requests::{
    AgentPatch, EnrollBody, NewGroup, NewQueue, NewTag, NewWebhook, PathMapBody, QueuePatch,
    RestartBody,
};
use warren_api::{
    DiscoveryCheck, GroupList, PathMapList, QueueList, SoftwareDetail, SoftwareList,
    SoftwareVersionDefinition, SoftwareVersions, TagList,
};

/// `warren queues` actions.
#[derive(Debug, Subcommand)]
pub enum QueuesAction {
    /// Create a job queue.
    Add {
        /// Name.
        name: String,
        /// Parent queue (default `root`).
        #[arg(long)]
        parent: Option<String>,
        /// Priority among its siblings.
        #[arg(long)]
        priority: Option<i32>,
        /// Share among siblings of equal priority.
        #[arg(long)]
        weight: Option<i32>,
        /// Task slots it gets first.
        #[arg(long)]
        minimum_agents: Option<i32>,
        /// Task slots it never exceeds.
        #[arg(long)]
        maximum_agents: Option<i32>,
        /// Days its jobs' logs are kept after they end (default: the parent's, else the
        /// farm's).
        #[arg(long)]
        log_retention_days: Option<i32>,
    },
    /// Change a job queue.
    Set {
        /// Name.
        name: String,
        /// New parent.
        #[arg(long)]
        parent: Option<String>,
        /// New priority.
        #[arg(long)]
        priority: Option<i32>,
        /// New weight.
        #[arg(long)]
        weight: Option<i32>,
        /// New minimum (a negative number clears it).
        #[arg(long, allow_negative_numbers = true)]
        minimum_agents: Option<i32>,
        /// New maximum (a negative number clears it).
        #[arg(long, allow_negative_numbers = true)]
        maximum_agents: Option<i32>,
        /// New log retention in days (a negative number clears it: the parent's, else the
        /// farm's).
        #[arg(long, allow_negative_numbers = true)]
        log_retention_days: Option<i32>,
    },
    /// Delete an empty job queue.
    Delete {
        /// Name.
        name: String,
    },
}

/// `warren groups` actions.
#[derive(Debug, Subcommand)]
pub enum GroupsAction {
    /// Create a job group; jobs join it with `"group": id`.
    Add {
        /// Title.
        title: String,
    },
    /// Show a group with its jobs.
    Show {
        /// Group id.
        group_id: i64,
    },
}

/// `warren tags` actions.
#[derive(Debug, Subcommand)]
pub enum TagsAction {
    /// Create a tag.
    Add {
        /// Name.
        name: String,
    },
    /// Show the agents and jobs with a tag.
    Show {
        /// Name.
        name: String,
    },
    /// Delete a tag nothing carries.
    Delete {
        /// Name.
        name: String,
    },
}

/// `warren pathmaps` actions.
#[derive(Debug, Subcommand)]
pub enum PathmapsAction {
    /// Add a path map (at least two roots).
    Add {
        /// The root on Linux.
        #[arg(long)]
        linux: Option<String>,
        /// The root on Windows.
        #[arg(long)]
        windows: Option<String>,
        /// The root on macOS.
        #[arg(long)]
        macos: Option<String>,
        /// Only for agents with this tag.
        #[arg(long)]
        tag: Option<String>,
    },
    /// Delete a path map.
    Delete {
        /// Path map id.
        map_id: i64,
    },
}

/// `warren software` actions.
#[derive(Debug, Subcommand)]
pub enum SoftwareAction {
    /// Show one piece of software: its versions, the agents with each, and its checks.
    Show {
        /// Software name.
        name: String,
    },
    /// Define software in the catalogue (admins): from a file (TOML or JSON with a `versions`
    /// list, replacing the definition) or one version from flags (kept with the others).
    Define {
        /// Software name, as jobs require it.
        name: String,
        /// A TOML or JSON file with `versions`.
        #[arg(long, conflicts_with_all = ["version", "command"])]
        file: Option<std::path::PathBuf>,
        /// The version to define.
        #[arg(long, requires = "command")]
        version: Option<String>,
        /// The operating system of the check: linux, macos or windows.
        #[arg(long, default_value = std::env::consts::OS)]
        os: String,
        /// The check's command, split on spaces (`{path}` stands for --path).
        #[arg(long, default_value = "")]
        command: String,
        /// Text the check's output must contain.
        #[arg(long)]
        expect: Option<String>,
        /// Regular expression the check's output must match.
        #[arg(long)]
        regex: Option<String>,
        /// Where the version is installed; agents without this path do not have it.
        #[arg(long)]
        path: Option<String>,
    },
    /// Remove software from the catalogue (admins).
    Remove {
        /// Software name.
        name: String,
    },
}

/// `warren dead-letters` actions.
#[derive(Debug, Subcommand)]
pub enum DeadLettersAction {
    /// Apply a dead letter again once its cause is fixed (admins).
    Replay {
        /// Dead letter id.
        dead_letter_id: i64,
    },
    /// Forget a dead letter (admins).
    Delete {
        /// Dead letter id.
        dead_letter_id: i64,
    },
}

/// `warren dead-letters`.
pub async fn dead_letters(
    client: &ApiClient,
    json_output: bool,
    action: Option<DeadLettersAction>,
) -> anyhow::Result<i32> {
    match action {
        None => {
            let answer: Value = client.get("/api/v1/dead-letters").await?;
            table(
                &answer,
                json_output,
                "a list of dead letters",
                &["ID", "TIME", "KIND", "USER", "REPLAYED", "REASON"],
                |list: warren_api::DeadLetterList| {
                    list.dead_letters
                        .into_iter()
                        .map(|letter| {
                            vec![
                                letter.id.to_string(),
                                letter.time,
                                cell(letter.kind),
                                cell(letter.user),
                                cell(letter.replayed_at),
                                letter.reason,
                            ]
                        })
                        .collect()
                },
            )?;
        }
        Some(DeadLettersAction::Replay { dead_letter_id }) => {
            client
                .call(
                    Method::POST,
                    &format!("/api/v1/dead-letters/{dead_letter_id}/replay"),
                    None,
                )
                .await?;
            println!(
                "dead letter {dead_letter_id} queued to be applied again (if it fails again, a new dead letter says why)"
            );
        }
        Some(DeadLettersAction::Delete { dead_letter_id }) => {
            client
                .call(
                    Method::DELETE,
                    &format!("/api/v1/dead-letters/{dead_letter_id}"),
                    None,
                )
                .await?;
            println!("dead letter {dead_letter_id} deleted");
        }
    }
    Ok(0)
}

/// `warren autoscale` actions.
#[derive(Debug, Subcommand)]
pub enum AutoscaleAction {
    /// Set a job queue's autoscaler (admins).
    Set {
        /// The job queue.
        queue: String,
        /// The provider, as the master names it (`--autoscale-provider NAME=COMMAND`).
        #[arg(long)]
        provider: String,
        /// Nodes kept even when idle.
        #[arg(long, default_value_t = 0)]
        min: i32,
        /// Most nodes at once.
        #[arg(long)]
        max: i32,
        /// Waiting tasks per node wanted.
        #[arg(long, default_value_t = 1)]
        tasks_per_node: i32,
        /// Start nodes once tasks waited this long, even if some agent could take them.
        #[arg(long, default_value_t = 60)]
        scale_up_after_secs: i32,
        /// Drain and stop a node idle this long while nothing waits.
        #[arg(long, default_value_t = 600)]
        idle_secs: i32,
        /// A tag the started nodes carry (repeat).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// CPUs per node, for the provider.
        #[arg(long, default_value_t = 0)]
        cpus: i32,
        /// RAM per node in MB, for the provider.
        #[arg(long, default_value_t = 0)]
        ram_mb: i64,
        /// Keep the autoscaler but let it do nothing.
        #[arg(long)]
        disabled: bool,
    },
    /// Remove a job queue's autoscaler (admins); its nodes keep running.
    Delete {
        /// The job queue.
        queue: String,
    },
    /// The latest scaling decisions with their reasons.
    Events {
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// `warren autoscale`.
pub async fn autoscale(
    client: &ApiClient,
    json_output: bool,
    action: Option<AutoscaleAction>,
) -> anyhow::Result<i32> {
    match action {
        None => {
            let answer: Value = client.get("/api/v1/autoscalers").await?;
            table(
                &answer,
                json_output,
                "a list of autoscalers",
                &["QUEUE", "PROVIDER", "MIN", "MAX", "ENABLED", "NODES"],
                |list: warren_api::AutoscalerList| {
                    list.autoscalers
                        .into_iter()
                        .map(|autoscaler| {
                            let nodes: Vec<String> = autoscaler
                                .nodes
                                .iter()
                                .map(|node| format!("{} ({})", node.name, node.state))
                                .collect();
                            vec![
                                autoscaler.queue,
                                autoscaler.settings.provider,
                                autoscaler.settings.min_nodes.to_string(),
                                autoscaler.settings.max_nodes.to_string(),
                                autoscaler.settings.enabled.to_string(),
                                if nodes.is_empty() {
                                    "-".to_owned()
                                } else {
                                    nodes.join(", ")
                                },
                            ]
                        })
                        .collect()
                },
            )?;
        }
        Some(AutoscaleAction::Set {
            queue,
            provider,
            min,
            max,
            tasks_per_node,
            scale_up_after_secs,
            idle_secs,
            tags,
            cpus,
            ram_mb,
            disabled,
        }) => {
            let body = serde_json::to_value(warren_api::AutoscalerSettings {
                provider,
                min_nodes: min,
                max_nodes: max,
                tasks_per_node,
                scale_up_after_secs,
                idle_secs,
                tags,
                cpus,
                ram_mb,
                enabled: !disabled,
            })?;
            let answer = client
                .call(
                    Method::PUT,
                    &format!("/api/v1/autoscalers/{queue}"),
                    Some(&body),
                )
                .await?;
            done(&answer, json_output, &format!("autoscaler of {queue} set"));
        }
        Some(AutoscaleAction::Delete { queue }) => {
            client
                .call(
                    Method::DELETE,
                    &format!("/api/v1/autoscalers/{queue}"),
                    None,
                )
                .await?;
            println!("autoscaler of {queue} removed");
        }
        Some(AutoscaleAction::Events { limit }) => {
            let answer: Value = client
                .get(&format!("/api/v1/scaling-events?limit={limit}"))
                .await?;
            table(
                &answer,
                json_output,
                "a list of scaling events",
                &["TIME", "QUEUE", "ACTION", "NODES", "REASON"],
                |list: warren_api::ScalingEventList| {
                    list.events
                        .into_iter()
                        .map(|event| {
                            vec![
                                event.time,
                                cell(event.queue),
                                event.action,
                                event.nodes.join(","),
                                event.reason,
                            ]
                        })
                        .collect()
                },
            )?;
        }
    }
    Ok(0)
}

/// `warren webhooks` actions.
#[derive(Debug, Subcommand)]
pub enum WebhooksAction {
    /// Register a webhook; prints its secret (shown only this once).
    Add {
        /// Where to POST events.
        url: String,
        /// An event to send (repeat): job.done, job.failed, job.paused, task.failed,
        /// agent.offline.
        #[arg(long = "event", required = true)]
        events: Vec<String>,
        /// Only job and task events of this job queue.
        #[arg(long)]
        queue: Option<String>,
        /// The HMAC-SHA256 key (made when omitted).
        #[arg(long)]
        secret: Option<String>,
    },
    /// Delete a webhook and its deliveries.
    Delete {
        /// Webhook id.
        webhook_id: i64,
    },
    /// A webhook's deliveries, newest first.
    Deliveries {
        /// Webhook id.
        webhook_id: i64,
        /// Only `pending`, `delivered` or `failed` ones.
        #[arg(long)]
        state: Option<String>,
    },
    /// Send a delivery again, with the same delivery id.
    Redeliver {
        /// Webhook id.
        webhook_id: i64,
        /// Delivery id.
        delivery_id: String,
    },
}

/// `warren webhooks`.
pub async fn webhooks(
    client: &ApiClient,
    json_output: bool,
    action: Option<WebhooksAction>,
) -> anyhow::Result<i32> {
    match action {
        None => {
            let answer: Value = client.get("/api/v1/webhooks").await?;
            table(
                &answer,
                json_output,
                "a list of webhooks",
                &["ID", "URL", "EVENTS", "QUEUE", "ACTIVE"],
                |list: warren_api::WebhookList| {
                    list.webhooks
                        .into_iter()
                        .map(|hook| {
                            vec![
                                hook.id.to_string(),
                                hook.url,
                                hook.events.join(","),
                                cell(hook.queue),
                                hook.active.to_string(),
                            ]
                        })
                        .collect()
                },
            )?;
        }
        Some(WebhooksAction::Add {
            url,
            events,
            queue,
            secret,
        }) => {
            let body = NewWebhook {
                url,
                events,
                queue,
                secret,
                active: true,
            };
            let answer: Value = client.post("/api/v1/webhooks", &body).await?;
            done(
                &answer,
                json_output,
                &format!(
                    "webhook {} created; its secret (shown only now): {}",
                    text(&answer, "id"),
                    text(&answer, "secret")
                ),
            );
        }
        Some(WebhooksAction::Delete { webhook_id }) => {
            client
                .call(
                    Method::DELETE,
                    &format!("/api/v1/webhooks/{webhook_id}"),
                    None,
                )
                .await?;
            println!("webhook {webhook_id} deleted");
        }
        Some(WebhooksAction::Deliveries { webhook_id, state }) => {
            let mut path = format!("/api/v1/webhooks/{webhook_id}/deliveries");
            if let Some(state) = state {
                path.push_str(&format!("?state={state}"));
            }
            let answer: Value = client.get(&path).await?;
            table(
                &answer,
                json_output,
                "a list of deliveries",
                &[
                    "DELIVERY",
                    "EVENT",
                    "STATE",
                    "ATTEMPTS",
                    "STATUS",
                    "CREATED",
                    "LAST ERROR",
                ],
                |list: warren_api::DeliveryList| {
                    list.deliveries
                        .into_iter()
                        .map(|delivery| {
                            vec![
                                delivery.delivery_id,
                                delivery.event,
                                delivery.state,
                                delivery.attempts.to_string(),
                                cell(delivery.last_status),
                                delivery.time_created,
                                cell(delivery.last_error),
                            ]
                        })
                        .collect()
                },
            )?;
        }
        Some(WebhooksAction::Redeliver {
            webhook_id,
            delivery_id,
        }) => {
            client
                .call(
                    Method::POST,
                    &format!("/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"),
                    None,
                )
                .await?;
            println!("delivery {delivery_id} will be sent again");
        }
    }
    Ok(0)
}

/// `warren agents` actions.
#[derive(Debug, Subcommand)]
pub enum AgentsAction {
    /// Show one agent.
    Show {
        /// Agent id.
        agent_id: String,
    },
    /// Take no new work on the agent; running tasks finish.
    Disable {
        /// Agent id.
        agent_id: String,
    },
    /// Let a disabled agent take work again.
    Enable {
        /// Agent id.
        agent_id: String,
    },
    /// Set the agent's tags (replacing the worker's own), or `--reset` to the worker's own.
    Tags {
        /// Agent id.
        agent_id: String,
        /// Tags, comma-separated.
        #[arg(value_delimiter = ',', required_unless_present = "reset")]
        tags: Vec<String>,
        /// Go back to the tags the worker reports.
        #[arg(long)]
        reset: bool,
    },
    /// Forget an agent; tasks it was running are queued again (a living worker registers
    /// again: to shut a node out, revoke it).
    Forget {
        /// Agent id.
        agent_id: String,
    },
    /// Make a join token for a new node (admins): on the node, `warren-worker join TOKEN`.
    /// The token is printed once, alone on standard output.
    Enroll {
        /// A name for the agent until the node says hello.
        #[arg(long)]
        name: Option<String>,
        /// A tag the agent gets (repeat for several); the node's own tags otherwise.
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Seconds the token works.
        #[arg(long, default_value_t = 86_400)]
        expires_in_secs: u64,
        /// Leave the broker's address out: the node finds the farm by broadcast.
        #[arg(long)]
        discover: bool,
    },
    /// Shut a node out (admins): its broker user is deleted and its connections closed; the
    /// tasks it was running run again elsewhere.
    Revoke {
        /// Agent id.
        agent_id: String,
    },
    /// The latest agent restarts and how they went.
    Restarts,
    /// Restart agents: each drains, lets its running tasks finish (or hands them back with
    /// `--now`), then runs its worker binary again from disk (an upgrade when it was replaced).
    Restart {
        /// Agent ids.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        agent_ids: Vec<String>,
        /// Every online agent.
        #[arg(long)]
        all: bool,
        /// Most agents draining or restarting at once.
        #[arg(long, default_value_t = 1)]
        max_at_once: u32,
        /// Hand running tasks back at once instead of letting them finish.
        #[arg(long)]
        now: bool,
    },
}

/// Print `answer` as JSON, or read it as the list type `L` the API documents (`what` names it
/// in the error when it is not) and print the rows `rows` makes of it under `headers`.
fn table<L: serde::de::DeserializeOwned>(
    answer: &Value,
    json_output: bool,
    what: &str,
    headers: &[&str],
    rows: impl FnOnce(L) -> Vec<Vec<String>>,
) -> anyhow::Result<()> {
    if json_output {
        println!("{answer}");
    } else {
        print_table(headers, &rows(typed(answer, what)?));
    }
    Ok(())
}

/// A value for a table cell, `-` when there is none.
fn cell(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| value.to_string())
}

fn done(answer: &Value, json_output: bool, message: &str) {
    if json_output {
        println!("{answer}");
    } else {
        println!("{message}");
    }
}

/// A checked value from an option's number, or an error naming the option.
pub(crate) fn checked<T, V>(option: &str, value: Option<V>) -> anyhow::Result<Option<T>>
where
    T: TryFrom<V>,
    T::Error: std::fmt::Display,
{
    value
        .map(T::try_from)
        .transpose()
        .map_err(|error| anyhow::anyhow!("--{option} {error}"))
}

/// Like [`checked`], with a negative number meaning "clear it" (`null`).
fn clearable<T: TryFrom<i32>>(option: &str, value: Option<i32>) -> anyhow::Result<Option<Option<T>>>
where
    T::Error: std::fmt::Display,
{
    match value {
        Some(value) if value < 0 => Ok(Some(None)),
        value => Ok(checked(option, value)?.map(Some)),
    }
}

/// `warren queues`.
pub async fn queues(
    client: &ApiClient,
    json_output: bool,
    action: Option<QueuesAction>,
) -> anyhow::Result<i32> {
    match action {
        None => {
            let answer: Value = client.get("/api/v1/jobqueues").await?;
            table(
                &answer,
                json_output,
                "a list of job queues",
                &[
                    "NAME", "PARENT", "PRIORITY", "WEIGHT", "MIN", "MAX", "LOG DAYS", "JOBS",
                    "ACTIVE",
                ],
                |list: QueueList| {
                    list.jobqueues
                        .into_iter()
                        .map(|queue| {
                            vec![
                                queue.name,
                                cell(queue.parent),
                                queue.priority.to_string(),
                                queue.weight.to_string(),
                                cell(queue.minimum_agents),
                                cell(queue.maximum_agents),
                                cell(queue.log_retention_days),
                                queue.jobs.to_string(),
                                queue.active_tasks.to_string(),
                            ]
                        })
                        .collect()
                },
            )?;
        }
        Some(QueuesAction::Add {
            name,
            parent,
            priority,
            weight,
            minimum_agents,
            maximum_agents,
            log_retention_days,
        }) => {
            let body = NewQueue {
                name: name.clone(),
                parent,
                priority: checked("priority", priority)?.unwrap_or_default(),
                weight: checked("weight", weight)?.unwrap_or(DEFAULT_WEIGHT),
                minimum_agents: checked("minimum-agents", minimum_agents)?,
                maximum_agents: checked("maximum-agents", maximum_agents)?,
                log_retention_days: checked("log-retention-days", log_retention_days)?,
            };
            let answer: Value = client.post("/api/v1/jobqueues", &body).await?;
            done(&answer, json_output, &format!("job queue {name} created"));
        }
        Some(QueuesAction::Set {
            name,
            parent,
            priority,
            weight,
            minimum_agents,
            maximum_agents,
            log_retention_days,
        }) => {
            let body = QueuePatch {
                parent,
                priority: checked("priority", priority)?,
                weight: checked("weight", weight)?,
                minimum_agents: clearable("minimum-agents", minimum_agents)?,
                maximum_agents: clearable("maximum-agents", maximum_agents)?,
                log_retention_days: clearable("log-retention-days", log_retention_days)?,
            };
            let answer = client
                .patch(&format!("/api/v1/jobqueues/{name}"), &body)
                .await?;
            done(&answer, json_output, &format!("job queue {name} changed"));
        }
        Some(QueuesAction::Delete { name }) => {
            client
                .call(Method::DELETE, &format!("/api/v1/jobqueues/{name}"), None)
                .await?;
            println!("job queue {name} deleted");
        }
    }
    Ok(0)
}

/// `warren groups`.
pub async fn groups(
    client: &ApiClient,
    json_output: bool,
    action: Option<GroupsAction>,
) -> anyhow::Result<i32> {
    match action {
        None => {
            let answer: Value = client.get("/api/v1/jobgroups").await?;
            table(
                &answer,
                json_output,
                "a list of job groups",
                &["ID", "TITLE", "USER", "CREATED"],
                |list: GroupList| {
                    list.jobgroups
                        .into_iter()
                        .map(|group| {
                            vec![
                                group.id.to_string(),
                                group.title,
                                cell(group.user),
                                group.time_created,
                            ]
                        })
                        .collect()
                },
            )?;
        }
        Some(GroupsAction::Add { title }) => {
            let answer: Value = client
                .post("/api/v1/jobgroups", &NewGroup { title, user: None })
                .await?;
            done(
                &answer,
                json_output,
                &format!("job group {} created", text(&answer, "id")),
            );
        }
        Some(GroupsAction::Show { group_id }) => {
            let answer: Value = client.get(&format!("/api/v1/jobgroups/{group_id}")).await?;
            println!(
                "{}",
                if json_output {
                    answer.to_string()
                } else {
                    serde_json::to_string_pretty(&answer)?
                }
            );
        }
    }
    Ok(0)
}

/// `warren tags`.
pub async fn tags(
    client: &ApiClient,
    json_output: bool,
    action: Option<TagsAction>,
) -> anyhow::Result<i32> {
    match action {
        None => {
            let answer: Value = client.get("/api/v1/tags").await?;
            table(
                &answer,
                json_output,
                "a list of tags",
                &["TAG", "AGENTS", "JOBS"],
                |list: TagList| {
                    list.tags
                        .into_iter()
                        .map(|tag| vec![tag.name, tag.agents.to_string(), tag.jobs.to_string()])
                        .collect()
                },
            )?;
        }
        Some(TagsAction::Add { name }) => {
            let answer: Value = client
                .post("/api/v1/tags", &NewTag { name: name.clone() })
                .await?;
            done(&answer, json_output, &format!("tag {name} created"));
        }
        Some(TagsAction::Show { name }) => {
            let answer: Value = client.get(&format!("/api/v1/tags/{name}")).await?;
            println!(
                "{}",
                if json_output {
                    answer.to_string()
                } else {
                    serde_json::to_string_pretty(&answer)?
                }
            );
        }
        Some(TagsAction::Delete { name }) => {
            client
                .call(Method::DELETE, &format!("/api/v1/tags/{name}"), None)
                .await?;
            println!("tag {name} deleted");
        }
    }
    Ok(0)
}

/// `warren software`.
pub async fn software(
    client: &ApiClient,
    json_output: bool,
    action: Option<SoftwareAction>,
) -> anyhow::Result<i32> {
    match action {
        None => {
            let answer: Value = client.get("/api/v1/software").await?;
            table(
                &answer,
                json_output,
                "a list of software",
                &["SOFTWARE", "VERSION", "AGENTS", "CATALOGUE"],
                |list: SoftwareList| {
                    list.software
                        .into_iter()
                        .flat_map(|software| {
                            software.versions.into_iter().map(move |version| {
                                vec![
                                    software.name.clone(),
                                    version.version,
                                    version.agents.to_string(),
                                    if version.catalogued { "yes" } else { "-" }.to_owned(),
                                ]
                            })
                        })
                        .collect()
                },
            )?;
        }
        Some(SoftwareAction::Show { name }) => {
            let answer: Value = client.get(&format!("/api/v1/software/{name}")).await?;
            if json_output {
                println!("{answer}");
            } else {
                let detail: SoftwareDetail = serde_json::from_value(answer)
                    .map_err(|error| anyhow::anyhow!("the master sent a bad answer: {error}"))?;
                print_software(&detail);
            }
        }
        Some(SoftwareAction::Define {
            name,
            file,
            version,
            os,
            command,
            expect,
            regex,
            path,
        }) => {
            let versions = match (file, version) {
                (Some(file), None) => read_software_file(&file)?,
                (None, Some(version)) => {
                    let one = SoftwareVersionDefinition {
                        version,
                        checks: std::collections::BTreeMap::from([(
                            os.clone(),
                            DiscoveryCheck {
                                command: command.split_whitespace().map(str::to_owned).collect(),
                                expect,
                                regex,
                            },
                        )]),
                        paths: path
                            .map(|path| std::collections::BTreeMap::from([(os, path)]))
                            .unwrap_or_default(),
                    };
                    // Keep the other versions the catalogue holds.
                    let mut versions = match client
                        .get::<SoftwareDetail>(&format!("/api/v1/software/{name}"))
                        .await
                    {
                        Ok(detail) => detail
                            .definition
                            .map(|held| held.versions)
                            .unwrap_or_default(),
                        Err(crate::client::ClientError::Api { status, .. })
                            if status == reqwest::StatusCode::NOT_FOUND =>
                        {
                            Vec::new()
                        }
                        Err(error) => return Err(error.into()),
                    };
                    versions.retain(|held| held.version != one.version);
                    versions.push(one);
                    versions
                }
                _ => anyhow::bail!("give either --file or --version (with --command)"),
            };
            let body = serde_json::to_value(SoftwareVersions { versions })?;
            let answer = client
                .call(
                    Method::PUT,
                    &format!("/api/v1/software/{name}"),
                    Some(&body),
                )
                .await?;
            done(
                &answer,
                json_output,
                &format!("software {name} defined; agents check for it again"),
            );
        }
        Some(SoftwareAction::Remove { name }) => {
            client
                .call(Method::DELETE, &format!("/api/v1/software/{name}"), None)
                .await?;
            println!("software {name} removed from the catalogue");
        }
    }
    Ok(0)
}

/// Read a catalogue definition: TOML or JSON with a `versions` list.
fn read_software_file(file: &std::path::Path) -> anyhow::Result<Vec<SoftwareVersionDefinition>> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| anyhow::anyhow!("cannot read {}: {error}", file.display()))?;
    let parsed: SoftwareVersions = if file.extension().is_some_and(|ext| ext == "json") {
        serde_json::from_str(&text)
            .map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?
    } else {
        toml::from_str(&text).map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?
    };
    Ok(parsed.versions)
}

fn print_software(detail: &SoftwareDetail) {
    println!("{}", detail.name);
    for version in &detail.versions {
        let agents: Vec<&str> = version
            .agents
            .iter()
            .map(|agent| agent.hostname.as_str())
            .collect();
        println!(
            "  {}{}: {} agent(s){}",
            version.version,
            if version.catalogued {
                " (catalogue)"
            } else {
                ""
            },
            agents.len(),
            if agents.is_empty() {
                String::new()
            } else {
                format!(" — {}", agents.join(", "))
            }
        );
    }
    if let Some(definition) = &detail.definition {
        for version in &definition.versions {
            for (os, check) in &version.checks {
                let mut line = format!(
                    "  check {} on {os}: {}",
                    version.version,
                    check.command.join(" ")
                );
                if let Some(expect) = &check.expect {
                    line.push_str(&format!(" (expect {expect:?})"));
                }
                if let Some(regex) = &check.regex {
                    line.push_str(&format!(" (regex {regex:?})"));
                }
                if let Some(path) = version.paths.get(os) {
                    line.push_str(&format!(" at {path}"));
                }
                println!("{line}");
            }
        }
    }
}

/// `warren pathmaps`.
pub async fn pathmaps(
    client: &ApiClient,
    json_output: bool,
    action: Option<PathmapsAction>,
) -> anyhow::Result<i32> {
    match action {
        None => {
            let answer: Value = client.get("/api/v1/pathmaps").await?;
            table(
                &answer,
                json_output,
                "a list of path maps",
                &["ID", "LINUX", "WINDOWS", "MACOS", "TAG"],
                |list: PathMapList| {
                    list.pathmaps
                        .into_iter()
                        .map(|map| {
                            vec![
                                map.id.to_string(),
                                cell(map.path_linux),
                                cell(map.path_windows),
                                cell(map.path_macos),
                                cell(map.tag),
                            ]
                        })
                        .collect()
                },
            )?;
        }
        Some(PathmapsAction::Add {
            linux,
            windows,
            macos,
            tag,
        }) => {
            let body = PathMapBody {
                path_linux: linux,
                path_windows: windows,
                path_macos: macos,
                tag,
            };
            let answer: Value = client.post("/api/v1/pathmaps", &body).await?;
            done(
                &answer,
                json_output,
                &format!("path map {} created", text(&answer, "id")),
            );
        }
        Some(PathmapsAction::Delete { map_id }) => {
            client
                .call(Method::DELETE, &format!("/api/v1/pathmaps/{map_id}"), None)
                .await?;
            println!("path map {map_id} deleted");
        }
    }
    Ok(0)
}

/// `warren agents <action>`.
pub async fn agent_action(
    client: &ApiClient,
    json_output: bool,
    action: AgentsAction,
) -> anyhow::Result<i32> {
    let (agent_id, body, message) = match action {
        AgentsAction::Show { agent_id } => {
            let answer: Value = client.get(&format!("/api/v1/agents/{agent_id}")).await?;
            println!(
                "{}",
                if json_output {
                    answer.to_string()
                } else {
                    serde_json::to_string_pretty(&answer)?
                }
            );
            return Ok(0);
        }
        AgentsAction::Forget { agent_id } => {
            client
                .call(Method::DELETE, &format!("/api/v1/agents/{agent_id}"), None)
                .await?;
            println!("agent {agent_id} forgotten");
            return Ok(0);
        }
        AgentsAction::Enroll {
            name,
            tags,
            expires_in_secs,
            discover,
        } => {
            let body = EnrollBody {
                name,
                tags: (!tags.is_empty()).then_some(tags),
                expires_in_secs: Some(expires_in_secs),
                discover,
            };
            let answer: Value = client.post("/api/v1/agents/enroll", &body).await?;
            if json_output {
                println!("{answer}");
            } else {
                println!("{}", text(&answer, "token"));
                eprintln!(
                    "agent {} enrolled; the token works once, until {}. On the node run:\n  warren-worker join <TOKEN> --dir /var/lib/warren-worker",
                    text(&answer, "agent_id"),
                    text(&answer, "expires_at")
                );
            }
            return Ok(0);
        }
        AgentsAction::Revoke { agent_id } => {
            let answer = client
                .call(
                    Method::POST,
                    &format!("/api/v1/agents/{agent_id}/revoke"),
                    None,
                )
                .await?;
            done(
                &answer,
                json_output,
                &format!(
                    "agent {agent_id} revoked: {} running tasks queued again, {} connections closed",
                    text(&answer, "released_tasks"),
                    text(&answer, "closed_connections")
                ),
            );
            return Ok(0);
        }
        AgentsAction::Restarts => {
            let answer: Value = client.get("/api/v1/agents/restarts").await?;
            table(
                &answer,
                json_output,
                "a list of restarts",
                &["AGENT", "BATCH", "STATE", "SENT", "DONE", "VERSION"],
                |list: warren_api::RestartList| {
                    list.restarts
                        .into_iter()
                        .map(|restart| {
                            vec![
                                restart.agent_id,
                                restart.batch.to_string(),
                                restart.state,
                                cell(restart.sent_at),
                                cell(restart.done_at),
                                format!(
                                    "{} -> {}",
                                    restart.version_before.unwrap_or_default(),
                                    restart.version_after.unwrap_or_default()
                                ),
                            ]
                        })
                        .collect()
                },
            )?;
            return Ok(0);
        }
        AgentsAction::Restart {
            agent_ids,
            all,
            max_at_once,
            now,
        } => {
            let body = RestartBody {
                agents: agent_ids,
                all,
                max_at_once: i32::try_from(max_at_once)
                    .map_err(|_| anyhow::anyhow!("--max-at-once {max_at_once} is too large"))?,
                now,
            };
            let answer: Value = client.post("/api/v1/agents/restart", &body).await?;
            let agents = answer["agents"].as_array().map_or(0, Vec::len);
            done(
                &answer,
                json_output,
                &format!(
                    "restart {}: {agents} agent(s), {max_at_once} at a time (see `warren agents restarts`)",
                    text(&answer, "batch")
                ),
            );
            return Ok(0);
        }
        AgentsAction::Disable { agent_id } => (
            agent_id,
            AgentPatch {
                disabled: Some(true),
                ..AgentPatch::default()
            },
            "disabled",
        ),
        AgentsAction::Enable { agent_id } => (
            agent_id,
            AgentPatch {
                disabled: Some(false),
                ..AgentPatch::default()
            },
            "enabled",
        ),
        AgentsAction::Tags {
            agent_id,
            tags,
            reset,
        } => {
            let patch = AgentPatch {
                tags: Some((!reset).then_some(tags)),
                ..AgentPatch::default()
            };
            (agent_id, patch, "retagged")
        }
    };
    let answer = client
        .patch(&format!("/api/v1/agents/{agent_id}"), &body)
        .await?;
    done(&answer, json_output, &format!("agent {agent_id} {message}"));
    Ok(0)
}
