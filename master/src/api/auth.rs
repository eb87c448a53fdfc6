//! Authentication and authorisation: the middleware that turns a bearer token or a session
//! cookie into a [`Principal`] and applies the role rules, login sessions with CSRF tokens for
//! the web UI, and the users and tokens endpoints.
//!
//! Rules: viewers read; submitters also submit jobs and steer their own; operators steer
//! everything on the farm; admins also manage users. Everyone manages their own tokens.

use axum::Extension;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
pub use warren_api::MeView;
use warren_api::requests::{NewToken, NewUser, UserPatch};

use super::extract::{ApiJson, ApiPath, ClientAddress};
use super::{ApiError, AppState};
use crate::auth::{self, Credential, Principal, Role};
use crate::db::rfc3339;
use crate::store::users::{self, TokenRecord, UserChanges, UserRecord};

pub use crate::auth::SESSION_COOKIE;
/// The header a session's writes must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Requests that need no credentials.
fn is_public(method: &Method, path: &str) -> bool {
    path == "/health"
        || path == "/metrics"
        || (method == Method::POST && path == "/api/v1/auth/login")
        || (method == Method::GET && path == "/api/v1/openapi.json")
}

/// The weakest role allowed to make this request (handlers check "self or admin" for users).
fn required_role(method: &Method, path: &str) -> Role {
    // Webhooks name other systems' endpoints, and their deliveries carry what was sent there.
    if path.starts_with("/api/v1/webhooks") {
        return Role::Admin;
    }
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Role::Viewer;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["api", "v1", "auth", ..] | ["api", "v1", "users", ..] => Role::Viewer,
        ["api", "v1", "agents", "enroll"]
        | ["api", "v1", "agents", _, "revoke"]
        | ["api", "v1", "software", ..]
        | ["api", "v1", "autoscalers", ..]
        | ["api", "v1", "dead-letters", ..] => Role::Admin,
        ["api", "v1", "jobs", ..] | ["api", "v1", "jobgroups"] => Role::Submitter,
        _ => Role::Operator,
    }
}

/// The job id in `/api/v1/jobs/{id}/...`, when the path has one.
fn job_in_path(path: &str) -> Option<i64> {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next(), segments.next()) {
        (Some("api"), Some("v1"), Some("jobs")) => segments.next()?.parse().ok(),
        _ => None,
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE).then_some(value)
        })
}

/// Who is asking, from a bearer token or a session cookie; sessions must echo their CSRF token
/// on anything but a read.
pub(super) async fn principal(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Principal, ApiError> {
    if let Some(token) = bearer(headers) {
        return users::principal_for_token(&state.db, token)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("the token is invalid or revoked".to_owned()));
    }
    if let Some(secret) = session_cookie(headers) {
        let (principal, csrf) = users::principal_for_session(&state.db, secret)
            .await?
            .ok_or_else(|| {
                ApiError::Unauthorized("the session has ended: log in again".to_owned())
            })?;
        let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        let echoed = headers
            .get(CSRF_HEADER)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| auth::secrets_equal(value, &csrf));
        if !safe && !echoed {
            return Err(ApiError::Forbidden(format!(
                "a session's changes must carry its CSRF token in the `{CSRF_HEADER}` header"
            )));
        }
        return Ok(principal);
    }
    Err(ApiError::Unauthorized(
        "authentication required: send `Authorization: Bearer <token>` or log in".to_owned(),
    ))
}

/// The middleware: attach the [`Principal`] to the request or refuse it.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    if !state.auth_required {
        request.extensions_mut().insert(Principal::anonymous());
        return next.run(request).await;
    }
    if is_public(&method, &path) {
        return next.run(request).await;
    }
    let principal = match principal(&state, &method, request.headers()).await {
        Ok(principal) => principal,
        Err(error) => return error.into_response(),
    };
    let required = required_role(&method, &path);
    if !principal.has(required) {
        return ApiError::Forbidden(format!(
            "{} is a {} and may not {method} {path}: that needs the {required} role",
            principal.username, principal.role
        ))
        .into_response();
    }
    if required == Role::Submitter
        && !principal.has(Role::Operator)
        && let Some(job_id) = job_in_path(&path)
        && let Err(error) = check_owner(&state, &principal, job_id).await
    {
        return error.into_response();
    }
    request.extensions_mut().insert(principal);
    next.run(request).await
}

