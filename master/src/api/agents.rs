//! Agent and dead-letter endpoints.

use axum::Json;
use axum::extract::State;
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde_json::{Value, json};
use warren_shared::AgentState;

use super::AppState;
use super::error::ApiError;
use super::extract::ApiQuery;
use crate::db::rfc3339;
use crate::entities::dead_letter;
use crate::store::agents::{self, AgentRecord};

/// Filters of `GET /api/v1/agents`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentQuery {
    state: Option<String>,
}

fn agent_json(record: &AgentRecord) -> Value {
    let agent = &record.agent;
    json!({
        "id": agent.id,
        "hostname": agent.hostname,
        "addresses": serde_json::from_str::<Value>(&agent.addresses).unwrap_or(Value::Null),
        "os": agent.os,
        "os_name": agent.os_name,
        "cpu_name": agent.cpu_name,
        "state": record.state(),
        "disabled": agent.disabled,
        "tags": record.tags,
        "cpus": agent.cpus,
        "ram": agent.ram,
        "free_ram": agent.free_ram,
        "load": agent.load,
        "software": serde_json::from_str::<Value>(&agent.software).unwrap_or(Value::Null),
        "version": agent.version,
        "notes": agent.notes,
        "last_heard_from": rfc3339(agent.last_heard_from),
        "time_created": rfc3339(agent.time_created),
    })
}

/// `GET /api/v1/agents`.
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<AgentQuery>,
) -> Result<Json<Value>, ApiError> {
    let state_filter = query
        .state
        .as_deref()
        .map(str::parse::<AgentState>)
        .transpose()
        .map_err(|error| ApiError::invalid("state", error))?;
    let records = agents::list(&state.db, state_filter).await?;
    Ok(Json(
        json!({"agents": records.iter().map(agent_json).collect::<Vec<_>>()}),
    ))
}

/// `GET /api/v1/dead-letters`: how many messages were dead-lettered, and the latest 100.
pub async fn dead_letters(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let count = dead_letter::Entity::find()
        .count(&state.db)
        .await
        .map_err(|error| ApiError::Internal(error.into()))?;
    let rows = dead_letter::Entity::find()
        .order_by_desc(dead_letter::Column::Id)
        .limit(100)
        .all(&state.db)
        .await
        .map_err(|error| ApiError::Internal(error.into()))?;
    let items: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "id": row.id,
                "time": rfc3339(row.time_created),
                "source": row.source,
                "reason": row.reason,
                "kind": row.kind,
                "payload": row.payload,
            })
        })
        .collect();
    Ok(Json(json!({"count": count, "dead_letters": items})))
}
