//! Users, their API tokens and login sessions. Secrets are stored as digests
//! (`auth::digest`); the secret itself is returned once, when it is made.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, QueryResult};

use super::{Result, StoreError};
use crate::auth::{self, Credential, Principal, Role};
use crate::db::{backend_of, is_unique_violation, now_us, sql};

/// How long a login session lasts.
pub const SESSION_LIFETIME_US: i64 = 12 * 3600 * 1_000_000;
/// A token's last use is recorded at most this often, so reads stay reads.
const LAST_USED_RESOLUTION_US: i64 = 60 * 1_000_000;

/// A stored user.
#[derive(Debug, Clone)]
pub struct UserRecord {
    /// Id.
    pub id: i64,
    /// Unique name.
    pub username: String,
    /// What the user may do.
    pub role: Role,
    /// argon2 PHC string; `None` for users who sign in only with tokens.
    pub password_hash: Option<String>,
    /// Address for job emails.
    pub email: Option<String>,
    /// A disabled user's credentials are refused.
    pub disabled: bool,
    /// Creation time (µs).
    pub time_created: i64,
}

/// A stored API token (never its secret).
#[derive(Debug, Clone, FromQueryResult)]
pub struct TokenRecord {
    /// Id.
    pub id: i64,
    /// What the token is for.
    pub name: String,
    /// Creation time (µs).
    pub time_created: i64,
    /// Last use, to the minute (µs).
    pub time_last_used: Option<i64>,
}

const USER_COLUMNS: &str = "id, username, role, password_hash, email, disabled, time_created";

/// A `users` row as stored (the role as text).
#[derive(FromQueryResult)]
struct UserRow {
    id: i64,
    username: String,
    role: String,
    password_hash: Option<String>,
    email: Option<String>,
    disabled: bool,
    time_created: i64,
}

fn role_of(text: &str) -> Result<Role> {
    Role::parse(text).map_err(|error| StoreError::Corrupt(error.to_string()))
}

fn user_of(row: &QueryResult) -> Result<UserRecord> {
    let row = UserRow::from_query_result(row, "")?;
    Ok(UserRecord {
        id: row.id,
        username: row.username,
        role: role_of(&row.role)?,
        password_hash: row.password_hash,
        email: row.email,
        disabled: row.disabled,
        time_created: row.time_created,
    })
}

/// A user joined to one of their credentials (`token_id` or `session_id`).
#[derive(FromQueryResult)]
struct PrincipalRow {
    user_id: i64,
    username: String,
    role: String,
}

#[derive(FromQueryResult)]
struct TokenUse {
    token_id: i64,
    time_last_used: Option<i64>,
}

#[derive(FromQueryResult)]
struct SessionUse {
    session_id: i64,
    csrf_token: String,
}

/// Check a user name: 1–64 characters of letters, digits, `.`, `_`, `-` and `@`.
pub fn validate_username(username: &str) -> Result<()> {
    let valid = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if valid {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "username",
            format!(
                "`{username}` is not a valid user name: use 1-64 letters, digits, `.`, `_`, `-` or `@`"
            ),
        ))
    }
}

/// Create a user.
pub async fn create(
    connection: &impl ConnectionTrait,
    username: &str,
    role: Role,
    password_hash: Option<&str>,
    email: Option<&str>,
) -> Result<UserRecord> {
    validate_username(username)?;
    let backend = backend_of(connection);
    let row = connection
        .query_one_raw(sql(
            backend,
            &format!(
                "INSERT INTO users (username, role, password_hash, email, disabled, time_created) \
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING {USER_COLUMNS}"
            ),
            vec![
                username.into(),
                role.as_str().into(),
                password_hash.map(str::to_owned).into(),
                email.map(str::to_owned).into(),
                false.into(),
                now_us().into(),
            ],
        ))
        .await
        .map_err(|error| conflict_on_duplicate(error, username))?
        .ok_or_else(|| StoreError::Corrupt("INSERT returned no row".to_owned()))?;
    user_of(&row)
}

fn conflict_on_duplicate(error: DbErr, username: &str) -> StoreError {
    if is_unique_violation(&error) {
        StoreError::Conflict(format!("user `{username}` already exists"))
    } else {
        StoreError::Db(error)
    }
}

/// Every user, by name.
pub async fn list(connection: &impl ConnectionTrait) -> Result<Vec<UserRecord>> {
    let rows = connection
        .query_all_raw(sql(
            backend_of(connection),
            &format!("SELECT {USER_COLUMNS} FROM users ORDER BY username"),
            Vec::new(),
        ))
        .await?;
    rows.iter().map(user_of).collect()
}

