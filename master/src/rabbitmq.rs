//! RabbitMQ's management HTTP API, as the master uses it: queue depths for the dashboard, and
//! the broker users of enrolled agents (create, set permissions, delete, disconnect).

use std::time::Duration;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use warren_broker::lapin::uri::AMQPUri;

/// Why a call to the management API failed.
#[derive(Debug, thiserror::Error)]
pub enum ManagementError {
    /// The API could not be reached or its answer read.
    #[error(
        "RabbitMQ's management API at {base} cannot be reached (is the rabbitmq_management plugin enabled?)"
    )]
    Unreachable {
        /// The API's base URL.
        base: String,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// The API answered with an error status.
    #[error("RabbitMQ's management API answered {status} to {action}: {body}")]
    Status {
        /// What was being done.
        action: String,
        /// The HTTP status.
        status: reqwest::StatusCode,
        /// The answer's body, for the reason.
        body: String,
    },
    /// The AMQP URL whose credentials the API is called with does not parse.
    #[error("the AMQP URL {url} is not valid: {reason}")]
    BadUrl {
        /// The URL, its password hidden.
        url: String,
        /// What the parser said.
        reason: String,
    },
}

/// Where the broker's management API is and how to log in to it.
#[derive(Debug, Clone)]
pub struct ManagementApi {
    /// Base URL, e.g. `http://127.0.0.1:15672`.
    pub base: String,
    /// The management UI's address as people's browsers reach it (shown on the dashboard).
    pub ui_url: String,
    /// User (that of the AMQP URL).
    pub user: String,
    /// Password (printed as `[REDACTED]`).
    pub password: SecretString,
    /// The virtual host Warren uses.
    pub vhost: String,
    /// The HTTP client.
    pub http: reqwest::Client,
}

/// One queue as the management API lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct QueueDepth {
    /// Queue name.
    pub name: String,
    /// Messages waiting.
    #[serde(default)]
    pub messages_ready: i64,
    /// Messages delivered and not yet acknowledged.
    #[serde(default)]
    pub messages_unacknowledged: i64,
    /// Consumers.
    #[serde(default)]
    pub consumers: i64,
}

/// A user's permissions on the virtual host: regular expressions over resource names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissions {
    /// Declare and delete.
    pub configure: String,
    /// Publish to (exchanges) and bind to (queues).
    pub write: String,
    /// Consume from (queues) and bind from (exchanges).
    pub read: String,
}

#[derive(Deserialize)]
struct Named {
    name: String,
    #[serde(default)]
    user: Option<String>,
}

fn encode(text: &str) -> impl std::fmt::Display + '_ {
    utf8_percent_encode(text, NON_ALPHANUMERIC)
}

impl ManagementApi {
    /// From the management API's base URL, the UI's public address (the base URL when `None`)
    /// and the AMQP URL whose credentials and virtual host it uses.
    ///
    /// # Errors
    /// [`ManagementError::BadUrl`] when the AMQP URL does not parse.
    pub fn new(base: &str, ui_url: Option<&str>, amqp_url: &str) -> Result<Self, ManagementError> {
        let AmqpParts {
            user,
            password,
            vhost,
        } = amqp_parts(amqp_url)?;
        let base = base.trim_end_matches('/').to_owned();
        Ok(Self {
            ui_url: ui_url.map_or_else(|| base.clone(), |url| url.trim_end_matches('/').to_owned()),
            base,
            user,
            password,
            vhost,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
        action: &str,
    ) -> Result<reqwest::Response, ManagementError> {
        let mut request = self
            .http
            .request(method, format!("{}/api/{path}", self.base))
            .basic_auth(&self.user, Some(self.password.expose_secret()))
            .header("x-reason", "warren-master");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|source| ManagementError::Unreachable {
                base: self.base.clone(),
                source,
            })?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        Err(ManagementError::Status {
            action: action.to_owned(),
            status,
            body: body.chars().take(300).collect(),
        })
    }

    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        action: &str,
    ) -> Result<T, ManagementError> {
        self.call(reqwest::Method::GET, path, None, action)
            .await?
            .json()
            .await
            .map_err(|source| ManagementError::Unreachable {
                base: self.base.clone(),
                source,
            })
    }

