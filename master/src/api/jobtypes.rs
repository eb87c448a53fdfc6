//! Job types with versions: `/api/v1/jobtypes`, and upgrading a job to its type's newest
//! version.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::extract::{ApiJson, ApiPath};
use super::{ApiError, AppState};
use crate::db::rfc3339;
use crate::jobtype::{JobTypeSpec, Phase};
use crate::store::jobtypes::{self, JobTypeVersion};

/// A job type definition: the body of `POST /api/v1/jobtypes` (with `name`) and of
/// `PUT /api/v1/jobtypes/{name}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobTypeDefinition {
    /// Name (`POST` only): 1-64 letters, digits, `_` or `-`.
    #[serde(default)]
    name: Option<String>,
    /// What the job type is for.
    #[serde(default)]
    description: Option<String>,
    /// Commands every task runs in order; a phase runs once per frame when its argv mentions
    /// `{frame}`. Placeholders: `{frame}`, `{start}`, `{end}`, `{by}`, `{tile}`, `{data.KEY}`.
    #[serde(default)]
    phases: Vec<Phase>,
    /// A single command, instead of `phases`.
    #[serde(default)]
    argv: Option<Vec<String>>,
    /// Environment for every task.
    #[serde(default)]
    env: std::collections::BTreeMap<String, String>,
    /// Working directory template.
    #[serde(default)]
    cwd: Option<String>,
    /// Exit codes that mean success (default `[0]`).
    #[serde(default)]
    success_exit_codes: Vec<i32>,
    /// Most frames per task.
    #[serde(default)]
    max_batch: Option<i64>,
    /// Limits every task holds.
    #[serde(default)]
    limits: Vec<String>,
    /// Software every job of the type needs (`blender>=4.0`).
    #[serde(default)]
    software_requirements: Vec<String>,
    /// Progress from the output: one capture (a percentage) or two (done and total).
    #[serde(default)]
    progress_regex: Option<String>,
    /// Output lines that fail the task even when its process succeeds.
    #[serde(default)]
    error_regexes: Vec<String>,
}

impl JobTypeDefinition {
    fn into_parts(self) -> (Option<String>, Option<String>, JobTypeSpec) {
        (
            self.name,
            self.description,
            JobTypeSpec {
                builtin: None,
                argv: self.argv,
                env: self.env,
                cwd: self.cwd,
                success_exit_codes: self.success_exit_codes,
                max_batch: self.max_batch,
                limits: self.limits,
                phases: self.phases,
                software_requirements: self.software_requirements,
                progress_regex: self.progress_regex,
                error_regexes: self.error_regexes,
            },
        )
    }
}

/// One version of a job type: its definition with its name and version numbers.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct JobTypeView {
    /// Name.
    name: String,
    /// What it is for.
    description: String,
    /// This version.
    version: i32,
    /// Every version, oldest first.
    versions: Vec<i32>,
    /// When this version was made (RFC 3339).
    time_created: String,
    /// The definition.
    #[serde(flatten)]
    spec: JobTypeSpec,
}

/// Every job type at its newest version.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct JobTypeList {
    /// Job types by name.
    jobtypes: Vec<JobTypeView>,
}

fn jobtype_json(jobtype: &JobTypeVersion) -> JobTypeView {
    JobTypeView {
        name: jobtype.name.clone(),
        description: jobtype.description.clone(),
        version: jobtype.version,
        versions: jobtype.versions.clone(),
        time_created: rfc3339(jobtype.time_created),
        spec: jobtype.spec.clone(),
    }
}

/// `GET /api/v1/jobtypes`: every job type at its newest version.
#[utoipa::path(
    get,
    operation_id = "list_jobtypes",
    path = "/api/v1/jobtypes",
    tag = "jobtypes",
    responses((status = 200, description = "Job types", body = JobTypeList), super::openapi::Errors)
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<JobTypeList>, ApiError> {
    let types = jobtypes::list(&state.db).await?;
    Ok(Json(JobTypeList {
        jobtypes: types.iter().map(jobtype_json).collect(),
    }))
}

/// `POST /api/v1/jobtypes`: a new job type, version 1.
#[utoipa::path(
    post,
    operation_id = "create_jobtype",
    path = "/api/v1/jobtypes",
    tag = "jobtypes",
    request_body = JobTypeDefinition,
    responses((status = 201, description = "The job type", body = JobTypeView), super::openapi::Errors)
)]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(definition): ApiJson<JobTypeDefinition>,
) -> Result<(StatusCode, Json<JobTypeView>), ApiError> {
    let (name, description, spec) = definition.into_parts();
    let name = name.ok_or_else(|| ApiError::invalid("name", "a new job type needs a `name`"))?;
    let saved = jobtypes::save(&state.db, &name, description.as_deref(), &spec, false).await?;
    tracing::info!(jobtype = %saved.name, "job type created");
    Ok((StatusCode::CREATED, Json(jobtype_json(&saved))))
}