/// How many users exist.
pub async fn count(connection: &impl ConnectionTrait) -> Result<i64> {
    Ok(super::count(
        connection,
        sql(
            backend_of(connection),
            "SELECT COUNT(*) AS n FROM users",
            Vec::new(),
        ),
    )
    .await?)
}

/// The email addresses of the named users that have one, by name.
pub async fn emails(
    connection: &impl ConnectionTrait,
    usernames: &[String],
) -> Result<std::collections::HashMap<String, String>> {
    #[derive(FromQueryResult)]
    struct Email {
        username: String,
        email: Option<String>,
    }
    if usernames.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let backend = backend_of(connection);
    Ok(Email::find_by_statement(sql(
        backend,
        &format!(
            "SELECT username, email FROM users WHERE username IN ({})",
            crate::db::placeholders(backend, 1, usernames.len())
        ),
        usernames.iter().map(|name| name.clone().into()).collect(),
    ))
    .all(connection)
    .await?
    .into_iter()
    .filter_map(|row| {
        row.email
            .filter(|email| !email.trim().is_empty())
            .map(|email| (row.username, email))
    })
    .collect())
}

/// The user called `username`.
pub async fn get(connection: &impl ConnectionTrait, username: &str) -> Result<UserRecord> {
    let row = connection
        .query_one_raw(sql(
            backend_of(connection),
            &format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?"),
            vec![username.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user `{username}` not found")))?;
    user_of(&row)
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct UserChanges {
    /// New role.
    pub role: Option<Role>,
    /// New password hash.
    pub password_hash: Option<String>,
    /// New email (`Some(None)` clears it).
    pub email: Option<Option<String>>,
    /// Disable or enable.
    pub disabled: Option<bool>,
}

/// Apply `changes` to `username`; disabling a user or changing its password ends its
/// sessions.
pub async fn update(
    connection: &impl ConnectionTrait,
    username: &str,
    changes: UserChanges,
) -> Result<UserRecord> {
    let user = get(connection, username).await?;
    let backend = backend_of(connection);
    let ends_sessions = changes.password_hash.is_some() || changes.disabled == Some(true);
    connection
        .execute_raw(sql(
            backend,
            "UPDATE users SET role = ?, password_hash = ?, email = ?, disabled = ? WHERE id = ?",
            vec![
                changes.role.unwrap_or(user.role).as_str().into(),
                changes.password_hash.or(user.password_hash).into(),
                changes.email.unwrap_or(user.email).into(),
                changes.disabled.unwrap_or(user.disabled).into(),
                user.id.into(),
            ],
        ))
        .await?;
    if ends_sessions {
        connection
            .execute_raw(sql(
                backend,
                "DELETE FROM sessions WHERE user_id = ?",
                vec![user.id.into()],
            ))
            .await?;
    }
    get(connection, username).await
}

/// Delete a user with its tokens and sessions.
pub async fn delete(connection: &impl ConnectionTrait, username: &str) -> Result<()> {
    let user = get(connection, username).await?;
    let backend = backend_of(connection);
    for table in ["api_tokens", "sessions"] {
        connection
            .execute_raw(sql(
                backend,
                &format!("DELETE FROM {table} WHERE user_id = ?"),
                vec![user.id.into()],
            ))
            .await?;
    }
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM users WHERE id = ?",
            vec![user.id.into()],
        ))
        .await?;
    Ok(())
}

/// Check a user's password; the user if it matches and the user is enabled.
pub async fn check_password(
    connection: &impl ConnectionTrait,
    username: &str,
    password: &str,
) -> Result<Option<UserRecord>> {
    let user = match get(connection, username).await {
        Ok(user) => user,
        Err(StoreError::NotFound(_)) => return Ok(None),
        Err(error) => return Err(error),
    };
    let matches = user
        .password_hash
        .as_deref()
        .is_some_and(|stored| auth::verify_password(password, stored));
    Ok((matches && !user.disabled).then_some(user))
}

fn token_of(row: &QueryResult) -> Result<TokenRecord> {
    Ok(TokenRecord::from_query_result(row, "")?)
}

/// Make a token for `user_id`; returns it with its secret, which is not stored.
pub async fn create_token(
    connection: &impl ConnectionTrait,
    user_id: i64,
    name: &str,
) -> Result<(TokenRecord, String)> {
    if name.is_empty() || name.len() > 255 {
        return Err(StoreError::invalid(
            "name",
            "a token's name must have 1 to 255 characters",
        ));
    }
    let secret =
        auth::new_secret("wrn_").map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let row = connection
        .query_one_raw(sql(
            backend_of(connection),
            "INSERT INTO api_tokens (user_id, name, token_hash, time_created) VALUES (?, ?, ?, ?) \
             RETURNING id, name, time_created, time_last_used",
            vec![
                user_id.into(),
                name.into(),
                auth::digest(&secret).into(),
                now_us().into(),
            ],
        ))
        .await?
        .ok_or_else(|| StoreError::Corrupt("INSERT returned no row".to_owned()))?;
    Ok((token_of(&row)?, secret))
}

/// A user's tokens, oldest first.
pub async fn list_tokens(
    connection: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<TokenRecord>> {
    let rows = connection
        .query_all_raw(sql(
            backend_of(connection),
            "SELECT id, name, time_created, time_last_used FROM api_tokens WHERE user_id = ? ORDER BY id",
            vec![user_id.into()],
        ))
        .await?;
    rows.iter().map(token_of).collect()
}

/// Revoke one of a user's tokens.
pub async fn delete_token(
    connection: &impl ConnectionTrait,
    user_id: i64,
    token_id: i64,
) -> Result<()> {
    let deleted = connection
        .execute_raw(sql(
            backend_of(connection),
            "DELETE FROM api_tokens WHERE user_id = ? AND id = ?",
            vec![user_id.into(), token_id.into()],
        ))
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("token {token_id} not found")));
    }
    Ok(())
}