    /// Every queue of the virtual host with its depths.
    pub async fn queues(&self) -> Result<Vec<QueueDepth>, ManagementError> {
        self.json(
            &format!(
                "queues/{}?columns=name,messages_ready,messages_unacknowledged,consumers",
                encode(&self.vhost)
            ),
            "list the queues",
        )
        .await
    }

    /// Create or update a user with the password RabbitMQ stores (`password_hash` in
    /// `rabbit_password_hashing_sha256` form) and no tags, so it cannot use this API.
    ///
    /// Two concurrent PUTs of a new user race inside RabbitMQ and the loser answers 400
    /// `user_already_exists`; the user is there then, and a second PUT updates it.
    pub async fn put_user(&self, user: &str, password_hash: &str) -> Result<(), ManagementError> {
        let path = format!("users/{}", encode(user));
        let action = format!("create the user `{user}`");
        let body = serde_json::json!({
            "password_hash": password_hash,
            "hashing_algorithm": "rabbit_password_hashing_sha256",
            "tags": "",
        });
        let put = || self.call(reqwest::Method::PUT, &path, Some(body.clone()), &action);
        match put().await {
            Err(ManagementError::Status { status, body, .. })
                if status == reqwest::StatusCode::BAD_REQUEST
                    && body.contains("user_already_exists") =>
            {
                put().await.map(drop)
            }
            answer => answer.map(drop),
        }
    }

    /// Set a user's permissions on the virtual host.
    pub async fn set_permissions(
        &self,
        user: &str,
        permissions: &Permissions,
    ) -> Result<(), ManagementError> {
        self.call(
            reqwest::Method::PUT,
            &format!("permissions/{}/{}", encode(&self.vhost), encode(user)),
            Some(serde_json::json!({
                "configure": permissions.configure,
                "write": permissions.write,
                "read": permissions.read,
            })),
            &format!("set the permissions of `{user}`"),
        )
        .await
        .map(drop)
    }

