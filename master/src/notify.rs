//! Housekeeping after jobs end: email to a job's notified users when it is done, failed or
//! deleted (over SMTP, when one is configured), and deleting jobs whose `autodelete_time` has
//! passed. A job's `notified_state` records the end state its users were told of, so each
//! email goes out once, also across restarts.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::DatabaseConnection;
use warren_broker::Shutdown;

use crate::db::{begin_write, now_us, rfc3339};
use crate::store;

/// How often ended jobs are looked at.
const SWEEP_EVERY: Duration = Duration::from_secs(1);
/// Failed tasks listed in one email.
const MAX_LISTED_FAILURES: usize = 20;

/// Errors of the mail settings.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP URL is not `smtp://[user:password@]host[:port]`.
    #[error("invalid SMTP URL `{0}`: use smtp://[user:password@]host[:port]")]
    BadUrl(String),
    /// The sender is not an email address.
    #[error("invalid sender address `{0}`")]
    BadSender(String),
}

/// Sends job emails over SMTP.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Where links in emails point.
    public_url: String,
    /// Appended to notified users that are names rather than addresses.
    domain: Option<String>,
    /// Subjects and bodies, per event and job type.
    templates: std::sync::Arc<crate::mail_templates::Templates>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `smtp://[user:password@]host[:port]` (plain SMTP; port 25 by default).
    pub fn new(
        url: &str,
        from: &str,
        public_url: &str,
        domain: Option<String>,
        templates: crate::mail_templates::Templates,
    ) -> Result<Self, MailError> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or_else(|| MailError::BadUrl(redact(url)))?
            .trim_end_matches('/');
        let (credentials, address) = match rest.rsplit_once('@') {
            Some((userinfo, address)) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                (
                    Some(Credentials::new(user.to_owned(), password.to_owned())),
                    address,
                )
            }
            None => (None, rest),
        };
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>()
                    .map_err(|_| MailError::BadUrl(redact(url)))?,
            ),
            None => (address, 25),
        };
        if host.is_empty() {
            return Err(MailError::BadUrl(redact(url)));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(Duration::from_secs(10)));
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials);
        }
        Ok(Self {
            transport: builder.build(),
            from: from
                .parse()
                .map_err(|_| MailError::BadSender(from.to_owned()))?,
            public_url: public_url.trim_end_matches('/').to_owned(),
            domain,
            templates: std::sync::Arc::new(templates),
        })
    }

    /// The mailboxes of notified users: an address as given; a name as the user's own email
    /// address when they have one, else `name@WARREN_MAIL_DOMAIN`.
    async fn recipients(
        &self,
        db: &DatabaseConnection,
        users: &[String],
    ) -> anyhow::Result<Vec<Mailbox>> {
        let names: Vec<String> = users
            .iter()
            .filter(|user| !user.contains('@'))
            .cloned()
            .collect();
        let emails = store::users::emails(db, &names).await?;
        Ok(users
            .iter()
            .filter_map(|user| {
                let address = if user.contains('@') {
                    user.clone()
                } else if let Some(email) = emails.get(user) {
                    email.clone()
                } else {
                    format!("{user}@{}", self.domain.as_deref()?)
                };
                match address.parse::<Mailbox>() {
                    Ok(mailbox) => Some(mailbox),
                    Err(_) => {
                        tracing::warn!(user, "cannot email a notified user: not an address");
                        None
                    }
                }
            })
            .collect())
    }

    /// Email a job's notified users that it ended in `event` (`done`, `failed`, `deleted`).
    pub async fn job_event(
        &self,
        db: &DatabaseConnection,
        record: &store::jobs::JobRecord,
        event: &str,
    ) -> anyhow::Result<()> {
        let job = &record.job;
        let recipients = self
            .recipients(db, &store::jobs::notified_users(job)?)
            .await?;
        if recipients.is_empty() {
            return Ok(());
        }
        let values = self.values(db, record, event).await?;
        let (subject, body) = self
            .templates
            .find(&record.jobtype, event)
            .render(&values)
            .map_err(|error| anyhow::anyhow!("email template: {error}"))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(subject)
            .header(ContentType::TEXT_PLAIN);
        for recipient in recipients {
            builder = builder.to(recipient);
        }
        let message = builder.body(body)?;
        self.transport.send(message).await?;
        tracing::info!(job_id = job.id, event, "notified users by email");
        Ok(())
    }

    /// What an email's placeholders stand for (see `mail_templates::PLACEHOLDERS`).
    async fn values(
        &self,
        db: &DatabaseConnection,
        record: &store::jobs::JobRecord,
        event: &str,
    ) -> anyhow::Result<std::collections::HashMap<&'static str, String>> {
        let job = &record.job;
        // Links open the job page of the web UI (an API address answers 401 to a mail reader).
        let link = format!("{}/ui/#/jobs/{}", self.public_url, job.id);
        let time = |value: Option<i64>| value.map_or_else(|| "-".to_owned(), rfc3339);
        let mut text = String::new();
        if job.n_failed > 0 && event != "deleted" {
            text.push_str("\nFailed tasks:\n");
            for task in store::tasks::failed(db, job.id, MAX_LISTED_FAILURES as u64).await? {
                text.push_str(&format!(
                    "- task {id}, frames {first}-{last}: {error}\n  log: {link}?task={index}\n",
                    id = task.id,
                    index = task.idx,
                    first = task.frame_first,
                    last = task.frame_last,
                    error = task.last_error.unwrap_or_default()
                ));
            }
        }
        Ok(std::collections::HashMap::from([
            ("id", job.id.to_string()),
            ("title", job.title.clone()),
            ("event", event.to_owned()),
            ("user", job.user.clone().unwrap_or_default()),
            ("queue", record.queue.clone()),
            ("jobtype", record.jobtype.clone()),
            ("submitted", rfc3339(job.time_submitted)),
            ("started", time(job.time_started)),
            ("finished", time(job.time_finished)),
            ("total", job.n_tasks.to_string()),
            ("done", job.n_done.to_string()),
            ("failed", job.n_failed.to_string()),
            ("cancelled", job.n_cancelled.to_string()),
            ("link", link),
            ("failed_tasks", text),
        ]))
    }
}

