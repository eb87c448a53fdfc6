//! The `warren` command line client: submit jobs, follow them, read logs, list agents.

pub mod client;
mod resources;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use serde_json::{Value, json};

use client::ApiClient;
use warren_api::domain::LimitName;
use warren_api::requests::{
    JobPatch, NewToken, NewUser, SoftwareRequirementInput, TagRequirementInput, TaskAction,
    TaskActionBody, UserPatch,
};
use warren_api::{AgentList, JobPage, JobView, MeView, TaskActionAnswer, TaskPage};

/// Drive a Warren farm from the command line.
#[derive(Debug, Parser)]
#[command(name = "warren", version, about, long_about = None)]
pub struct Cli {
    /// The master's URL [default: `$WARREN_MASTER`, else the config file's `url`, else
    /// http://127.0.0.1:8420].
    #[arg(long, visible_alias = "master", global = true, env = "WARREN_URL")]
    pub url: Option<String>,

    /// API token [default: the config file's `token`].
    #[arg(long, global = true, env = "WARREN_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Config file with `url` and `token` [default: ~/.config/warren/config.toml].
    #[arg(long, global = true, env = "WARREN_CONFIG")]
    pub config: Option<PathBuf>,

    /// Print the API's JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: CliCommand,
}

/// The client's subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Submit a job: `warren submit --title render --end 100 -- blender -b scene.blend -f {frame}`.
    Submit(Box<SubmitArgs>),
    /// List jobs, newest first.
    Jobs(JobsArgs),
    /// Show one job.
    Job {
        /// Job id.
        job_id: i64,
    },
    /// List a job's tasks.
    Tasks {
        /// Job id.
        job_id: i64,
        /// Only tasks in these states (comma-separated).
        #[arg(long)]
        state: Option<String>,
    },
    /// Print a task's log.
    Log {
        /// Job id.
        job_id: i64,
        /// Task id.
        task_id: i64,
        /// Attempt; the latest when omitted.
        #[arg(long)]
        attempt: Option<i32>,
        /// CSV with timestamp, stream, line number, pid and message.
        #[arg(long, conflicts_with = "follow")]
        csv: bool,
        /// Keep printing new lines until the attempt ends; exits 1 unless it ended `done`.
        #[arg(short, long)]
        follow: bool,
    },
    /// List agents, or act on one.
    Agents {
        /// What to do; lists agents when omitted.
        #[command(subcommand)]
        action: Option<resources::AgentsAction>,
    },
    /// List job queues, or add, change or delete one.
    Queues {
        /// What to do; lists queues when omitted.
        #[command(subcommand)]
        action: Option<resources::QueuesAction>,
    },
    /// List job groups, or add or show one.
    Groups {
        /// What to do; lists groups when omitted.
        #[command(subcommand)]
        action: Option<resources::GroupsAction>,
    },
    /// List tags with their agent and job counts, or add, show or delete one.
    Tags {
        /// What to do; lists tags when omitted.
        #[command(subcommand)]
        action: Option<resources::TagsAction>,
    },
    /// Software the catalogue defines or the workers found, by version; or define, show or
    /// remove a catalogue entry (admins).
    Software {
        /// What to do; lists software when omitted.
        #[command(subcommand)]
        action: Option<resources::SoftwareAction>,
    },
    /// List path maps, or add or delete one.
    Pathmaps {
        /// What to do; lists path maps when omitted.
        #[command(subcommand)]
        action: Option<resources::PathmapsAction>,
    },
    /// List the events the master could not apply, or replay or delete one (admins).
    DeadLetters {
        /// What to do; lists dead letters when omitted.
        #[command(subcommand)]
        action: Option<resources::DeadLettersAction>,
    },
    /// List job queues' autoscalers with their nodes, set or delete one, or show the latest
    /// scaling decisions.
    Autoscale {
        /// What to do; lists autoscalers when omitted.
        #[command(subcommand)]
        action: Option<resources::AutoscaleAction>,
    },
    /// List webhooks, add or delete one, list its deliveries or send one again (admins).
    Webhooks {
        /// What to do; lists webhooks when omitted.
        #[command(subcommand)]
        action: Option<resources::WebhooksAction>,
    },
    /// Hold a job's waiting tasks; running ones finish.
    Pause {
        /// Job id.
        job_id: i64,
    },
    /// Let a paused job's tasks run again.
    Resume {
        /// Job id.
        job_id: i64,
    },
    /// Cancel a job; its running tasks are stopped.
    Cancel {
        /// Job id.
        job_id: i64,
    },
    /// Run every task of a job again.
    Rerun {
        /// Job id.
        job_id: i64,
    },
    /// Run a job's failed and cancelled tasks again.
    RerunFailed {
        /// Job id.
        job_id: i64,
    },
    /// Run one task again.
    RerunTask {
        /// Job id.
        job_id: i64,
        /// Task id.
        task_id: i64,
    },
    /// Change a job: its scheduling (priority, weight, queue, title) or what its tasks need and
    /// carry (CPUs, RAM, tag and software requirements, limits, timeouts, environment, job type
    /// version). Tasks already published are withdrawn and published again.
    Set(JobChanges),
    /// Act on single tasks of a job: `kill` (stop the running attempt, record it failed),
    /// `skip` (mark done without running), `fail` (mark failed) or `retry` (run again now).
    Task {
        /// kill, skip, fail or retry.
        #[arg(value_parser = ["kill", "skip", "fail", "retry"])]
        action: String,
        /// Job id.
        job_id: i64,
        /// Task ids.
        #[arg(required = true)]
        tasks: Vec<i64>,
        /// Why, kept in the tasks' history.
        #[arg(long)]
        note: Option<String>,
        /// With `retry`: an agent the tasks must not run on again.
        #[arg(long)]
        avoid_agent: Option<String>,
    },
    /// Who the master says you are.
    Whoami,
    /// Print a shell completion script: `warren completions bash > /etc/bash_completion.d/warren`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// List job types, or show, create, version or delete one.
    Jobtypes {
        /// What to do; lists job types when omitted.
        #[command(subcommand)]
        action: Option<JobtypesAction>,
    },
    /// Move a job to the newest version of its job type (tasks dispatched from now on).
    UpgradeJobtype {
        /// Job id.
        job_id: i64,
    },
    /// List users (admin), or add, change or remove one.
    Users {
        /// What to do; lists users when omitted.
        #[command(subcommand)]
        action: Option<UsersAction>,
    },
    /// Your API tokens (or another user's, for an admin).
    Tokens {
        /// What to do; lists tokens when omitted.
        #[command(subcommand)]
        action: Option<TokensAction>,
        /// Whose tokens; yours when omitted.
        #[arg(long, global = true)]
        user: Option<String>,
    },
    /// Delete a job, its tasks and logs; running tasks are stopped.
    Delete {
        /// Job id.
        job_id: i64,
    },
}

