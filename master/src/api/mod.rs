//! The REST API under `/api/v1`.

mod agents;
pub mod auth;
mod control;
pub mod error;
mod extract;
mod jobs;
mod logs;
mod scheduling;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use sea_orm::DatabaseConnection;

use crate::dispatcher::DispatcherHandle;
pub use error::ApiError;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Changes whenever the ingester commits events: live views wait on it.
    pub activity: tokio::sync::watch::Receiver<u64>,
    /// Whether requests must authenticate (false with `--no-auth`).
    pub auth_required: bool,
    /// The database.
    pub db: DatabaseConnection,
    /// Wakes the dispatcher after a submission.
    pub dispatcher: DispatcherHandle,
    /// Sends control messages to workers.
    pub control: crate::control::Control,
    /// Emails job events, when SMTP is configured.
    pub mailer: Option<crate::notify::Mailer>,
}

/// The API router.
pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    Router::new()
        .route("/api/v1/jobs", get(jobs::list).post(jobs::submit))
        .route(
            "/api/v1/jobs/{job_id}",
            get(jobs::get).patch(control::patch).delete(control::delete),
        )
        .route("/api/v1/jobs/{job_id}/pause", post(control::pause))
        .route("/api/v1/jobs/{job_id}/resume", post(control::resume))
        .route("/api/v1/jobs/{job_id}/cancel", post(control::cancel))
        .route("/api/v1/jobs/{job_id}/rerun", post(control::rerun))
        .route(
            "/api/v1/jobs/{job_id}/rerun_failed",
            post(control::rerun_failed),
        )
        .route(
            "/api/v1/jobs/{job_id}/tasks/{task_id}/rerun",
            post(control::rerun_task),
        )
        .route(
            "/api/v1/jobs/{job_id}/tasks/{task_id}/failed_on_agents",
            get(scheduling::failed_on_agents).delete(scheduling::clear_failed_on_agents),
        )
        .route(
            "/api/v1/jobs/{job_id}/tasks/{task_id}/failed_on_agents/{agent_id}",
            delete(scheduling::clear_failed_on_agent),
        )
        .route(
            "/api/v1/jobs/{job_id}/tasks/{task_id}/attempts",
            get(scheduling::attempts),
        )
        .route(
            "/api/v1/jobqueues",
            get(scheduling::list_queues).post(scheduling::create_queue),
        )
        .route(
            "/api/v1/jobqueues/{queue}",
            get(scheduling::get_queue)
                .patch(scheduling::patch_queue)
                .delete(scheduling::delete_queue),
        )
        .route(
            "/api/v1/limits",
            get(scheduling::list_limits).put(scheduling::put_limits),
        )
        .route("/api/v1/limits/{name}", delete(scheduling::delete_limit))
        .route(
            "/api/v1/jobgroups",
            get(scheduling::list_groups).post(scheduling::create_group),
        )
        .route("/api/v1/jobgroups/{group_id}", get(scheduling::get_group))
        .route("/api/v1/jobs/{job_id}/tasks", get(jobs::list_tasks))
        .route("/api/v1/jobs/{job_id}/tasks/{task_id}", get(jobs::get_task))
        .route(
            "/api/v1/jobs/{job_id}/tasks/{task_id}/log",
            get(jobs::task_log),
        )
        .route("/api/v1/agents", get(agents::list))
        .route(
            "/api/v1/agents/{agent_id}",
            get(agents::get).patch(agents::patch).delete(agents::delete),
        )
        .route("/api/v1/agents/{agent_id}/software", get(agents::software))
        .route("/api/v1/agents/{agent_id}/tasks", get(agents::tasks))
        .route(
            "/api/v1/agents/{agent_id}/check-software",
            post(agents::check_software),
        )
        .route("/api/v1/tags/{tag}/agents", get(agents::by_tag))
        .route("/api/v1/dead-letters", get(agents::dead_letters))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/me", get(auth::me))
        .route(
            "/api/v1/users",
            get(auth::list_users).post(auth::create_user),
        )
        .route(
            "/api/v1/users/{username}",
            get(auth::get_user)
                .patch(auth::patch_user)
                .delete(auth::delete_user),
        )
        .route(
            "/api/v1/users/{username}/tokens",
            get(auth::list_tokens).post(auth::create_token),
        )
        .route(
            "/api/v1/users/{username}/tokens/{token_id}",
            delete(auth::delete_token),
        )
        .route("/health", get(health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(axum::middleware::from_fn(move |request, next| {
            refuse_oversized(max_body_bytes, request, next)
        }))
        .with_state(state)
}

/// Most bytes of a refused body read and thrown away so the client sees the answer.
const MAX_DRAINED_BYTES: u64 = 256 * 1024 * 1024;

/// Answer 413 to a body whose declared length is over the limit. The body is read and discarded
/// first (up to [`MAX_DRAINED_BYTES`]): a server that answers and closes while the client is
/// still sending leaves most HTTP clients with a broken pipe instead of the error.
async fn refuse_oversized(
    max_body_bytes: usize,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use futures_util::StreamExt;
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let Some(declared) = declared.filter(|length| *length > max_body_bytes as u64) else {
        return next.run(request).await;
    };
    if declared <= MAX_DRAINED_BYTES {
        let mut body = request.into_body().into_data_stream();
        while let Some(Ok(_)) = body.next().await {}
    }
    ApiError::PayloadTooLarge(format!(
        "request body is too large: {declared} bytes, the limit is {max_body_bytes}"
    ))
    .into_response()
}

async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"status": "ok"}))
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no such endpoint `{}`", uri.path()))
}

async fn method_not_allowed(
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> (axum::http::StatusCode, axum::Json<serde_json::Value>) {
    (
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        axum::Json(
            serde_json::json!({"error": format!("`{method}` is not allowed on `{}`", uri.path())}),
        ),
    )
}