/// A submitter may change only jobs submitted as them. A missing job is left to the handler's
/// 404.
async fn check_owner(state: &AppState, principal: &Principal, job_id: i64) -> Result<(), ApiError> {
    let owner = crate::store::jobs::owner(&state.db, job_id).await?;
    match owner {
        Some(owner) if owner.as_deref() != Some(principal.username.as_str()) => {
            Err(ApiError::Forbidden(format!(
                "job {job_id} belongs to {}; a submitter may change only their own jobs",
                owner.as_deref().unwrap_or("nobody")
            )))
        }
        _ => Ok(()),
    }
}

/// The user a submission runs as: the caller, unless an operator submits for someone else.
pub fn submitting_user(
    principal: &Principal,
    requested: Option<String>,
) -> Result<Option<String>, ApiError> {
    if principal.credential == Credential::NoAuth {
        return Ok(requested);
    }
    match requested {
        Some(user) if user != principal.username && !principal.has(Role::Operator) => {
            Err(ApiError::Forbidden(format!(
                "{} may submit jobs only as themselves, not as `{user}`",
                principal.username
            )))
        }
        Some(user) => Ok(Some(user)),
        None => Ok(Some(principal.username.clone())),
    }
}

/// A user as the API shows it (never the password).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UserView {
    /// Id.
    id: i64,
    /// User name.
    username: String,
    /// viewer, submitter, operator or admin.
    #[schema(value_type = String)]
    role: Role,
    /// Email address for job notifications.
    email: Option<String>,
    /// Disabled users' credentials are refused.
    disabled: bool,
    /// Whether the user can log in with a password (else tokens only).
    has_password: bool,
    /// RFC 3339.
    time_created: String,
}

/// Every user.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UserList {
    /// Users by name.
    users: Vec<UserView>,
}

/// An API token as listed (never its secret).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TokenView {
    /// Id, for revoking.
    id: i64,
    /// What it is for.
    name: String,
    /// RFC 3339.
    time_created: String,
    /// Last use, to the minute.
    time_last_used: Option<String>,
    /// The secret: only in the answer that made the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

/// A user's tokens.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TokenList {
    /// Tokens, oldest first.
    tokens: Vec<TokenView>,
}

fn user_json(user: &UserRecord) -> UserView {
    UserView {
        id: user.id,
        username: user.username.clone(),
        role: user.role,
        email: user.email.clone(),
        disabled: user.disabled,
        has_password: user.password_hash.is_some(),
        time_created: rfc3339(user.time_created),
    }
}

fn token_json(token: &TokenRecord) -> TokenView {
    TokenView {
        id: token.id,
        name: token.name.clone(),
        time_created: rfc3339(token.time_created),
        time_last_used: token.time_last_used.map(rfc3339),
        token: None,
    }
}

/// Hash a password off the async threads (argon2 takes tens of milliseconds on purpose).
async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|error| ApiError::Internal(error.into()))?
        .map_err(|error| match error {
            auth::AuthError::WeakPassword => ApiError::invalid("password", error),
            other => ApiError::Internal(other.into()),
        })
}

/// Body of `POST /api/v1/auth/login`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    username: String,
    password: String,
}

impl std::fmt::Debug for Login {
    /// The user name only.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Login")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Answer of `POST /api/v1/auth/login`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// Who logged in.
    username: String,
    /// Their role.
    role: String,
    /// Echo it in `X-CSRF-Token` on every write made with the session cookie.
    csrf_token: String,
}

