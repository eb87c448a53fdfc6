//! The REST API under `/api/v1`.

mod agents;
pub mod auth;
mod autoscale;
mod catalog;
mod control;
mod dead_letters;
pub mod error;
mod extract;
pub mod farm;
mod jobs;
mod jobtypes;
mod logs;
pub mod openapi;
mod paging;
pub mod pathmaps;
mod scheduling;
pub mod throttle;
mod titles;
pub mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use sea_orm::DatabaseConnection;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::dispatcher::DispatcherHandle;
pub use error::ApiError;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Changes whenever the ingester commits events: live views wait on it.
    pub activity: tokio::sync::watch::Receiver<u64>,
    /// Bumped after committed events and after every successful change through the API, for
    /// `/api/v1/events`.
    pub changes: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
    /// RabbitMQ's management API, for queue depths.
    pub management: crate::rabbitmq::ManagementApi,
    /// The farm's namespace.
    pub namespace: String,
    /// Enrolled agents' broker identities.
    pub identities: std::sync::Arc<crate::identities::Identities>,
    /// The master is reached through a proxy that terminates TLS (`--behind-tls-proxy`):
    /// cookies are `Secure` and the client's address is the last in `X-Forwarded-For`.
    pub behind_tls_proxy: bool,
    /// The master's public URL is `https://`: cookies are `Secure`.
    pub https_public_url: bool,
    /// Whether this master leads (dispatches); several may serve one PostgreSQL database.
    pub leading: tokio::sync::watch::Receiver<bool>,
    /// Counters and histograms for `/metrics`.
    pub metrics: farm::MasterMetrics,
    /// Whether requests must authenticate (false with `--no-auth`).
    pub auth_required: bool,
    /// Checks passwords of users without a Warren password, when LDAP is configured.
    pub ldap: Option<crate::ldap::LdapLogin>,
    /// The database.
    pub db: DatabaseConnection,
    /// Wakes the dispatcher after a submission.
    pub dispatcher: DispatcherHandle,
    /// Sends control messages to workers.
    pub control: crate::control::Control,
    /// The autoscaling providers the master was started with.
    pub providers: std::sync::Arc<crate::autoscale::Providers>,
    /// Emails job events, when SMTP is configured.
    pub mailer: Option<crate::notify::Mailer>,
}

impl AppState {
    /// Whether session cookies get the `Secure` flag: the master is reached over HTTPS.
    #[must_use]
    pub fn secure_cookies(&self, _headers: &axum::http::HeaderMap) -> bool {
        self.behind_tls_proxy || self.https_public_url
    }
}

/// The API router and the OpenAPI document of the routes it serves.
pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    let (router, document) = api_routes().split_for_parts();
    let document = std::sync::Arc::new(document);
    let router = router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let document = document.clone();
                async move { axum::Json(document.as_ref().clone()) }
            }),
        )
        .route("/health", get(health))
        .route("/metrics", get(farm::metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            announce_changes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(axum::middleware::from_fn(move |request, next| {
            refuse_oversized(max_body_bytes, request, next)
        }))
        .with_state(state.clone())
        .merge(openapi::docs_routes())
        .merge(crate::ui::routes());
    // Titles are resolved before routing, which only a layer around the whole router can do.
    let resolved = tower_layer::Layer::layer(
        &axum::middleware::from_fn_with_state(state, titles::resolve_job_titles),
        router,
    );
    Router::new()
        .fallback_service(resolved)
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(request_span))
}

/// The content security policy of the web UI and the API's answers: everything from the
/// master itself, no inline script, no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The docs page's policy: Swagger UI starts from an inline script and inline styles.
const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Every answer carries a content security policy, refuses to be framed (against
/// clickjacking), sends no referrer to other sites and must not be sniffed into another type.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let docs = request.uri().path().starts_with("/api/v1/docs");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if docs {
            DOCS_CONTENT_SECURITY_POLICY
        } else {
            CONTENT_SECURITY_POLICY
        }),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The OpenAPI document alone, for tools and tests.
#[must_use]
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api_routes().split_for_parts().1
}

