//! Dead letters: events the master could not apply, kept with the reason. Once the cause is
//! fixed an admin replays one (it is applied again, as the broker user that first sent it, after
//! every event already queued) or deletes it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
pub use warren_api::{DeadLetterList, DeadLetterView};

use super::extract::ApiPath;
use super::{ApiError, AppState};
use crate::db::rfc3339;
use crate::store::dead_letters as store;

/// `GET /api/v1/dead-letters`: how many messages are dead letters, and the latest 100.
#[utoipa::path(
    get,
    operation_id = "dead_letters",
    path = "/api/v1/dead-letters",
    tag = "agents",
    responses((status = 200, description = "Dead-letter count and the latest ones", body = DeadLetterList), super::openapi::Errors)
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<DeadLetterList>, ApiError> {
    let (count, rows) = store::latest(&state.db, 100).await?;
    let dead_letters = rows
        .into_iter()
        .map(|row| DeadLetterView {
            id: row.id,
            time: rfc3339(row.time_created),
            source: row.source,
            reason: row.reason,
            kind: row.kind,
            payload: row.payload,
            user: row.user_id,
            replayable: row.replayable,
            replayed_at: row.replayed_at.map(rfc3339),
        })
        .collect();
    Ok(Json(DeadLetterList {
        count,
        dead_letters,
    }))
}

/// `POST /api/v1/dead-letters/{id}/replay`: apply a dead letter again (admins), once its cause
/// is fixed. It goes through the events queue behind what is already there; if it fails again,
/// a new dead letter says why.
#[utoipa::path(
    post,
    operation_id = "replay_dead_letter",
    path = "/api/v1/dead-letters/{dead_letter_id}/replay",
    tag = "agents",
    params(("dead_letter_id" = i64, Path, description = "Dead letter id")),
    responses((status = 202, description = "Queued to be applied again"), super::openapi::Errors)
)]
pub async fn replay(
    State(state): State<AppState>,
    ApiPath(dead_letter_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let letter = store::get(&state.db, dead_letter_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no dead letter {dead_letter_id}")))?;
    if letter.data.is_none() {
        return Err(ApiError::Conflict(format!(
            "dead letter {dead_letter_id} cannot be replayed: it is one event of a batch whose others were applied, a message too large to keep, or older than replays"
        )));
    }
    state
        .control
        .replay(dead_letter_id)
        .await
        .map_err(|error| {
            ApiError::Unavailable(format!(
                "RabbitMQ did not take the replay: {}",
                warren_broker::error_chain(&error)
            ))
        })?;
    tracing::info!(dead_letter_id, "dead letter queued for replay");
    Ok(StatusCode::ACCEPTED)
}

/// `DELETE /api/v1/dead-letters/{id}`: forget a dead letter (admins).
#[utoipa::path(
    delete,
    operation_id = "delete_dead_letter",
    path = "/api/v1/dead-letters/{dead_letter_id}",
    tag = "agents",
    params(("dead_letter_id" = i64, Path, description = "Dead letter id")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiPath(dead_letter_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    if !store::delete(&state.db, dead_letter_id).await? {
        return Err(ApiError::NotFound(format!(
            "no dead letter {dead_letter_id}"
        )));
    }
    Ok(StatusCode::NO_CONTENT)
}