/// The enabled user holding the token `secret`, noting its use.
pub async fn principal_for_token(
    connection: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<Principal>> {
    let backend = backend_of(connection);
    let Some(row) = connection
        .query_one_raw(sql(
            backend,
            "SELECT t.id AS token_id, t.time_last_used, u.username, u.role, u.id AS user_id \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = ? AND u.disabled = ?",
            vec![auth::digest(secret).into(), false.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let TokenUse {
        token_id,
        time_last_used: last_used,
    } = TokenUse::from_query_result(&row, "")?;
    let now = now_us();
    if last_used.is_none_or(|last| now - last >= LAST_USED_RESOLUTION_US) {
        connection
            .execute_raw(sql(
                backend,
                "UPDATE api_tokens SET time_last_used = ? WHERE id = ?",
                vec![now.into(), token_id.into()],
            ))
            .await?;
    }
    principal_of(&row, Credential::Token { token_id }).map(Some)
}

fn principal_of(row: &QueryResult, credential: Credential) -> Result<Principal> {
    let row = PrincipalRow::from_query_result(row, "")?;
    Ok(Principal {
        user_id: Some(row.user_id),
        username: row.username,
        role: role_of(&row.role)?,
        credential,
    })
}

/// A new login session for `user_id`: its secret (the cookie) and its CSRF token.
pub async fn create_session(
    connection: &impl ConnectionTrait,
    user_id: i64,
) -> Result<(String, String)> {
    let backend = backend_of(connection);
    let now = now_us();
    // Expired sessions of anyone go when someone logs in.
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM sessions WHERE time_expires < ?",
            vec![now.into()],
        ))
        .await?;
    let secret =
        auth::new_secret("wss_").map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let csrf = auth::new_secret("").map_err(|error| StoreError::Corrupt(error.to_string()))?;
    connection
        .execute_raw(sql(
            backend,
            "INSERT INTO sessions (user_id, session_hash, csrf_token, time_created, time_expires) \
             VALUES (?, ?, ?, ?, ?)",
            vec![
                user_id.into(),
                auth::digest(&secret).into(),
                csrf.as_str().into(),
                now.into(),
                (now + SESSION_LIFETIME_US).into(),
            ],
        ))
        .await?;
    Ok((secret, csrf))
}

/// The enabled user of an unexpired session, with the session's CSRF token.
pub async fn principal_for_session(
    connection: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<(Principal, String)>> {
    let Some(row) = connection
        .query_one_raw(sql(
            backend_of(connection),
            "SELECT s.id AS session_id, s.csrf_token, u.username, u.role, u.id AS user_id \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.session_hash = ? AND s.time_expires > ? AND u.disabled = ?",
            vec![auth::digest(secret).into(), now_us().into(), false.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let SessionUse {
        session_id,
        csrf_token: csrf,
    } = SessionUse::from_query_result(&row, "")?;
    Ok(Some((
        principal_of(&row, Credential::Session { session_id })?,
        csrf,
    )))
}

/// End a session.
pub async fn delete_session(connection: &impl ConnectionTrait, session_id: i64) -> Result<()> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "DELETE FROM sessions WHERE id = ?",
            vec![session_id.into()],
        ))
        .await?;
    Ok(())
}