/// Every documented route.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(jobs::list, jobs::submit))
        .routes(routes!(jobs::get, control::patch, control::delete))
        .routes(routes!(control::pause))
        .routes(routes!(control::resume))
        .routes(routes!(control::cancel))
        .routes(routes!(control::rerun))
        .routes(routes!(control::rerun_failed))
        .routes(routes!(control::rerun_task))
        .routes(routes!(control::act_on_tasks))
        .routes(routes!(control::task_actions))
        .routes(routes!(control::notified_users, control::add_notified_user))
        .routes(routes!(control::remove_notified_user))
        .routes(routes!(
            scheduling::failed_on_agents,
            scheduling::clear_failed_on_agents
        ))
        .routes(routes!(scheduling::clear_failed_on_agent))
        .routes(routes!(scheduling::attempts))
        .routes(routes!(scheduling::list_queues, scheduling::create_queue))
        .routes(routes!(
            scheduling::get_queue,
            scheduling::patch_queue,
            scheduling::delete_queue
        ))
        .routes(routes!(scheduling::list_limits, scheduling::put_limits))
        .routes(routes!(scheduling::delete_limit))
        .routes(routes!(scheduling::list_groups, scheduling::create_group))
        .routes(routes!(
            scheduling::get_group,
            scheduling::patch_group,
            scheduling::delete_group
        ))
        .routes(routes!(jobs::list_tasks))
        .routes(routes!(jobs::get_task))
        .routes(routes!(jobs::task_log))
        .routes(routes!(logs::list))
        .routes(routes!(agents::list))
        .routes(routes!(agents::get, agents::patch, agents::delete))
        .routes(routes!(agents::software))
        .routes(routes!(agents::tasks))
        .routes(routes!(agents::check_software))
        .routes(routes!(agents::enroll))
        .routes(routes!(agents::revoke))
        .routes(routes!(agents::restart))
        .routes(routes!(agents::restarts))
        .routes(routes!(agents::farm_keys))
        .routes(routes!(agents::by_tag))
        .routes(routes!(catalog::list_tags, catalog::create_tag))
        .routes(routes!(catalog::get_tag, catalog::delete_tag))
        .routes(routes!(pathmaps::list, pathmaps::create))
        .routes(routes!(pathmaps::get, pathmaps::replace, pathmaps::delete))
        .routes(routes!(catalog::list_software))
        .routes(routes!(autoscale::list))
        .routes(routes!(autoscale::put, autoscale::delete))
        .routes(routes!(autoscale::events))
        .routes(routes!(
            catalog::get_software,
            catalog::put_software,
            catalog::delete_software
        ))
        .routes(routes!(dead_letters::list))
        .routes(routes!(dead_letters::replay))
        .routes(routes!(dead_letters::delete))
        .routes(routes!(jobtypes::list, jobtypes::create))
        .routes(routes!(
            jobtypes::get,
            jobtypes::new_version,
            jobtypes::delete
        ))
        .routes(routes!(jobtypes::get_version))
        .routes(routes!(jobtypes::upgrade_job))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::list_users, auth::create_user))
        .routes(routes!(auth::get_user, auth::patch_user, auth::delete_user))
        .routes(routes!(auth::list_tokens, auth::create_token))
        .routes(routes!(auth::delete_token))
        .routes(routes!(farm::events))
        .routes(routes!(farm::queue_counts))
        .routes(routes!(farm::task_statistics))
        .routes(routes!(farm::agent_statistics))
        .routes(routes!(farm::agent_samples))
        .routes(routes!(farm::broker_queues))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::get, webhooks::patch, webhooks::delete))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::redeliver))
}

/// Every request runs in a `request` span (method and path), so what it logs carries them; its
/// end is logged at debug level with the status and how long it took.
async fn request_span(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use tracing::Instrument as _;
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path()
    );
    let started = std::time::Instant::now();
    async move {
        let response = next.run(request).await;
        tracing::debug!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request answered"
        );
        response
    }
    .instrument(span)
    .await
}

/// After a change made through the API succeeds, tell live views (`/api/v1/events`).
async fn announce_changes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    let response = next.run(request).await;
    if writes && response.status().is_success() {
        state.changes.send_modify(|seq| *seq += 1);
    }
    response
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

/// `GET /health`: the master answers; `dispatcher` says whether it leads (`active`) or stands
/// by for another master (`standby`).
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<serde_json::Value> {
    let dispatcher = if *state.leading.borrow() {
        "active"
    } else {
        "standby"
    };
    axum::Json(serde_json::json!({
        "status": "ok",
        "dispatcher": dispatcher,
        "insecure_shared_broker_credentials": state.metrics.insecure_shared_credentials,
    }))
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
