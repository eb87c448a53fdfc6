//! Webhooks: `/api/v1/webhooks` (admins only). Warren POSTs each event a webhook wants to its
//! URL, signed, with retries; its deliveries are listed and can be sent again.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use warren_api::requests::NewWebhook;
pub use warren_api::{DeliveryList, DeliveryView, WebhookList, WebhookView};

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::{ApiError, AppState};
use crate::db::rfc3339;
use crate::store::webhooks::{self as store, DeliveryState, EventKind, WebhookSettings};

/// Most bytes of a webhook URL.
const MAX_URL_BYTES: usize = 2048;

/// The body of `PATCH /api/v1/webhooks/{webhook_id}`; `queue: null` removes the filter.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    /// New URL.
    #[serde(default)]
    url: Option<String>,
    /// New events.
    #[serde(default)]
    events: Option<Vec<String>>,
    /// New queue filter (`null`: none).
    #[serde(default, deserialize_with = "super::extract::explicit")]
    queue: Option<Option<String>>,
    /// Pause or resume deliveries.
    #[serde(default)]
    active: Option<bool>,
}

fn check_url(url: &str) -> Result<String, ApiError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|error| ApiError::invalid("url", format!("`{url}` is not a URL: {error}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(ApiError::invalid(
            "url",
            format!("`{url}` is not an http:// or https:// URL with a host"),
        ));
    }
    if url.len() > MAX_URL_BYTES {
        return Err(ApiError::invalid(
            "url",
            format!("a URL has at most {MAX_URL_BYTES} bytes"),
        ));
    }
    Ok(parsed.to_string())
}

