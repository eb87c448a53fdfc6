//! The REST API under `/api/v1`.

mod agents;
mod control;
pub mod error;
mod extract;
mod jobs;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;

use crate::dispatcher::DispatcherHandle;
pub use error::ApiError;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: DatabaseConnection,
    /// Wakes the dispatcher after a submission.
    pub dispatcher: DispatcherHandle,
    /// Sends control messages to workers.
    pub control: crate::control::Control,
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
        .route("/health", get(health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
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