/// `warren users` actions.
#[derive(Debug, Subcommand)]
pub enum UsersAction {
    /// Create a user.
    Add {
        /// User name.
        name: String,
        /// viewer, submitter, operator or admin.
        #[arg(long, default_value = "submitter")]
        role: String,
        /// Email address for job notifications.
        #[arg(long)]
        email: Option<String>,
        /// Read a password from the first line of standard input (else: tokens only).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change a user's role, password or state.
    Set {
        /// User name.
        name: String,
        /// New role.
        #[arg(long)]
        role: Option<String>,
        /// Read a new password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Disable the user: their tokens and sessions stop working.
        #[arg(long, conflicts_with = "enable")]
        disable: bool,
        /// Enable a disabled user.
        #[arg(long)]
        enable: bool,
    },
    /// Delete a user with their tokens.
    Remove {
        /// User name.
        name: String,
    },
}

/// `warren jobtypes` actions.
#[derive(Debug, Subcommand)]
pub enum JobtypesAction {
    /// Show a job type (its newest version, or `--version N`).
    Show {
        /// Job type name.
        name: String,
        /// Version.
        #[arg(long)]
        version: Option<i32>,
    },
    /// Create a job type from a TOML or JSON definition (see the README).
    Create {
        /// The definition file.
        file: PathBuf,
    },
    /// Make a new version of a job type from a definition file.
    Update {
        /// Job type name.
        name: String,
        /// The definition file.
        file: PathBuf,
    },
    /// Delete a job type no job uses.
    Delete {
        /// Job type name.
        name: String,
    },
}

/// `warren tokens` actions.
#[derive(Debug, Subcommand)]
pub enum TokensAction {
    /// Make a token and print it (shown only this once).
    Create {
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Revoke a token: it stops working at once.
    Revoke {
        /// Token id (from `warren tokens`).
        token_id: i64,
    },
}

/// Filters of `warren jobs`.
#[derive(Debug, Args)]
pub struct JobsArgs {
    /// Only jobs in these states (comma-separated).
    #[arg(long)]
    pub state: Option<String>,
    /// Only jobs whose title contains this.
    #[arg(long)]
    pub title: Option<String>,
    /// Only jobs of this user.
    #[arg(long)]
    pub user: Option<String>,
    /// Only jobs in this queue.
    #[arg(long)]
    pub queue: Option<String>,
    /// Order by `id`, `title`, `priority` or `state`; a leading `-` for descending.
    #[arg(long, allow_hyphen_values = true)]
    pub sort: Option<String>,
    /// How many.
    #[arg(long, default_value_t = 50)]
    pub limit: u64,
}

/// Where the config file is when `--config` and `WARREN_CONFIG` name none:
/// `$XDG_CONFIG_HOME/warren/config.toml`, else `~/.config/warren/config.toml`.
#[must_use]
pub fn default_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("warren").join("config.toml"))
}

impl Cli {
    /// `WARREN_MASTER` (the variable scripts of older farms set) names the master when neither
    /// `--url` nor `WARREN_URL` does, ahead of the config file.
    pub fn apply_master_variable(&mut self, settings: &[warren_config::Setting]) {
        let given = settings.iter().any(|setting| {
            setting.name == "url"
                && matches!(
                    setting.source,
                    warren_config::Source::Flag | warren_config::Source::Env
                )
        });
        if !given && let Ok(master) = std::env::var("WARREN_MASTER") {
            self.url = Some(master);
        }
    }

    /// The client for the master (settings already merged: flags, variables, the config file).
    pub fn client(&self) -> anyhow::Result<ApiClient> {
        let url = self
            .url
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1:8420".to_owned());
        Ok(ApiClient::new(&url, self.token.as_deref())?)
    }
}

/// A job file or job type definition: TOML when the name ends in `.toml`, else JSON.
fn read_document(path: &std::path::Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    if path
        .extension()
        .is_some_and(|extension| extension == "toml")
    {
        toml::from_str::<Value>(&text)
            .with_context(|| format!("{} is not valid TOML", path.display()))
    } else {
        serde_json::from_str::<Value>(&text)
            .with_context(|| format!("{} is not valid JSON", path.display()))
    }
}