/// An SMTP URL with its credentials hidden, for errors.
fn redact(url: &str) -> String {
    match url.rsplit_once('@') {
        Some((_, host)) => format!("smtp://***@{host}"),
        None => url.to_owned(),
    }
}

/// Email ended jobs' users and delete jobs past their autodelete time, until shutdown.
pub async fn run(db: DatabaseConnection, mailer: Option<Mailer>, mut shutdown: Shutdown) {
    loop {
        if let Err(error) = sweep(&db, mailer.as_ref()).await {
            tracing::warn!(error = %error, "job housekeeping failed");
        }
        tokio::select! {
            () = shutdown.wait() => break,
            () = tokio::time::sleep(SWEEP_EVERY) => {}
        }
    }
}

/// The log retention policy's farm-wide part and schedule.
#[derive(Debug, Clone, Copy)]
pub struct LogRetention {
    /// Days logs are kept after a job ends, where neither the job nor its queues say.
    pub farm_days: Option<u32>,
    /// Time between runs.
    pub every: Duration,
}

/// Run the log retention policy now and then until `shutdown` (see `store::logs::prune`).
pub async fn prune_logs(db: DatabaseConnection, retention: LogRetention, mut shutdown: Shutdown) {
    loop {
        match store::logs::prune(&db, now_us(), retention.farm_days).await {
            Ok(pruned) if pruned.jobs > 0 => {
                tracing::info!(
                    jobs = pruned.jobs,
                    chunks = pruned.chunks,
                    "log retention ran"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(error = %error, "log retention failed"),
        }
        tokio::select! {
            () = shutdown.wait() => break,
            () = tokio::time::sleep(retention.every) => {}
        }
    }
}

async fn sweep(db: &DatabaseConnection, mailer: Option<&Mailer>) -> anyhow::Result<()> {
    if let Some(mailer) = mailer {
        for job_id in store::jobs::awaiting_notice(db, 100).await? {
            let Ok(record) = store::jobs::get(db, job_id).await else {
                continue;
            };
            // Mark first: a failed send is logged, not retried forever.
            store::jobs::mark_notified(db, job_id, &record.job.state).await?;
            if let Err(error) = mailer.job_event(db, &record, &record.job.state).await {
                tracing::warn!(job_id, error = %error, "cannot email a job's users");
            }
        }
    }
    for job_id in store::jobs::past_autodelete(db, now_us(), 100).await? {
        let Ok(record) = store::jobs::get(db, job_id).await else {
            continue;
        };
        let transaction = begin_write(db).await?;
        store::control::delete(&transaction, job_id).await?;
        transaction.commit().await?;
        tracing::info!(job_id, "deleted a job past its autodelete time");
        if let Some(mailer) = mailer
            && let Err(error) = mailer.job_event(db, &record, "deleted").await
        {
            tracing::warn!(job_id, error = %error, "cannot email a job's users");
        }
    }
    Ok(())
}