fn check_events(events: &[String]) -> Result<Vec<EventKind>, ApiError> {
    if events.is_empty() {
        return Err(ApiError::invalid("events", "name at least one event"));
    }
    let mut kinds = Vec::new();
    for event in events {
        let kind = event
            .parse::<EventKind>()
            .map_err(|error| ApiError::invalid("events", error))?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

async fn queue_id(state: &AppState, queue: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(queue) = queue else { return Ok(None) };
    let found = crate::store::queues::find(&state.db, queue)
        .await
        .map_err(|_| ApiError::invalid("queue", format!("unknown job queue `{queue}`")))?;
    Ok(Some(found.id))
}

/// Queue names by id, for the webhooks' filters.
async fn queue_names(state: &AppState) -> Result<std::collections::HashMap<i64, String>, ApiError> {
    Ok(crate::store::queues::list(&state.db)
        .await?
        .into_iter()
        .map(|queue| (queue.id, queue.name))
        .collect())
}

async fn one_view(state: &AppState, hook: store::Webhook) -> Result<WebhookView, ApiError> {
    view(&queue_names(state).await?, hook)
}

fn view(
    queues: &std::collections::HashMap<i64, String>,
    hook: store::Webhook,
) -> Result<WebhookView, ApiError> {
    let queue = hook.queue_id.and_then(|id| queues.get(&id).cloned());
    Ok(WebhookView {
        id: hook.id,
        events: hook
            .kinds()?
            .into_iter()
            .map(|kind| kind.as_str().to_owned())
            .collect(),
        url: hook.url,
        queue,
        active: hook.active,
        created_by: hook.created_by,
        time_created: rfc3339(hook.time_created),
        secret: None,
    })
}

/// `GET /api/v1/webhooks`.
#[utoipa::path(
    get,
    operation_id = "list_webhooks",
    path = "/api/v1/webhooks",
    tag = "webhooks",
    responses((status = 200, description = "Every webhook", body = WebhookList), super::openapi::Errors)
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<WebhookList>, ApiError> {
    let queues = queue_names(&state).await?;
    let webhooks = store::list(&state.db)
        .await?
        .into_iter()
        .map(|hook| view(&queues, hook))
        .collect::<Result<_, _>>()?;
    Ok(Json(WebhookList { webhooks }))
}

/// `POST /api/v1/webhooks`: register a webhook; the answer holds its secret, shown only here.
#[utoipa::path(
    post,
    operation_id = "create_webhook",
    path = "/api/v1/webhooks",
    tag = "webhooks",
    request_body = NewWebhook,
    responses((status = 201, description = "The webhook, with its secret", body = WebhookView), super::openapi::Errors)
)]
pub async fn create(
    State(state): State<AppState>,
    axum::Extension(principal): axum::Extension<crate::auth::Principal>,
    ApiJson(body): ApiJson<NewWebhook>,
) -> Result<(StatusCode, Json<WebhookView>), ApiError> {
    let settings = WebhookSettings {
        url: check_url(&body.url)?,
        events: check_events(&body.events)?,
        queue_id: queue_id(&state, body.queue.as_deref()).await?,
        active: body.active,
    };
    let secret = match body.secret {
        Some(secret) if secret.len() < 16 || secret.len() > 256 => {
            return Err(ApiError::invalid("secret", "a secret has 16 to 256 bytes"));
        }
        Some(secret) => secret,
        None => crate::auth::new_secret("")
            .map_err(|error| ApiError::Internal(anyhow::anyhow!(error)))?,
    };
    let webhook_id = store::create(
        &state.db,
        &settings,
        &secret,
        Some(principal.username.as_str()),
    )
    .await?;
    let mut created = one_view(&state, store::get(&state.db, webhook_id).await?).await?;
    created.secret = Some(secret);
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET /api/v1/webhooks/{webhook_id}`.
#[utoipa::path(
    get,
    operation_id = "get_webhook",
    path = "/api/v1/webhooks/{webhook_id}",
    tag = "webhooks",
    params(("webhook_id" = i64, Path, description = "Webhook id")),
    responses((status = 200, description = "The webhook", body = WebhookView), super::openapi::Errors)
)]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(webhook_id): ApiPath<i64>,
) -> Result<Json<WebhookView>, ApiError> {
    let hook = store::get(&state.db, webhook_id).await?;
    Ok(Json(one_view(&state, hook).await?))
}

/// `PATCH /api/v1/webhooks/{webhook_id}`: URL, events, queue filter, active.
#[utoipa::path(
    patch,
    operation_id = "patch_webhook",
    path = "/api/v1/webhooks/{webhook_id}",
    tag = "webhooks",
    params(("webhook_id" = i64, Path, description = "Webhook id")),
    request_body = WebhookPatch,
    responses((status = 200, description = "The changed webhook", body = WebhookView), super::openapi::Errors)
)]
pub async fn patch(
    State(state): State<AppState>,
    ApiPath(webhook_id): ApiPath<i64>,
    ApiJson(body): ApiJson<WebhookPatch>,
) -> Result<Json<WebhookView>, ApiError> {
    let hook = store::get(&state.db, webhook_id).await?;
    let settings = WebhookSettings {
        url: match &body.url {
            Some(url) => check_url(url)?,
            None => hook.url.clone(),
        },
        events: match &body.events {
            Some(events) => check_events(events)?,
            None => hook.kinds()?,
        },
        queue_id: match &body.queue {
            Some(queue) => queue_id(&state, queue.as_deref()).await?,
            None => hook.queue_id,
        },
        active: body.active.unwrap_or(hook.active),
    };
    store::update(&state.db, webhook_id, &settings).await?;
    let hook = store::get(&state.db, webhook_id).await?;
    Ok(Json(one_view(&state, hook).await?))
}

/// `DELETE /api/v1/webhooks/{webhook_id}`: the webhook and its deliveries.
#[utoipa::path(
    delete,
    operation_id = "delete_webhook",
    path = "/api/v1/webhooks/{webhook_id}",
    tag = "webhooks",
    params(("webhook_id" = i64, Path, description = "Webhook id")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiPath(webhook_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    store::delete(&state.db, webhook_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Options of the deliveries list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// Only deliveries in this state: `pending`, `delivered` or `failed`.
    state: Option<String>,
    /// At most this many (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u64>,
}

fn delivery_view(delivery: store::Delivery) -> Result<DeliveryView, crate::store::StoreError> {
    let pending = delivery.state.0 == DeliveryState::Pending;
    Ok(DeliveryView {
        body: crate::store::json_column(
            format!("delivery {}", delivery.delivery_id),
            "body",
            &delivery.body,
        )?,
        delivery_id: delivery.delivery_id,
        event: delivery.kind,
        state: delivery.state.0.as_str().to_owned(),
        attempts: delivery.attempts,
        last_status: delivery.last_status,
        last_error: delivery.last_error,
        next_attempt: pending.then(|| rfc3339(delivery.next_attempt_at)),
        time_created: rfc3339(delivery.time_created),
        time_delivered: delivery.time_delivered.map(rfc3339),
    })
}

/// `GET /api/v1/webhooks/{webhook_id}/deliveries`: newest first.
#[utoipa::path(
    get,
    operation_id = "list_webhook_deliveries",
    path = "/api/v1/webhooks/{webhook_id}/deliveries",
    tag = "webhooks",
    params(("webhook_id" = i64, Path, description = "Webhook id"), DeliveryQuery),
    responses((status = 200, description = "Its deliveries", body = DeliveryList), super::openapi::Errors)
)]
pub async fn deliveries(
    State(state): State<AppState>,
    ApiPath(webhook_id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<DeliveryQuery>,
) -> Result<Json<DeliveryList>, ApiError> {
    store::get(&state.db, webhook_id).await?;
    if let Some(wanted) = &query.state
        && DeliveryState::from_name(wanted).is_none()
    {
        return Err(ApiError::invalid(
            "state",
            format!("unknown delivery state `{wanted}`: pending, delivered or failed"),
        ));
    }
    let limit = super::paging::page_size_up_to(query.limit, 1000)?;
    let deliveries = store::deliveries(
        &state.db,
        webhook_id,
        query.state.as_deref(),
        i64::try_from(limit).unwrap_or(1000),
    )
    .await?
    .into_iter()
    .map(delivery_view)
    .collect::<Result<_, _>>()?;
    Ok(Json(DeliveryList { deliveries }))
}

/// `POST /api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver`: send a delivery
/// again now, with the same delivery id.
#[utoipa::path(
    post,
    operation_id = "redeliver_webhook_delivery",
    path = "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    tag = "webhooks",
    params(
        ("webhook_id" = i64, Path, description = "Webhook id"),
        ("delivery_id" = String, Path, description = "Delivery id")
    ),
    responses((status = 202, description = "It is sent again shortly"), super::openapi::Errors)
)]
pub async fn redeliver(
    State(state): State<AppState>,
    ApiPath((webhook_id, delivery_id)): ApiPath<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    store::redeliver(&state.db, webhook_id, &delivery_id).await?;
    Ok(StatusCode::ACCEPTED)
}