/// `POST /api/v1/auth/login`: check a password and open a session (an `HttpOnly`,
/// `SameSite=Strict` cookie); the answer holds the CSRF token writes must echo.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = Login,
    responses((status = 200, description = "A session: its cookie is set; `csrf_token` must be echoed in `X-CSRF-Token`", body = SessionView), super::openapi::Errors)
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(login): ApiJson<Login>,
) -> Result<Response, ApiError> {
    if !state.auth_required {
        return Err(ApiError::Conflict(
            "the master runs without authentication (--no-auth): there is nothing to log in to"
                .to_owned(),
        ));
    }
    let throttle = &state.metrics.logins;
    if let Some(wait) = throttle.wait(&login.username, address, std::time::Instant::now()) {
        let retry_after_secs = wait.as_secs().max(1);
        tracing::warn!(username = %login.username, %address, retry_after_secs, "login refused: too many failures in a row");
        return Err(ApiError::TooManyRequests {
            message: format!(
                "too many failed logins for `{}` from {address}: try again in {retry_after_secs} s",
                login.username
            ),
            retry_after_secs,
        });
    }
    let username = login.username.clone();
    let user = match check_login(&state, login).await {
        Ok(user) => {
            throttle.succeeded(&username, address);
            user
        }
        Err(error) => {
            if matches!(error, ApiError::Unauthorized(_)) {
                throttle.failed(&username, address, std::time::Instant::now());
            }
            return Err(error);
        }
    };
    let (secret, csrf) = users::create_session(&state.db, user.id).await?;
    tracing::info!(username = %user.username, "logged in");
    let secure = if state.secure_cookies(&headers) {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        users::SESSION_LIFETIME_US / 1_000_000
    );
    let mut response = Json(SessionView {
        username: user.username,
        role: user.role.to_string(),
        csrf_token: csrf,
    })
    .into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|error| ApiError::Internal(error.into()))?,
    );
    Ok(response)
}

/// The user whose name and password these are; 401 (the same for every reason) if none.
async fn check_login(state: &AppState, login: Login) -> Result<UserRecord, ApiError> {
    let refused = || ApiError::Unauthorized("wrong user name or password".to_owned());
    let user = match users::get(&state.db, &login.username).await {
        Ok(user) => Some(user),
        Err(crate::store::StoreError::NotFound(_)) => None,
        Err(error) => return Err(error.into()),
    };
    if user.as_ref().is_some_and(|user| user.disabled) {
        return Err(refused());
    }
    Ok(match user {
        // A Warren password decides for users who have one.
        Some(user) if user.password_hash.is_some() => {
            let stored = user.password_hash.clone().unwrap_or_default();
            let password = login.password;
            let matches =
                tokio::task::spawn_blocking(move || auth::verify_password(&password, &stored))
                    .await
                    .map_err(|error| ApiError::Internal(error.into()))?;
            if !matches {
                tracing::info!(username = %user.username, "login refused");
                return Err(refused());
            }
            user
        }
        // Otherwise the directory does, and its users are made on their first login.
        user => {
            let Some(ldap) = &state.ldap else {
                return Err(refused());
            };
            if users::validate_username(&login.username).is_err() {
                return Err(refused());
            }
            let bound = ldap
                .check(&login.username, &login.password)
                .await
                .map_err(|error| {
                    tracing::warn!(error = %error, "cannot check a login against LDAP");
                    ApiError::Unavailable(
                        "the directory (LDAP) cannot be reached; try again shortly".to_owned(),
                    )
                })?;
            let crate::ldap::Bound::Accepted { role: group_role } = bound else {
                tracing::info!(username = %login.username, "LDAP login refused");
                return Err(refused());
            };
            match user {
                // The directory's groups decide the role anew at each login.
                Some(user) => match group_role {
                    Some(role) if role != user.role => {
                        tracing::info!(username = %user.username, from = %user.role, to = %role, "role changed by the directory's groups");
                        users::update(
                            &state.db,
                            &user.username,
                            users::UserChanges {
                                role: Some(role),
                                ..users::UserChanges::default()
                            },
                        )
                        .await?
                    }
                    _ => user,
                },
                None => {
                    let role = group_role.unwrap_or(ldap.default_role);
                    let created =
                        users::create(&state.db, &login.username, role, None, None).await?;
                    tracing::info!(username = %created.username, role = %created.role, "user created by their first LDAP login");
                    created
                }
            }
        }
    })
}