    /// Delete a user (a user that does not exist is no error).
    pub async fn delete_user(&self, user: &str) -> Result<(), ManagementError> {
        match self
            .call(
                reqwest::Method::DELETE,
                &format!("users/{}", encode(user)),
                None,
                &format!("delete the user `{user}`"),
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(ManagementError::Status { status, .. })
                if status == reqwest::StatusCode::NOT_FOUND =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// Close every connection of `user`; returns how many were closed.
    pub async fn close_connections(&self, user: &str) -> Result<usize, ManagementError> {
        let connections: Vec<Named> = self
            .json("connections?columns=name,user", "list the connections")
            .await?;
        let mut closed = 0;
        for connection in connections
            .iter()
            .filter(|connection| connection.user.as_deref() == Some(user))
        {
            match self
                .call(
                    reqwest::Method::DELETE,
                    &format!("connections/{}", encode(&connection.name)),
                    None,
                    &format!("close the connection `{}`", connection.name),
                )
                .await
            {
                Ok(_) => closed += 1,
                Err(ManagementError::Status { status, .. })
                    if status == reqwest::StatusCode::NOT_FOUND => {}
                Err(error) => return Err(error),
            }
        }
        Ok(closed)
    }

    /// The names of every user starting with `prefix`.
    pub async fn users_with_prefix(&self, prefix: &str) -> Result<Vec<String>, ManagementError> {
        let users: Vec<Named> = self.json("users?columns=name", "list the users").await?;
        Ok(users
            .into_iter()
            .map(|user| user.name)
            .filter(|name| name.starts_with(prefix))
            .collect())
    }
}

/// The credentials and virtual host of an AMQP URL.
#[derive(Debug)]
pub struct AmqpParts {
    /// The user (`guest` when the URL names none).
    pub user: String,
    /// Its password (`guest` when the URL names none).
    pub password: SecretString,
    /// The virtual host (`/` when the URL names none).
    pub vhost: String,
}

/// The credentials and virtual host of `url`, read by lapin's URI parser (the one the
/// connection uses), so both agree on defaults and percent-decoding.
///
/// # Errors
/// [`ManagementError::BadUrl`] when `url` is no AMQP URL.
pub fn amqp_parts(url: &str) -> Result<AmqpParts, ManagementError> {
    let uri: AMQPUri = url.parse().map_err(|reason| ManagementError::BadUrl {
        url: warren_config::redact_url(url),
        reason,
    })?;
    Ok(AmqpParts {
        user: uri.authority.userinfo.username,
        password: SecretString::from(uri.authority.userinfo.password),
        vhost: uri.vhost,
    })
}

/// An AMQP URL without its credentials, as workers are told it (they bring their own).
pub use warren_config::without_credentials;

/// `text` as a PCRE pattern matching exactly itself (RabbitMQ's permissions are regular
/// expressions): letters, digits, `_` and `-` stand for themselves, `.` is `\.`, and every other
/// character is written as a hex escape (`\x3e` for `>`), which every regex dialect reads alike.
#[must_use]
pub fn escape_pattern(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() * 2);
    for character in text.chars() {
        match character {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '_' | '-' => escaped.push(character),
            '.' => escaped.push_str("\\."),
            other => {
                let mut buffer = [0_u8; 4];
                for byte in other.encode_utf8(&mut buffer).bytes() {
                    escaped.push_str(&format!("\\x{byte:02x}"));
                }
            }
        }
    }
    escaped
}

/// A pattern matching exactly the names in `names` (and nothing when there are none).
#[must_use]
pub fn exactly(names: &[String]) -> String {
    if names.is_empty() {
        return "^$".to_owned();
    }
    let alternatives: Vec<String> = names.iter().map(|name| escape_pattern(name)).collect();
    format!("^({})$", alternatives.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_vhost_come_from_the_amqp_url() {
        let parts = |url: &str| {
            let parts = amqp_parts(url).expect("a valid URL");
            (
                parts.user,
                parts.password.expose_secret().to_owned(),
                parts.vhost,
            )
        };
        assert_eq!(
            parts("amqp://guest:guest@127.0.0.1:5672/%2f"),
            ("guest".into(), "guest".into(), "/".into())
        );
        assert_eq!(
            parts("amqps://farm:p%40ss@rabbit:5671/render?heartbeat=30"),
            ("farm".into(), "p@ss".into(), "render".into())
        );
        assert_eq!(
            parts("amqp://rabbit"),
            ("guest".into(), "guest".into(), "/".into())
        );
        let error = amqp_parts("http://farm:hunter2@rabbit/").expect_err("no AMQP scheme");
        assert!(!error.to_string().contains("hunter2"), "{error}");
        let api = ManagementApi::new(
            "http://rabbit:15672",
            None,
            "amqp://farm:hunter2@rabbit/%2f",
        )
        .expect("a valid URL");
        assert!(!format!("{api:?}").contains("hunter2"), "{api:?}");
    }

    #[test]
    fn workers_are_told_urls_without_credentials() {
        assert_eq!(
            without_credentials("amqp://warren:secret@rabbit:5672/%2f?heartbeat=10"),
            "amqp://rabbit:5672/%2f?heartbeat=10"
        );
        assert_eq!(
            without_credentials("amqp://rabbit:5672/%2f"),
            "amqp://rabbit:5672/%2f"
        );
    }

    #[test]
    fn permission_patterns_match_exactly_the_names_given() {
        let queues = vec![
            "ns.agent.1".to_owned(),
            "ns.tasks.root.gpu.!windows.sw-blender>=3.4.cpu4".to_owned(),
        ];
        let pattern = exactly(&queues);
        assert_eq!(
            pattern,
            r"^(ns\.agent\.1|ns\.tasks\.root\.gpu\.\x21windows\.sw-blender\x3e\x3d3\.4\.cpu4)$"
        );
        let regex = regex::Regex::new(&pattern).expect("a valid pattern");
        assert!(regex.is_match(&queues[0]) && regex.is_match(&queues[1]));
        assert!(!regex.is_match("ns.agent.10"));
        assert!(!regex.is_match("nsXagent.1"));
        assert_eq!(exactly(&[]), "^$");
    }
}
