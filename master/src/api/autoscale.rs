//! Elastic workers: `/api/v1/autoscalers` (one per job queue, admins set them) and
//! `/api/v1/scaling-events` (every decision with its reason).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
pub use warren_api::{
    AutoscalerList, AutoscalerSettings, AutoscalerView, ScaledNodeView, ScalingEventList,
    ScalingEventView,
};

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::{ApiError, AppState};
use crate::db::rfc3339;
use crate::store::autoscale as store;

/// Most nodes one autoscaler may run.
const MAX_NODES: i32 = 1000;

fn check(state: &AppState, settings: &AutoscalerSettings) -> Result<(), ApiError> {
    if !state.providers.has(&settings.provider) {
        let known = state.providers.names();
        return Err(ApiError::invalid(
            "provider",
            if known.is_empty() {
                format!(
                    "unknown provider `{}`: the master was started without any (--autoscale-provider NAME=COMMAND)",
                    settings.provider
                )
            } else {
                format!(
                    "unknown provider `{}`: one of {}",
                    settings.provider,
                    known.join(", ")
                )
            },
        ));
    }
    if !(1..=MAX_NODES).contains(&settings.max_nodes) {
        return Err(ApiError::invalid(
            "max_nodes",
            format!("`max_nodes` must be 1 to {MAX_NODES}"),
        ));
    }
    if !(0..=settings.max_nodes).contains(&settings.min_nodes) {
        return Err(ApiError::invalid(
            "min_nodes",
            "`min_nodes` must be 0 to `max_nodes`",
        ));
    }
    if settings.tasks_per_node < 1 {
        return Err(ApiError::invalid(
            "tasks_per_node",
            "`tasks_per_node` must be at least 1",
        ));
    }
    for (field, value) in [
        ("scale_up_after_secs", settings.scale_up_after_secs),
        ("idle_secs", settings.idle_secs),
        ("cpus", settings.cpus),
    ] {
        if value < 0 {
            return Err(ApiError::invalid(
                field,
                format!("`{field}` must not be negative"),
            ));
        }
    }
    if settings.ram_mb < 0 {
        return Err(ApiError::invalid("ram_mb", "`ram_mb` must not be negative"));
    }
    for tag in &settings.tags {
        warren_shared::requirements::validate_tag(tag)
            .map_err(|error| ApiError::invalid("tags", error))?;
    }
    Ok(())
}

fn node_view(node: &store::Node) -> ScaledNodeView {
    ScaledNodeView {
        name: node.name.clone(),
        agent_id: node.agent_id.clone(),
        state: node.state.as_str().to_owned(),
        time_started: rfc3339(node.time_started),
        last_busy_at: rfc3339(node.last_busy_at),
    }
}

async fn views(state: &AppState) -> Result<Vec<AutoscalerView>, ApiError> {
    let nodes = store::live_nodes(&state.db).await?;
    Ok(store::list(&state.db)
        .await?
        .into_iter()
        .map(|autoscaler| AutoscalerView {
            nodes: nodes
                .iter()
                .filter(|node| node.queue_id == autoscaler.queue_id)
                .map(node_view)
                .collect(),
            queue: autoscaler.queue,
            settings: autoscaler.settings,
        })
        .collect())
}

/// `GET /api/v1/autoscalers`: every job queue's autoscaler with its nodes, and the providers.
#[utoipa::path(
    get,
    operation_id = "list_autoscalers",
    path = "/api/v1/autoscalers",
    tag = "autoscaling",
    responses((status = 200, description = "Autoscalers and providers", body = AutoscalerList), super::openapi::Errors)
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<AutoscalerList>, ApiError> {
    Ok(Json(AutoscalerList {
        autoscalers: views(&state).await?,
        providers: state.providers.names(),
    }))
}

/// `PUT /api/v1/autoscalers/{queue}`: set a job queue's autoscaler (admins).
#[utoipa::path(
    put,
    operation_id = "set_autoscaler",
    path = "/api/v1/autoscalers/{queue}",
    tag = "autoscaling",
    params(("queue" = String, Path, description = "Job queue name")),
    request_body = AutoscalerSettings,
    responses(
        (status = 200, description = "Changed", body = AutoscalerView),
        (status = 201, description = "Made", body = AutoscalerView),
        super::openapi::Errors
    )
)]
pub async fn put(
    State(state): State<AppState>,
    ApiPath(queue): ApiPath<String>,
    ApiJson(settings): ApiJson<AutoscalerSettings>,
) -> Result<(StatusCode, Json<AutoscalerView>), ApiError> {
    check(&state, &settings)?;
    let queue_id = crate::store::queues::find(&state.db, &queue).await?.id;
    let settings = &settings;
    let created = crate::db::write_transaction(&state.db, |transaction| async move {
        Ok::<_, ApiError>(store::put(&*transaction, queue_id, settings).await?)
    })
    .await?;
    tracing::info!(queue, created, "autoscaler set");
    let view = views(&state)
        .await?
        .into_iter()
        .find(|view| view.queue == queue)
        .ok_or_else(|| ApiError::NotFound(format!("no autoscaler for job queue `{queue}`")))?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}

/// `DELETE /api/v1/autoscalers/{queue}`: remove a job queue's autoscaler (admins); the nodes it
/// started keep running.
#[utoipa::path(
    delete,
    operation_id = "delete_autoscaler",
    path = "/api/v1/autoscalers/{queue}",
    tag = "autoscaling",
    params(("queue" = String, Path, description = "Job queue name")),
    responses((status = 204, description = "Removed"), super::openapi::Errors)
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiPath(queue): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let queue_id = crate::store::queues::find(&state.db, &queue).await?.id;
    if !store::delete(&state.db, queue_id).await? {
        return Err(ApiError::NotFound(format!(
            "job queue `{queue}` has no autoscaler"
        )));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Query of `GET /api/v1/scaling-events`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// At most this many, newest first (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u64>,
}

/// `GET /api/v1/scaling-events`: the autoscalers' latest decisions with their reasons.
#[utoipa::path(
    get,
    operation_id = "scaling_events",
    path = "/api/v1/scaling-events",
    tag = "autoscaling",
    params(EventQuery),
    responses((status = 200, description = "Decisions, newest first", body = ScalingEventList), super::openapi::Errors)
)]
pub async fn events(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<EventQuery>,
) -> Result<Json<ScalingEventList>, ApiError> {
    let limit = super::paging::page_size_up_to(query.limit, 1000)?;
    let events = store::events(&state.db, limit)
        .await?
        .into_iter()
        .map(|event| ScalingEventView {
            id: event.id,
            time: rfc3339(event.time),
            queue: event.queue,
            action: event.action,
            nodes: event.nodes,
            reason: event.reason,
        })
        .collect();
    Ok(Json(ScalingEventList { events }))
}