/// `POST /api/v1/auth/logout`: end the caller's session.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    responses((status = 204, description = "The session ended"), super::openapi::Errors)
)]
pub async fn logout(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, ApiError> {
    if let Credential::Session { session_id } = principal.credential {
        users::delete_session(&state.db, session_id).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("warren_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    Ok(response)
}

/// `GET /api/v1/auth/me`: who the caller is, how they authenticated and, for a session, its
/// CSRF token.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "auth",
    responses((status = 200, description = "Who the caller is", body = MeView), super::openapi::Errors)
)]
pub async fn me(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
) -> Result<Json<MeView>, ApiError> {
    let (how, csrf) = match principal.credential {
        Credential::Token { .. } => ("token", None),
        Credential::Session { .. } => {
            let csrf = match session_cookie(&headers) {
                Some(secret) => users::principal_for_session(&state.db, secret)
                    .await?
                    .map(|(_, csrf)| csrf),
                None => None,
            };
            ("session", csrf)
        }
        Credential::NoAuth => ("none", None),
    };
    Ok(Json(MeView {
        username: principal.username,
        role: principal.role.to_string(),
        auth: how.to_owned(),
        csrf_token: csrf,
    }))
}

fn require_admin(principal: &Principal) -> Result<(), ApiError> {
    if principal.has(Role::Admin) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "{} is a {}: managing users needs the admin role",
            principal.username, principal.role
        )))
    }
}

fn require_self_or_admin(principal: &Principal, username: &str) -> Result<(), ApiError> {
    if principal.username == username && principal.user_id.is_some() {
        return Ok(());
    }
    require_admin(principal)
}