/// `GET /api/v1/jobtypes/{name}`: the newest version, and the list of versions.
#[utoipa::path(
    get,
    operation_id = "get_jobtype",
    path = "/api/v1/jobtypes/{name}",
    tag = "jobtypes",
    params(("name" = String, Path, description = "Job type name")),
    responses((status = 200, description = "The job type", body = JobTypeView), super::openapi::Errors)
)]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<JobTypeView>, ApiError> {
    Ok(Json(jobtype_json(
        &jobtypes::get(&state.db, &name, None).await?,
    )))
}

/// `PUT /api/v1/jobtypes/{name}`: a new version; jobs keep the version they pinned until
/// upgraded.
#[utoipa::path(
    put,
    operation_id = "new_jobtype_version",
    path = "/api/v1/jobtypes/{name}",
    tag = "jobtypes",
    params(("name" = String, Path, description = "Job type name")),
    request_body = JobTypeDefinition,
    responses((status = 201, description = "The new version", body = JobTypeView), super::openapi::Errors)
)]
pub async fn new_version(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiJson(definition): ApiJson<JobTypeDefinition>,
) -> Result<(StatusCode, Json<JobTypeView>), ApiError> {
    let (given, description, spec) = definition.into_parts();
    if given.as_deref().is_some_and(|given| given != name) {
        return Err(ApiError::invalid(
            "name",
            "a job type cannot be renamed; leave `name` out",
        ));
    }
    let saved = jobtypes::save(&state.db, &name, description.as_deref(), &spec, true).await?;
    tracing::info!(jobtype = %saved.name, version = saved.version, "job type version created");
    Ok((StatusCode::CREATED, Json(jobtype_json(&saved))))
}

/// `DELETE /api/v1/jobtypes/{name}`: only while no job uses it.
#[utoipa::path(
    delete,
    operation_id = "delete_jobtype",
    path = "/api/v1/jobtypes/{name}",
    tag = "jobtypes",
    params(("name" = String, Path, description = "Job type name")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    jobtypes::delete(&state.db, &name).await?;
    tracing::info!(jobtype = %name, "job type deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/jobtypes/{name}/versions/{version}`.
#[utoipa::path(
    get,
    operation_id = "get_jobtype_version",
    path = "/api/v1/jobtypes/{name}/versions/{version}",
    tag = "jobtypes",
    params(
        ("name" = String, Path, description = "Job type name"),
        ("version" = i32, Path, description = "Version number, from 1")
    ),
    responses((status = 200, description = "That version", body = JobTypeView), super::openapi::Errors)
)]
pub async fn get_version(
    State(state): State<AppState>,
    ApiPath((name, version)): ApiPath<(String, i32)>,
) -> Result<Json<JobTypeView>, ApiError> {
    Ok(Json(jobtype_json(
        &jobtypes::get(&state.db, &name, Some(version)).await?,
    )))
}

/// Answer of `POST /api/v1/jobs/{job_id}/upgrade_jobtype`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct JobTypeUpgrade {
    /// The job.
    job_id: i64,
    /// The version it was pinned to.
    from_version: i32,
    /// The version it is pinned to now.
    jobtype_version: i32,
}

/// `POST /api/v1/jobs/{job_id}/upgrade_jobtype`: pin the job to its job type's newest version;
/// tasks dispatched from now on run the new definition.
#[utoipa::path(
    post,
    operation_id = "upgrade_job_jobtype",
    path = "/api/v1/jobs/{job_id}/upgrade_jobtype",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    responses((status = 200, description = "The job's old and new version", body = JobTypeUpgrade), super::openapi::Errors)
)]
pub async fn upgrade_job(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
) -> Result<Json<JobTypeUpgrade>, ApiError> {
    let (from, to) = jobtypes::upgrade_job(&state.db, job_id).await?;
    state.dispatcher.job_changed(job_id);
    tracing::info!(
        job_id,
        from,
        to,
        "job upgraded to its job type's newest version"
    );
    Ok(Json(JobTypeUpgrade {
        job_id,
        from_version: from,
        jobtype_version: to,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_definition_becomes_a_spec() {
        let definition: JobTypeDefinition = serde_json::from_value(json!({
            "name": "render",
            "phases": [{"name": "render", "argv": ["render", "{frame}"]}],
            "progress_regex": "(\\d+)%",
        }))
        .expect("a valid definition");
        let (name, _, spec) = definition.into_parts();
        assert_eq!(name.as_deref(), Some("render"));
        assert!(spec.validate().is_ok());
        assert_eq!(spec.phases.len(), 1);
    }
}
