//! The OpenAPI 3.1 document, generated from the handlers' annotations, and its docs page.
//!
//! Routes are registered through `utoipa_axum`'s router (see `api::router`), so the document
//! lists exactly the routes the master serves.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as OpenApiDoc, SecurityRequirement};
use utoipa::{Modify, OpenApi};

/// Every error answer: `{"error": "...", "field": "..."}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// The request field concerned, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The error answers any endpoint may give.
#[derive(utoipa::IntoResponses)]
pub enum Errors {
    /// Malformed request: bad JSON, query string or path.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No credentials, or bad ones.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The caller's role does not allow it (or a session's CSRF token is missing).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// Something named in the path does not exist.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The method is not served at this path.
    #[response(status = 405)]
    MethodNotAllowed(ErrorBody),
    /// Conflicts with the current state.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// Removed for good: a log pruned by the retention policy.
    #[response(status = 410)]
    Gone(ErrorBody),
    /// The body is too large.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not JSON.
    #[response(status = 415)]
    NotJson(ErrorBody),
    /// Well-formed but invalid.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// Too many failed logins from this address for this account: wait `Retry-After` seconds.
    #[response(status = 429)]
    TooMany(ErrorBody),
    /// The database is unavailable; nothing was changed.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// Adds the two ways to authenticate and requires one of them everywhere.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token (`warren-master user token`, `POST /api/v1/users/{name}/tokens`)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "A login session (`POST /api/v1/auth/login`); changes must carry `X-CSRF-Token`",
            ))),
        );
        openapi.security = Some(vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
}

/// The document's fixed parts; paths come from the router.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Warren",
        description = "Warren's REST API: jobs, tasks and their logs, agents, job queues, limits, job groups and users. Every error is `{\"error\": ...}` with a precise status."
    ),
    modifiers(&Security),
    components(schemas(ErrorBody)),
    tags(
        (name = "jobs", description = "Submit, list and steer jobs"),
        (name = "tasks", description = "A job's tasks, their attempts and logs"),
        (name = "agents", description = "Render nodes"),
        (name = "queues", description = "The job queue tree and fair share"),
        (name = "limits", description = "Licences and other counted resources"),
        (name = "groups", description = "Job groups"),
        (name = "jobtypes", description = "Job types and their versions"),
        (name = "tags", description = "Tags on agents and jobs"),
        (name = "software", description = "Software the workers found"),
        (name = "pathmaps", description = "One storage root as each operating system sees it"),
        (name = "auth", description = "Login sessions"),
        (name = "users", description = "Users and their API tokens"),
        (name = "farm", description = "Live changes, statistics over time and broker queue depths"),
        (name = "webhooks", description = "Signed HTTP callbacks on farm events, and their deliveries"),
        (name = "autoscaling", description = "Autoscalers per job queue, the nodes they run, and their decisions"),
    )
)]
pub struct ApiDoc;

/// The docs page: Swagger UI over `/api/v1/openapi.json`, served from files in the binary.
pub fn docs_routes() -> axum::Router {
    swagger_ui_dist::generate_routes(swagger_ui_dist::ApiDefinition {
        uri_prefix: "/api/v1/docs",
        api_definition: swagger_ui_dist::OpenApiSource::Uri("/api/v1/openapi.json"),
        title: Some("Warren API"),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_describes_every_route_with_its_errors() {
        let document = super::super::openapi_document();
        let json = serde_json::to_value(&document).expect("the document serialises");
        assert_eq!(json["openapi"], "3.1.0");
        let paths = json["paths"].as_object().expect("paths");
        assert!(paths.len() >= 30, "{} paths", paths.len());
        for (path, item) in paths {
            assert!(path.starts_with("/api/v1/"), "{path}");
            for (method, operation) in item.as_object().expect("a path item") {
                let responses = operation["responses"].as_object().expect("responses");
                for status in ["400", "401", "403", "404", "422"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
                assert!(
                    responses.keys().any(|status| status.starts_with('2')),
                    "{method} {path} has no success answer"
                );
            }
        }
        let mut operation_ids = std::collections::BTreeSet::new();
        for item in paths.values() {
            for operation in item.as_object().expect("a path item").values() {
                let id = operation["operationId"].as_str().expect("an operation id");
                assert!(
                    operation_ids.insert(id.to_owned()),
                    "operation id {id} is used twice"
                );
            }
        }
        let schemas = json["components"]["schemas"].as_object().expect("schemas");
        for name in [
            "JobSubmission",
            "JobView",
            "ErrorBody",
            "NewUser",
            "AgentPatch",
        ] {
            assert!(schemas.contains_key(name), "{name} is not described");
        }
        if let Ok(path) = std::env::var("WARREN_WRITE_OPENAPI") {
            std::fs::write(path, serde_json::to_string_pretty(&json).expect("json"))
                .expect("the document is written");
        }
    }
}