/// `GET /api/v1/users` (admin).
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    responses((status = 200, description = "Every user", body = UserList), super::openapi::Errors)
)]
pub async fn list_users(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<UserList>, ApiError> {
    require_admin(&principal)?;
    let users = users::list(&state.db).await?;
    Ok(Json(UserList {
        users: users.iter().map(user_json).collect(),
    }))
}

/// `POST /api/v1/users` (admin): create a user; without a password it signs in with tokens
/// only.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    request_body = NewUser,
    responses((status = 201, description = "The user", body = UserView), super::openapi::Errors)
)]
pub async fn create_user(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(new_user): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    require_admin(&principal)?;
    let role = Role::parse(&new_user.role).map_err(|error| ApiError::invalid("role", error))?;
    let password_hash = match new_user.password {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    let user = users::create(
        &state.db,
        &new_user.username,
        role,
        password_hash.as_deref(),
        new_user.email.as_deref(),
    )
    .await?;
    tracing::info!(username = %user.username, role = %user.role, by = %principal.username, "user created");
    Ok((StatusCode::CREATED, Json(user_json(&user))))
}

/// `GET /api/v1/users/{username}` (admin, or the user themselves).
#[utoipa::path(
    get,
    path = "/api/v1/users/{username}",
    tag = "users",
    params(("username" = String, Path, description = "User name")),
    responses((status = 200, description = "The user", body = UserView), super::openapi::Errors)
)]
pub async fn get_user(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<UserView>, ApiError> {
    require_self_or_admin(&principal, &username)?;
    Ok(Json(user_json(&users::get(&state.db, &username).await?)))
}

/// `PATCH /api/v1/users/{username}`: admins change anything; users change their own password
/// and email.
#[utoipa::path(
    patch,
    path = "/api/v1/users/{username}",
    tag = "users",
    params(("username" = String, Path, description = "User name")),
    request_body = UserPatch,
    responses((status = 200, description = "The changed user", body = UserView), super::openapi::Errors)
)]
pub async fn patch_user(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(username): ApiPath<String>,
    ApiJson(patch): ApiJson<UserPatch>,
) -> Result<Json<UserView>, ApiError> {
    require_self_or_admin(&principal, &username)?;
    if (patch.role.is_some() || patch.disabled.is_some()) && !principal.has(Role::Admin) {
        return Err(ApiError::Forbidden(
            "only an admin changes roles or disables users".to_owned(),
        ));
    }
    let role = patch
        .role
        .as_deref()
        .map(Role::parse)
        .transpose()
        .map_err(|error| ApiError::invalid("role", error))?;
    let password_hash = match patch.password {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    let user = users::update(
        &state.db,
        &username,
        UserChanges {
            role,
            password_hash,
            email: patch.email,
            disabled: patch.disabled,
        },
    )
    .await?;
    tracing::info!(username = %user.username, by = %principal.username, "user changed");
    Ok(Json(user_json(&user)))
}

/// `DELETE /api/v1/users/{username}` (admin): the user's tokens and sessions stop working.
#[utoipa::path(
    delete,
    path = "/api/v1/users/{username}",
    tag = "users",
    params(("username" = String, Path, description = "User name")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete_user(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    require_admin(&principal)?;
    if principal.username == username {
        return Err(ApiError::Conflict(
            "an admin cannot delete themselves; another admin can".to_owned(),
        ));
    }
    users::delete(&state.db, &username).await?;
    tracing::info!(%username, by = %principal.username, "user deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/users/{username}/tokens` (admin, or the user themselves): never the secrets.
#[utoipa::path(
    get,
    path = "/api/v1/users/{username}/tokens",
    tag = "users",
    params(("username" = String, Path, description = "User name")),
    responses((status = 200, description = "The user's tokens, without secrets", body = TokenList), super::openapi::Errors)
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<TokenList>, ApiError> {
    require_self_or_admin(&principal, &username)?;
    let user = users::get(&state.db, &username).await?;
    let tokens = users::list_tokens(&state.db, user.id).await?;
    Ok(Json(TokenList {
        tokens: tokens.iter().map(token_json).collect(),
    }))
}

/// `POST /api/v1/users/{username}/tokens` (admin, or the user themselves): the answer holds the
/// token's secret, shown this once.
#[utoipa::path(
    post,
    path = "/api/v1/users/{username}/tokens",
    tag = "users",
    params(("username" = String, Path, description = "User name")),
    request_body = NewToken,
    responses((status = 201, description = "The token with its secret, shown once", body = TokenView), super::openapi::Errors)
)]
pub async fn create_token(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(username): ApiPath<String>,
    ApiJson(new_token): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<TokenView>), ApiError> {
    require_self_or_admin(&principal, &username)?;
    let user = users::get(&state.db, &username).await?;
    let (token, secret) = users::create_token(&state.db, user.id, &new_token.name).await?;
    tracing::info!(%username, token_id = token.id, by = %principal.username, "token created");
    let mut body = token_json(&token);
    body.token = Some(secret);
    Ok((StatusCode::CREATED, Json(body)))
}

/// `DELETE /api/v1/users/{username}/tokens/{token_id}` (admin, or the user themselves): the
/// token stops working at once.
#[utoipa::path(
    delete,
    path = "/api/v1/users/{username}/tokens/{token_id}",
    tag = "users",
    params(("username" = String, Path, description = "User name"), ("token_id" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), super::openapi::Errors)
)]
pub async fn delete_token(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath((username, token_id)): ApiPath<(String, i64)>,
) -> Result<StatusCode, ApiError> {
    require_self_or_admin(&principal, &username)?;
    let user = users::get(&state.db, &username).await?;
    users::delete_token(&state.db, user.id, token_id).await?;
    tracing::info!(%username, token_id, by = %principal.username, "token revoked");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_needed_follow_method_and_path() {
        assert_eq!(required_role(&Method::GET, "/api/v1/limits"), Role::Viewer);
        assert_eq!(
            required_role(&Method::POST, "/api/v1/jobs"),
            Role::Submitter
        );
        assert_eq!(
            required_role(&Method::POST, "/api/v1/jobs/4/cancel"),
            Role::Submitter
        );
        assert_eq!(
            required_role(&Method::PUT, "/api/v1/limits"),
            Role::Operator
        );
        assert_eq!(
            required_role(&Method::PATCH, "/api/v1/agents/x"),
            Role::Operator
        );
        assert_eq!(required_role(&Method::POST, "/api/v1/users"), Role::Viewer);
        assert_eq!(job_in_path("/api/v1/jobs/42/cancel"), Some(42));
        assert_eq!(job_in_path("/api/v1/jobs"), None);
        assert_eq!(job_in_path("/api/v1/jobqueues/7"), None);
    }

    #[test]
    fn credentials_are_read_from_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer wrn_abc"));
        headers.insert(
            COOKIE,
            HeaderValue::from_static("theme=dark; warren_session=wss_1"),
        );
        assert_eq!(bearer(&headers), Some("wrn_abc"));
        assert_eq!(session_cookie(&headers), Some("wss_1"));
    }
}