fn read_stdin_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Options of `warren submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// A job file (JSON, the body of `POST /api/v1/jobs`); flags override its fields.
    #[arg(long, short = 'f')]
    pub file: Option<PathBuf>,
    /// Title.
    #[arg(long)]
    pub title: Option<String>,
    /// Job type.
    #[arg(long)]
    pub jobtype: Option<String>,
    /// First frame.
    #[arg(long)]
    pub start: Option<i64>,
    /// Last frame.
    #[arg(long)]
    pub end: Option<i64>,
    /// Frame step.
    #[arg(long)]
    pub by: Option<i64>,
    /// Frames per task.
    #[arg(long)]
    pub batch: Option<i64>,
    /// CPUs per task (-1: whole host).
    #[arg(long, allow_hyphen_values = true)]
    pub cpus: Option<i64>,
    /// RAM per task in MB (-1: whole host).
    #[arg(long, allow_hyphen_values = true)]
    pub ram: Option<i64>,
    /// GPUs per task.
    #[arg(long)]
    pub gpus: Option<i64>,
    /// Memory each of those GPUs must have, MB.
    #[arg(long)]
    pub gpu_ram: Option<i64>,
    /// Priority, -1000 to 1000.
    #[arg(long, allow_hyphen_values = true)]
    pub priority: Option<i32>,
    /// Retries per task: 0 never, -1 forever.
    #[arg(long, allow_hyphen_values = true)]
    pub requeue: Option<i32>,
    /// Days its logs are kept after it ends (default: its queue's, else the farm's).
    #[arg(long)]
    pub log_retention_days: Option<i32>,
    /// Job queue.
    #[arg(long)]
    pub queue: Option<String>,
    /// Label the job (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Require a worker tag; `!tag` excludes (repeatable).
    #[arg(long = "require", allow_hyphen_values = true)]
    pub require: Vec<String>,
    /// Require software, e.g. `blender>=3.4` (repeatable).
    #[arg(long = "software")]
    pub software: Vec<String>,
    /// Environment variable `NAME=VALUE` for the task (repeatable).
    #[arg(long = "env")]
    pub env: Vec<String>,
    /// Per-task timeout in seconds.
    #[arg(long)]
    pub timeout: Option<i64>,
    /// Wait for the job to end, showing progress; exit 1 unless it is done.
    #[arg(long)]
    pub wait: bool,
    /// The command to run; `{frame}`, `{start}`, `{end}` are replaced per task.
    #[arg(last = true)]
    pub argv: Vec<String>,
}

impl SubmitArgs {
    /// The request body: the job file's fields, overridden by flags.
    pub fn body(&self) -> anyhow::Result<Value> {
        let mut body = match &self.file {
            Some(path) => read_document(path)?,
            None => json!({}),
        };
        let Some(object) = body.as_object_mut() else {
            bail!("the job file must hold an object")
        };
        let mut set = |key: &str, value: Value| {
            object.insert(key.to_owned(), value);
        };
        if let Some(title) = &self.title {
            set("title", json!(title));
        }
        if let Some(jobtype) = &self.jobtype {
            set("jobtype", json!(jobtype));
        }
        for (key, value) in [
            ("start", self.start),
            ("end", self.end),
            ("by", self.by),
            ("batch", self.batch),
            ("cpus", self.cpus),
            ("ram", self.ram),
            ("gpus", self.gpus),
            ("gpu_ram", self.gpu_ram),
            ("timeout", self.timeout),
        ] {
            if let Some(value) = value {
                set(key, json!(value));
            }
        }
        if let Some(priority) = self.priority {
            set("priority", json!(priority));
        }
        if let Some(requeue) = self.requeue {
            set("requeue", json!(requeue));
        }
        if let Some(days) = self.log_retention_days {
            set("log_retention_days", json!(days));
        }
        if let Some(queue) = &self.queue {
            set("queue", json!(queue));
        }
        if !self.tags.is_empty() {
            set("tags", json!(self.tags));
        }
        if !self.require.is_empty() {
            set("tag_requirements", json!(self.require));
        }
        if !self.software.is_empty() {
            set("software_requirements", json!(self.software));
        }
        if !self.env.is_empty() {
            let mut environ = BTreeMap::new();
            for pair in &self.env {
                let Some((name, value)) = pair.split_once('=') else {
                    bail!("`--env {pair}`: write NAME=VALUE")
                };
                environ.insert(name.to_owned(), value.to_owned());
            }
            set("environ", json!(environ));
        }
        if !self.argv.is_empty() {
            let mut data = object.get("data").cloned().unwrap_or_else(|| json!({}));
            if let Some(data) = data.as_object_mut() {
                data.insert("argv".to_owned(), json!(self.argv));
            }
            object.insert("data".to_owned(), data);
        }
        if !object.contains_key("title") {
            let title = self
                .argv
                .first()
                .cloned()
                .unwrap_or_else(|| "job".to_owned());
            object.insert("title".to_owned(), json!(title));
        }
        if !object.contains_key("start") {
            object.insert("start".to_owned(), json!(1));
        }
        if !object.contains_key("end") {
            let start = object.get("start").cloned().unwrap_or(json!(1));
            object.insert("end".to_owned(), start);
        }
        Ok(body)
    }
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => "-".to_owned(),
        Some(other) => other.to_string(),
    }
}

fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|header| header.len()).collect();
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            widths[column] = widths[column].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(column, cell)| format!("{cell:<width$}", width = widths[column]))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(headers.iter().map(|header| (*header).to_owned()).collect());
    for row in rows {
        line(row.clone());
    }
}

fn job_row(job: &JobView) -> Vec<String> {
    vec![
        job.id.to_string(),
        job.state.clone(),
        format!("{}/{}", job.tasks.done, job.tasks.total),
        job.tasks.running.to_string(),
        job.tasks.failed.to_string(),
        job.priority.to_string(),
        job.title.clone(),
    ]
}

/// An answer the master sent, as the type the API documents for it.
fn typed<T: serde::de::DeserializeOwned>(answer: &Value, what: &str) -> anyhow::Result<T> {
    T::deserialize(answer).with_context(|| format!("the master's answer is not {what}"))
}

/// Run a client command; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    if let CliCommand::Completions { shell } = cli.command {
        let mut command = <Cli as clap::CommandFactory>::command();
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut command, "warren", &mut script);
        // A closed pipe (`| head`) is the reader's choice, not an error.
        let _ = std::io::Write::write_all(&mut std::io::stdout(), &script);
        return Ok(0);
    }
    let client = cli.client()?;
    match cli.command {
        CliCommand::Completions { .. } => Ok(0),
        CliCommand::Whoami => whoami(&client, cli.json).await,
        CliCommand::Users { action } => users_command(&client, cli.json, action).await,
        CliCommand::Jobtypes { action } => jobtypes_command(&client, cli.json, action).await,
        CliCommand::UpgradeJobtype { job_id } => upgrade_jobtype(&client, cli.json, job_id).await,
        CliCommand::Tokens { action, user } => tokens(&client, cli.json, user, action).await,
        CliCommand::Submit(args) => submit(&client, cli.json, args).await,
        CliCommand::Jobs(listing) => list_jobs(&client, cli.json, listing).await,
        CliCommand::Job { job_id } => show_job(&client, cli.json, job_id).await,
        CliCommand::Tasks { job_id, state } => list_tasks(&client, cli.json, job_id, state).await,
        CliCommand::Log {
            job_id,
            task_id,
            attempt,
            follow: true,
            ..
        } => follow_log(&client, cli.json, job_id, task_id, attempt).await,
        CliCommand::Log {
            job_id,
            task_id,
            attempt,
            csv,
            follow: false,
        } => print_log(&client, job_id, task_id, attempt, csv).await,
        CliCommand::Agents {
            action: Some(action),
        } => resources::agent_action(&client, cli.json, action).await,
        CliCommand::Queues { action } => resources::queues(&client, cli.json, action).await,
        CliCommand::Groups { action } => resources::groups(&client, cli.json, action).await,
        CliCommand::Tags { action } => resources::tags(&client, cli.json, action).await,
        CliCommand::Software { action } => resources::software(&client, cli.json, action).await,
        CliCommand::Pathmaps { action } => resources::pathmaps(&client, cli.json, action).await,
        CliCommand::Webhooks { action } => resources::webhooks(&client, cli.json, action).await,
        CliCommand::DeadLetters { action } => {
            resources::dead_letters(&client, cli.json, action).await
        }
        CliCommand::Autoscale { action } => resources::autoscale(&client, cli.json, action).await,
        CliCommand::Agents { action: None } => list_agents(&client, cli.json).await,
        CliCommand::Pause { job_id } => job_action(&client, cli.json, job_id, "pause").await,
        CliCommand::Resume { job_id } => job_action(&client, cli.json, job_id, "resume").await,
        CliCommand::Cancel { job_id } => job_action(&client, cli.json, job_id, "cancel").await,
        CliCommand::Rerun { job_id } => job_action(&client, cli.json, job_id, "rerun").await,
        CliCommand::RerunFailed { job_id } => {
            job_action(&client, cli.json, job_id, "rerun_failed").await
        }
        CliCommand::RerunTask { job_id, task_id } => {
            job_action(&client, cli.json, job_id, &format!("tasks/{task_id}/rerun")).await
        }
        CliCommand::Set(changes) => set_job(&client, cli.json, &changes).await,
        CliCommand::Task {
            action,
            job_id,
            tasks,
            note,
            avoid_agent,
        } => {
            act_on_tasks(
                &client,
                cli.json,
                &action,
                job_id,
                &tasks,
                note,
                avoid_agent,
            )
            .await
        }
        CliCommand::Delete { job_id } => delete_job(&client, job_id).await,
    }
}

/// What `warren set` changes; what is not given stays as it is.
#[derive(Debug, Clone, Args)]
pub struct JobChanges {
    /// Job id.
    job_id: i64,
    /// New priority, -1000 to 1000.
    #[arg(long, allow_hyphen_values = true)]
    priority: Option<i32>,
    /// New weight.
    #[arg(long)]
    weight: Option<i32>,
    /// Move to this job queue.
    #[arg(long)]
    queue: Option<String>,
    /// New title.
    #[arg(long)]
    title: Option<String>,
    /// CPUs each task needs (-1: the whole host).
    #[arg(long, allow_hyphen_values = true)]
    cpus: Option<i64>,
    /// RAM each task needs, MB (-1: the whole host).
    #[arg(long, allow_hyphen_values = true)]
    ram: Option<i64>,
    /// GPUs each task needs.
    #[arg(long)]
    gpus: Option<i64>,
    /// Memory each of those GPUs must have, MB.
    #[arg(long)]
    gpu_ram: Option<i64>,
    /// A tag agents must have (`!tag`: must not have); repeat; replaces the job's.
    #[arg(long = "require")]
    tag_requirements: Vec<String>,
    /// Software with optional bounds (`blender>=4.1`); repeat; replaces the job's.
    #[arg(long = "software")]
    software_requirements: Vec<String>,
    /// A limit each task holds; repeat; replaces the job's.
    #[arg(long = "limit")]
    limits: Vec<String>,
    /// Seconds after which a task is killed.
    #[arg(long)]
    timeout: Option<i64>,
    /// MB of memory at which a task is killed.
    #[arg(long)]
    ram_max: Option<i64>,
    /// MB of memory at which a task's log warns.
    #[arg(long)]
    ram_warning: Option<i64>,
    /// Retries of a failed task (-1: forever).
    #[arg(long, allow_hyphen_values = true)]
    requeue: Option<i32>,
    /// An environment variable, `NAME=value`; repeat; replaces the job's.
    #[arg(long = "env")]
    environ: Vec<String>,
    /// Pin this version of the job's job type.
    #[arg(long)]
    jobtype_version: Option<i32>,
    /// A tag shown on the job (not a requirement); repeat; replaces the job's.
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// `true`: a failed batch runs all its frames again; `false`: from the frame that failed.
    #[arg(long)]
    rerun_whole_batch: Option<bool>,
    /// Remove a setting: `timeout`, `ram_max` or `ram_warning`; repeat.
    #[arg(long, value_parser = ["timeout", "ram_max", "ram_warning"])]
    unset: Vec<String>,
    /// Days its logs are kept after it ends (a negative number: its queue's, else the
    /// farm's).
    #[arg(long, allow_negative_numbers = true)]
    log_retention_days: Option<i32>,
    /// Stop running tasks and run them again with the change (not counted as failures).
    #[arg(long)]
    restart_running: bool,
}

impl JobChanges {
    /// The `PATCH` body; a value out of range is refused here, naming its option.
    fn body(&self) -> anyhow::Result<JobPatch> {
        use resources::checked;
        let mut environ = BTreeMap::new();
        for pair in &self.environ {
            let Some((name, value)) = pair.split_once('=') else {
                bail!("--env takes NAME=value, not `{pair}`");
            };
            environ.insert(name.to_owned(), value.to_owned());
        }
        let given = |values: &[String]| (!values.is_empty()).then(|| values.to_vec());
        let mut patch = JobPatch {
            priority: checked("priority", self.priority)?,
            weight: checked("weight", self.weight)?,
            queue: self.queue.clone(),
            title: checked("title", self.title.clone())?,
            cpus: self.cpus,
            ram: self.ram,
            gpus: self.gpus,
            gpu_ram: self.gpu_ram,
            timeout: self.timeout.map(Some),
            ram_max: self.ram_max.map(Some),
            ram_warning: self.ram_warning.map(Some),
            requeue: self.requeue,
            jobtype_version: self.jobtype_version,
            // A negative number: the queue's, else the farm's.
            log_retention_days: match self.log_retention_days {
                Some(days) if days < 0 => Some(None),
                days => checked("log-retention-days", days)?.map(Some),
            },
            rerun_whole_batch: self.rerun_whole_batch,
            tag_requirements: given(&self.tag_requirements)
                .map(|tags| tags.into_iter().map(TagRequirementInput::Name).collect()),
            software_requirements: given(&self.software_requirements).map(|software| {
                software
                    .into_iter()
                    .map(SoftwareRequirementInput::Compact)
                    .collect()
            }),
            limits: given(&self.limits)
                .map(|limits| {
                    limits
                        .into_iter()
                        .map(|limit| {
                            LimitName::try_from(limit)
                                .map_err(|error| anyhow::anyhow!("--limit {error}"))
                        })
                        .collect::<anyhow::Result<Vec<_>>>()
                })
                .transpose()?,
            tags: given(&self.tags),
            environ: (!environ.is_empty()).then_some(environ),
            ..JobPatch::default()
        };
        for key in &self.unset {
            let field = match key.as_str() {
                "timeout" => &mut patch.timeout,
                "ram_max" => &mut patch.ram_max,
                "ram_warning" => &mut patch.ram_warning,
                other => bail!("--unset takes timeout, ram_max or ram_warning, not `{other}`"),
            };
            if field.is_some() {
                bail!(
                    "--unset {key} and --{} contradict each other",
                    key.replace('_', "-")
                );
            }
            *field = Some(None);
        }
        if serde_json::to_value(&patch)?
            .as_object()
            .is_none_or(serde_json::Map::is_empty)
        {
            bail!("nothing to change: give at least one setting (see `warren set --help`)");
        }
        patch.restart_running = self.restart_running;
        Ok(patch)
    }
}

/// `warren task`.
async fn act_on_tasks(
    client: &ApiClient,
    json: bool,
    action: &str,
    job_id: i64,
    tasks: &[i64],
    note: Option<String>,
    avoid_agent: Option<String>,
) -> anyhow::Result<i32> {
    let body = TaskActionBody {
        action: TaskAction::from_name(action)
            .with_context(|| format!("no task action `{action}`: kill, skip, fail or retry"))?,
        tasks: tasks.to_vec(),
        note: note.unwrap_or_default(),
        avoid_agent,
    };
    let answer: Value = client
        .post(&format!("/api/v1/jobs/{job_id}/tasks/actions"), &body)
        .await?;
    if json {
        println!("{answer}");
        return Ok(0);
    }
    let answer: TaskActionAnswer = typed(&answer, "an action's answer")?;
    println!(
        "{action}: {} task(s) of job {job_id} changed",
        answer.changed.len()
    );
    for unchanged in &answer.unchanged {
        println!("task {} unchanged: {}", unchanged.task_id, unchanged.reason);
    }
    Ok(0)
}

/// `warren delete`.
async fn delete_job(client: &ApiClient, job_id: i64) -> anyhow::Result<i32> {
    client
        .call(
            client::Method::DELETE,
            &format!("/api/v1/jobs/{job_id}"),
            None,
        )
        .await?;
    println!("deleted job {job_id}");
    Ok(0)
}

/// `warren whoami`.
async fn whoami(client: &ApiClient, json: bool) -> anyhow::Result<i32> {
    let answer: Value = client.get("/api/v1/auth/me").await?;
    if json {
        println!("{answer}");
    } else {
        let me: MeView = typed(&answer, "a user")?;
        println!("{} ({}, via {})", me.username, me.role, me.auth);
    }
    Ok(0)
}

/// `warren upgrade-jobtype`.
async fn upgrade_jobtype(client: &ApiClient, json: bool, job_id: i64) -> anyhow::Result<i32> {
    let answer: Value = client
        .post(
            &format!("/api/v1/jobs/{job_id}/upgrade_jobtype"),
            &json!({}),
        )
        .await?;
    if json {
        println!("{answer}");
    } else {
        println!(
            "job {job_id}: job type version {} -> {}",
            text(&answer, "from_version"),
            text(&answer, "jobtype_version")
        );
    }
    Ok(0)
}

/// `warren tokens`: yours, or `--user`'s.
async fn tokens(
    client: &ApiClient,
    json: bool,
    user: Option<String>,
    action: Option<TokensAction>,
) -> anyhow::Result<i32> {
    let user = match user {
        Some(user) => user,
        None => {
            let me: Value = client.get("/api/v1/auth/me").await?;
            text(&me, "username")
        }
    };
    tokens_command(client, json, &user, action).await
}

/// `warren submit`, then with `--wait` follow the job to its end.
async fn submit(client: &ApiClient, json: bool, args: Box<SubmitArgs>) -> anyhow::Result<i32> {
    let body = args.body()?;
    let answer: Value = client.post("/api/v1/jobs", &body).await?;
    let job: JobView = typed(&answer, "a job")?;
    let job_id = job.id;
    if json {
        println!("{answer}");
    } else {
        println!("submitted job {job_id} ({} tasks)", job.tasks.total);
    }
    if args.wait {
        return wait_for_job(client, job_id).await;
    }
    Ok(0)
}

/// `warren jobs`.
async fn list_jobs(client: &ApiClient, json: bool, listing: JobsArgs) -> anyhow::Result<i32> {
    let mut path = format!("/api/v1/jobs?limit={}", listing.limit);
    for (name, value) in [
        ("state", listing.state),
        ("title", listing.title),
        ("user", listing.user),
        ("queue", listing.queue),
        ("sort", listing.sort),
    ] {
        if let Some(value) = value {
            let value =
                percent_encoding::utf8_percent_encode(&value, percent_encoding::NON_ALPHANUMERIC);
            path.push_str(&format!("&{name}={value}"));
        }
    }
    let answer: Value = client.get(&path).await?;
    if json {
        println!("{answer}");
    } else {
        let page: JobPage = typed(&answer, "a page of jobs")?;
        let rows: Vec<Vec<String>> = page.jobs.iter().map(job_row).collect();
        print_table(
            &[
                "ID", "STATE", "DONE", "RUNNING", "FAILED", "PRIORITY", "TITLE",
            ],
            &rows,
        );
    }
    Ok(0)
}

/// `warren job`.
async fn show_job(client: &ApiClient, json: bool, job_id: i64) -> anyhow::Result<i32> {
    let answer: Value = client.get(&format!("/api/v1/jobs/{job_id}")).await?;
    if json {
        println!("{answer}");
    } else {
        let job: JobView = typed(&answer, "a job")?;
        print_table(
            &[
                "ID", "STATE", "DONE", "RUNNING", "FAILED", "PRIORITY", "TITLE",
            ],
            &[job_row(&job)],
        );
        println!();
        for key in [
            "jobtype",
            "queue",
            "class",
            "start",
            "end",
            "by",
            "batch",
            "time_submitted",
            "time_started",
            "time_finished",
        ] {
            println!("{key:>15}: {}", text(&answer, key));
        }
        for (key, label) in [
            ("weight", "weight"),
            ("parents", "parents"),
            ("limits", "limits"),
            ("blocked_reason", "waiting because"),
        ] {
            let value = &answer[key];
            let empty = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
            if !empty {
                println!("{label:>15}: {}", text(&answer, key));
            }
        }
    }
    Ok(0)
}

/// `warren tasks`.
async fn list_tasks(
    client: &ApiClient,
    json: bool,
    job_id: i64,
    state: Option<String>,
) -> anyhow::Result<i32> {
    let mut path = format!("/api/v1/jobs/{job_id}/tasks");
    if let Some(state) = state {
        path.push_str(&format!("?state={state}"));
    }
    let answer: Value = client.get(&path).await?;
    if json {
        println!("{answer}");
    } else {
        let page: TaskPage = typed(&answer, "a page of tasks")?;
        let or_dash = |text: Option<String>| text.unwrap_or_else(|| "-".to_owned());
        let rows: Vec<Vec<String>> = page
            .tasks
            .into_iter()
            .map(|task| {
                vec![
                    task.id.to_string(),
                    format!("{}-{}", task.frame_first, task.frame_last),
                    task.state,
                    task.attempts.to_string(),
                    or_dash(task.exit_code.map(|code| code.to_string())),
                    or_dash(task.agent_id),
                    or_dash(task.last_error),
                ]
            })
            .collect();
        print_table(
            &[
                "ID", "FRAMES", "STATE", "ATTEMPTS", "EXIT", "AGENT", "ERROR",
            ],
            &rows,
        );
    }
    Ok(0)
}

/// `warren log --follow`: lines as they come; exits 1 when the attempt did not end `done`.
async fn follow_log(
    client: &ApiClient,
    json: bool,
    job_id: i64,
    task_id: i64,
    attempt: Option<i32>,
) -> anyhow::Result<i32> {
    let mut path = format!("/api/v1/jobs/{job_id}/tasks/{task_id}/log?follow=true");
    if let Some(attempt) = attempt {
        path.push_str(&format!("&attempt={attempt}"));
    }
    let mut events = client.events(&path).await?;
    while let Some((kind, data)) = events.next().await? {
        let data: Value = serde_json::from_str(&data)
            .with_context(|| format!("the master sent a log event that is not JSON: {data}"))?;
        match kind.as_str() {
            "line" if json => println!("{data}"),
            "line" => println!("{}", text(&data, "message")),
            "end" => {
                let state = text(&data, "state");
                if state != "done" {
                    eprintln!("warren: the attempt ended {state}");
                    return Ok(1);
                }
                return Ok(0);
            }
            "error" => bail!("the master stopped the log: {}", text(&data, "error")),
            _ => {}
        }
    }
    bail!("the master closed the log stream before the attempt ended");
}

/// `warren log`.
async fn print_log(
    client: &ApiClient,
    job_id: i64,
    task_id: i64,
    attempt: Option<i32>,
    csv: bool,
) -> anyhow::Result<i32> {
    let mut query = Vec::new();
    if let Some(attempt) = attempt {
        query.push(format!("attempt={attempt}"));
    }
    if csv {
        query.push("format=csv".to_owned());
    }
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    print!(
        "{}",
        client
            .get_text(&format!(
                "/api/v1/jobs/{job_id}/tasks/{task_id}/log{suffix}"
            ))
            .await?
    );
    Ok(0)
}

/// `warren agents` without an action.
async fn list_agents(client: &ApiClient, json: bool) -> anyhow::Result<i32> {
    let answer: Value = client.get("/api/v1/agents").await?;
    if json {
        println!("{answer}");
    } else {
        let list: AgentList = typed(&answer, "a list of agents")?;
        let rows: Vec<Vec<String>> = list
            .agents
            .iter()
            .map(|agent| {
                vec![
                    agent.id.clone(),
                    agent.hostname.clone(),
                    agent.state.clone(),
                    agent.cpus.to_string(),
                    format!("{}/{}", agent.free_ram, agent.ram),
                    agent.tags.join(","),
                    agent.last_heard_from.clone(),
                ]
            })
            .collect();
        print_table(
            &[
                "ID",
                "HOSTNAME",
                "STATE",
                "CPUS",
                "FREE/RAM MB",
                "TAGS",
                "LAST HEARD",
            ],
            &rows,
        );
    }
    Ok(0)
}

/// `warren set`.
async fn set_job(client: &ApiClient, json: bool, changes: &JobChanges) -> anyhow::Result<i32> {
    let body = changes.body()?;
    let job = client
        .patch(&format!("/api/v1/jobs/{}", changes.job_id), &body)
        .await?;
    print_job_line(json, &job)?;
    Ok(0)
}

fn print_job_line(json: bool, answer: &Value) -> anyhow::Result<()> {
    if json {
        println!("{answer}");
    } else {
        let job: JobView = typed(answer, "a job")?;
        print_table(
            &[
                "ID", "STATE", "DONE", "RUNNING", "FAILED", "PRIORITY", "TITLE",
            ],
            &[job_row(&job)],
        );
    }
    Ok(())
}

async fn job_action(
    client: &ApiClient,
    json: bool,
    job_id: i64,
    action: &str,
) -> anyhow::Result<i32> {
    let job = client
        .call(
            client::Method::POST,
            &format!("/api/v1/jobs/{job_id}/{action}"),
            None,
        )
        .await?;
    print_job_line(json, &job)?;
    Ok(0)
}

/// Follow a job with a progress bar until it ends; 0 when done, 1 otherwise.
async fn wait_for_job(client: &ApiClient, job_id: i64) -> anyhow::Result<i32> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} tasks {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    loop {
        let job: JobView = client.get(&format!("/api/v1/jobs/{job_id}")).await?;
        let count = |count: i64| u64::try_from(count).unwrap_or(0);
        bar.set_length(count(job.tasks.total));
        bar.set_position(count(job.tasks.done));
        bar.set_message(format!(
            "{} running, {} failed",
            job.tasks.running, job.tasks.failed
        ));
        let state = job.state.as_str();
        match state {
            "done" => {
                bar.finish_with_message("done");
                return Ok(0);
            }
            "failed" | "cancelled" => {
                bar.abandon_with_message(state.to_owned());
                return Ok(1);
            }
            _ => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

async fn users_command(
    client: &ApiClient,
    json_output: bool,
    action: Option<UsersAction>,
) -> anyhow::Result<i32> {
    match action {
        None => {
            let answer: Value = client.get("/api/v1/users").await?;
            if json_output {
                println!("{answer}");
                return Ok(0);
            }
            let rows: Vec<Vec<String>> = answer["users"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|user| {
                    vec![
                        text(user, "username"),
                        text(user, "role"),
                        if user["disabled"] == true {
                            "disabled"
                        } else {
                            "enabled"
                        }
                        .to_owned(),
                        text(user, "email"),
                    ]
                })
                .collect();
            print_table(&["USER", "ROLE", "STATE", "EMAIL"], &rows);
        }
        Some(UsersAction::Add {
            name,
            role,
            email,
            password_stdin,
        }) => {
            let body = NewUser {
                username: name,
                role,
                email,
                password: password_stdin.then(read_stdin_line).transpose()?,
            };
            let user: Value = client.post("/api/v1/users", &body).await?;
            if json_output {
                println!("{user}");
            } else {
                println!(
                    "user {} created with role {}",
                    text(&user, "username"),
                    text(&user, "role")
                );
            }
        }
        Some(UsersAction::Set {
            name,
            role,
            password_stdin,
            disable,
            enable,
        }) => {
            let body = UserPatch {
                role,
                password: password_stdin.then(read_stdin_line).transpose()?,
                disabled: (disable || enable).then_some(disable),
                ..UserPatch::default()
            };
            let user = client
                .patch(&format!("/api/v1/users/{name}"), &body)
                .await?;
            if json_output {
                println!("{user}");
            } else {
                println!("user {name} changed");
            }
        }
        Some(UsersAction::Remove { name }) => {
            client
                .call(
                    client::Method::DELETE,
                    &format!("/api/v1/users/{name}"),
                    None,
                )
                .await?;
            println!("user {name} deleted");
        }
    }
    Ok(0)
}

async fn tokens_command(
    client: &ApiClient,
    json_output: bool,
    user: &str,
    action: Option<TokensAction>,
) -> anyhow::Result<i32> {
    let base = format!("/api/v1/users/{user}/tokens");
    match action {
        None => {
            let answer: Value = client.get(&base).await?;
            if json_output {
                println!("{answer}");
                return Ok(0);
            }
            let rows: Vec<Vec<String>> = answer["tokens"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|token| {
                    vec![
                        text(token, "id"),
                        text(token, "name"),
                        text(token, "time_created"),
                        text(token, "time_last_used"),
                    ]
                })
                .collect();
            print_table(&["ID", "NAME", "CREATED", "LAST USED"], &rows);
        }
        Some(TokensAction::Create { name }) => {
            let token: Value = client.post(&base, &NewToken { name }).await?;
            if json_output {
                println!("{token}");
            } else {
                println!("{}", text(&token, "token"));
            }
        }
        Some(TokensAction::Revoke { token_id }) => {
            client
                .call(client::Method::DELETE, &format!("{base}/{token_id}"), None)
                .await?;
            println!("token {token_id} revoked");
        }
    }
    Ok(0)
}

async fn jobtypes_command(
    client: &ApiClient,
    json_output: bool,
    action: Option<JobtypesAction>,
) -> anyhow::Result<i32> {
    let answer: Value = match action {
        None => {
            let answer: Value = client.get("/api/v1/jobtypes").await?;
            if !json_output {
                let rows: Vec<Vec<String>> = answer["jobtypes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|jobtype| {
                        vec![
                            text(jobtype, "name"),
                            text(jobtype, "version"),
                            jobtype["software_requirements"]
                                .as_array()
                                .map(|list| {
                                    list.iter()
                                        .filter_map(Value::as_str)
                                        .collect::<Vec<_>>()
                                        .join(",")
                                })
                                .unwrap_or_default(),
                            text(jobtype, "description").chars().take(60).collect(),
                        ]
                    })
                    .collect();
                print_table(&["NAME", "VERSION", "SOFTWARE", "DESCRIPTION"], &rows);
                return Ok(0);
            }
            answer
        }
        Some(JobtypesAction::Show { name, version }) => {
            let path = match version {
                Some(version) => format!("/api/v1/jobtypes/{name}/versions/{version}"),
                None => format!("/api/v1/jobtypes/{name}"),
            };
            let answer: Value = client.get(&path).await?;
            if !json_output {
                println!("{}", serde_json::to_string_pretty(&answer)?);
                return Ok(0);
            }
            answer
        }
        Some(JobtypesAction::Create { file }) => {
            let answer: Value = client
                .post("/api/v1/jobtypes", &read_document(&file)?)
                .await?;
            if !json_output {
                println!(
                    "job type {} created (version {})",
                    text(&answer, "name"),
                    text(&answer, "version")
                );
                return Ok(0);
            }
            answer
        }
        Some(JobtypesAction::Update { name, file }) => {
            let answer = client
                .call(
                    client::Method::PUT,
                    &format!("/api/v1/jobtypes/{name}"),
                    Some(&read_document(&file)?),
                )
                .await?;
            if !json_output {
                println!(
                    "job type {name} is now at version {}",
                    text(&answer, "version")
                );
                return Ok(0);
            }
            answer
        }
        Some(JobtypesAction::Delete { name }) => {
            client
                .call(
                    client::Method::DELETE,
                    &format!("/api/v1/jobtypes/{name}"),
                    None,
                )
                .await?;
            println!("job type {name} deleted");
            return Ok(0);
        }
    };
    println!("{answer}");
    Ok(0)
}
