//! Jobs addressed by title: `/api/v1/jobs/{title}/...` is rewritten to the job's id before
//! routing, so every job endpoint (and the permission check) works with either. The caller is
//! authenticated before the title is looked up.

use axum::extract::{Request, State};
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use super::{ApiError, AppState};

/// The id of the one job titled `title`.
async fn job_titled(state: &AppState, title: &str) -> Result<i64, ApiError> {
    let ids = crate::store::jobs::titled(&state.db, title, 2).await?;
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => Err(ApiError::NotFound(format!("no job is titled `{title}`"))),
        _ => Err(ApiError::Conflict(format!(
            "several jobs are titled `{title}`: use the job's id"
        ))),
    }
}

/// The middleware (wrapped around the whole router, so it runs before routing).
pub async fn resolve_job_titles(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let Some(rest) = path.strip_prefix("/api/v1/jobs/") else {
        return next.run(request).await;
    };
    let (segment, tail) = rest.split_once('/').unwrap_or((rest, ""));
    if segment.is_empty() || segment.bytes().all(|byte| byte.is_ascii_digit()) {
        return next.run(request).await;
    }
    // Whether a title exists is itself information: only a caller who may read jobs learns it.
    if state.auth_required
        && let Err(error) =
            super::auth::principal(&state, request.method(), request.headers()).await
    {
        return error.into_response();
    }
    let title = percent_decode_str(segment).decode_utf8_lossy().into_owned();
    let job_id = match job_titled(&state, &title).await {
        Ok(job_id) => job_id,
        Err(error) => return error.into_response(),
    };
    let mut rewritten = format!("/api/v1/jobs/{job_id}");
    if path.len() > "/api/v1/jobs/".len() + segment.len() {
        rewritten.push('/');
        rewritten.push_str(tail);
    }
    if let Some(query) = request.uri().query() {
        rewritten.push('?');
        rewritten.push_str(query);
    }
    match rewritten.parse::<Uri>() {
        Ok(uri) => *request.uri_mut() = uri,
        Err(error) => return ApiError::BadRequest(format!("bad path: {error}")).into_response(),
    }
    next.run(request).await
}
