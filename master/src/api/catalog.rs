//! Tags and software across the farm: `/api/v1/tags` and `/api/v1/software`.
//!
//! Tags are made when a job or a worker uses them, or explicitly. Software is what the farm's
//! catalogue defines (admins `PUT` it; workers receive it and run its checks) together with what
//! workers' own checks found.

use std::collections::{BTreeMap, BTreeSet};
use warren_api::requests::NewTag;
pub use warren_api::{
    AgentRef, SoftwareAgent, SoftwareDefinition, SoftwareDetail, SoftwareList, SoftwareVersions,
    SoftwareView, TagList, TagUses, TagView, VersionAgents, VersionCount,
};
use warren_shared::message::{CheckSoftware, Message};
use warren_shared::{SoftwareRequirement, Version};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use warren_shared::requirements::validate_tag;

use super::extract::{ApiJson, ApiPath};
use super::{ApiError, AppState};
use crate::db::write_transaction;
use crate::store;
use crate::store::agents::{self, AgentFilter};
use crate::store::tags;

/// `GET /api/v1/tags`: every tag with how many agents and jobs carry it.
#[utoipa::path(
    get,
    path = "/api/v1/tags",
    tag = "tags",
    responses((status = 200, description = "Tags with agent and job counts", body = TagList), super::openapi::Errors)
)]
pub async fn list_tags(State(state): State<AppState>) -> Result<Json<TagList>, ApiError> {
    let tags = tags::list(&state.db)
        .await?
        .into_iter()
        .map(|tag| TagView {
            name: tag.name,
            agents: tag.n_agents,
            jobs: tag.n_jobs,
        })
        .collect();
    Ok(Json(TagList { tags }))
}

/// `POST /api/v1/tags`: make a tag before anything uses it.
#[utoipa::path(
    post,
    path = "/api/v1/tags",
    tag = "tags",
    request_body = NewTag,
    responses((status = 201, description = "The tag", body = TagView), super::openapi::Errors)
)]
pub async fn create_tag(
    State(state): State<AppState>,
    ApiJson(tag): ApiJson<NewTag>,
) -> Result<(StatusCode, Json<TagView>), ApiError> {
    validate_tag(&tag.name).map_err(|error| ApiError::invalid("name", error))?;
    tags::create(&state.db, &tag.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(TagView {
            name: tag.name,
            agents: 0,
            jobs: 0,
        }),
    ))
}

/// `GET /api/v1/tags/{tag}`: the agents and jobs that carry a tag.
#[utoipa::path(
    get,
    path = "/api/v1/tags/{tag}",
    tag = "tags",
    params(("tag" = String, Path, description = "Tag name")),
    responses((status = 200, description = "The tag's agents and jobs", body = TagUses), super::openapi::Errors)
)]
pub async fn get_tag(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<TagUses>, ApiError> {
    let tag_id = tags::id(&state.db, &name).await?;
    let agents = agents::list(
        &state.db,
        &AgentFilter {
            tag: Some(name.clone()),
            ..AgentFilter::default()
        },
    )
    .await?;
    let jobs = tags::jobs(&state.db, tag_id, 1_000).await?;
    Ok(Json(TagUses {
        name,
        agents: agents
            .iter()
            .map(|record| AgentRef {
                id: record.agent.id.clone(),
                hostname: record.agent.hostname.clone(),
            })
            .collect(),
        jobs,
    }))
}

/// `DELETE /api/v1/tags/{tag}`: only a tag no agent or job carries.
#[utoipa::path(
    delete,
    path = "/api/v1/tags/{tag}",
    tag = "tags",
    params(("tag" = String, Path, description = "Tag name")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete_tag(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    tags::delete(&state.db, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Per software name: whether the catalogue defines it, and per version whether the catalogue
/// defines it and the agents that have it.
#[derive(Default)]
struct SoftwareEntry {
    catalogued: bool,
    versions: BTreeMap<Version, (bool, Vec<SoftwareAgent>)>,
}

type SoftwareMap = BTreeMap<String, SoftwareEntry>;

/// Every software name the catalogue defines or an agent found, with, per version, the agents
/// that have it.
async fn software_map(
    state: &AppState,
    catalogue: &[SoftwareDefinition],
) -> Result<SoftwareMap, ApiError> {
    let records = agents::list(&state.db, &AgentFilter::default()).await?;
    let mut map = SoftwareMap::new();
    for definition in catalogue {
        let entry = map.entry(definition.name.clone()).or_default();
        entry.catalogued = true;
        for version in &definition.versions {
            if let Ok(version) = Version::parse(&version.version) {
                entry.versions.entry(version).or_default().0 = true;
            }
        }
    }
    for record in &records {
        let software = record.software()?;
        for (name, versions) in software {
            let entry = map.entry(name).or_default();
            for version in versions {
                let Ok(version) = Version::parse(&version) else {
                    continue;
                };
                entry
                    .versions
                    .entry(version)
                    .or_default()
                    .1
                    .push(SoftwareAgent {
                        id: record.agent.id.clone(),
                        hostname: record.agent.hostname.clone(),
                        state: record.state().to_string(),
                    });
            }
        }
    }
    Ok(map)
}

/// `GET /api/v1/software`: software the catalogue defines or the workers found, with versions
/// and how many agents have each.
#[utoipa::path(
    get,
    path = "/api/v1/software",
    tag = "software",
    responses((status = 200, description = "Software with versions and agent counts", body = SoftwareList), super::openapi::Errors)
)]
pub async fn list_software(State(state): State<AppState>) -> Result<Json<SoftwareList>, ApiError> {
    let catalogue = store::software::all(&state.db).await?;
    let software = software_map(&state, &catalogue)
        .await?
        .into_iter()
        .map(|(name, entry)| SoftwareView {
            name,
            catalogued: entry.catalogued,
            versions: entry
                .versions
                .into_iter()
                .map(|(version, (catalogued, agents))| VersionCount {
                    version: version.to_string(),
                    agents: agents.len(),
                    catalogued,
                })
                .collect(),
        })
        .collect();
    Ok(Json(SoftwareList { software }))
}

/// `GET /api/v1/software/{name}`: one piece of software's definition, versions and the agents
/// with each.
#[utoipa::path(
    get,
    path = "/api/v1/software/{name}",
    tag = "software",
    params(("name" = String, Path, description = "Software name")),
    responses((status = 200, description = "Versions with their agents", body = SoftwareDetail), super::openapi::Errors)
)]
pub async fn get_software(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<SoftwareDetail>, ApiError> {
    let catalogue = store::software::all(&state.db).await?;
    let mut map = software_map(&state, &catalogue).await?;
    let entry = map.remove(&name).ok_or_else(|| {
        ApiError::NotFound(format!(
            "software `{name}` is not in the catalogue and no agent has it"
        ))
    })?;
    Ok(Json(SoftwareDetail {
        versions: entry
            .versions
            .into_iter()
            .map(|(version, (catalogued, agents))| VersionAgents {
                version: version.to_string(),
                catalogued,
                agents,
            })
            .collect(),
        definition: catalogue
            .into_iter()
            .find(|definition| definition.name == name),
        name,
    }))
}

/// Operating systems a catalogue check may name (as `std::env::consts::OS` spells them).
const SYSTEMS: [&str; 3] = ["linux", "macos", "windows"];

/// Check a catalogue definition, naming the field at fault.
fn validate_definition(name: &str, body: &SoftwareVersions) -> Result<(), ApiError> {
    let invalid = |message: String| ApiError::invalid("versions", message);
    if !warren_api::domain::is_short_name(name) {
        return Err(ApiError::invalid(
            "name",
            format!("`{name}` is not a software name: 1 to 64 letters, digits, `-`, `_` or `.`"),
        ));
    }
    if body.versions.is_empty() {
        return Err(invalid("give at least one version".to_owned()));
    }
    let mut seen = Vec::new();
    for version in &body.versions {
        let label = &version.version;
        let parsed = Version::parse(label)
            .map_err(|error| invalid(format!("version `{label}`: {error}")))?;
        if seen.contains(&parsed) {
            return Err(invalid(format!("version `{label}` is given twice")));
        }
        seen.push(parsed);
        if version.checks.is_empty() {
            return Err(invalid(format!(
                "version `{label}` has no check: give one per operating system"
            )));
        }
        let systems = version.checks.keys().chain(version.paths.keys());
        for system in systems {
            if !SYSTEMS.contains(&system.as_str()) {
                return Err(invalid(format!(
                    "version `{label}`: unknown operating system `{system}`; use {}",
                    SYSTEMS.join(", ")
                )));
            }
        }
        for (system, check) in &version.checks {
            if check.command.first().is_none_or(String::is_empty) {
                return Err(invalid(format!(
                    "version `{label}` on {system}: the check's command is empty"
                )));
            }
            if check.command.iter().any(|part| part.contains("{path}"))
                && !version.paths.contains_key(system)
            {
                return Err(invalid(format!(
                    "version `{label}` on {system}: the command uses `{{path}}` but no path is given for {system}"
                )));
            }
            if let Some(pattern) = &check.regex {
                regex::Regex::new(pattern).map_err(|error| {
                    invalid(format!("version `{label}` on {system}: bad regex: {error}"))
                })?;
            }
        }
        for (system, path) in &version.paths {
            if path.trim().is_empty() {
                return Err(invalid(format!(
                    "version `{label}` on {system}: the path is empty"
                )));
            }
        }
    }
    Ok(())
}

/// `PUT /api/v1/software/{name}`: define a piece of software in the catalogue, or replace its
/// definition (admins). Every agent checks again.
#[utoipa::path(
    put,
    operation_id = "define_software",
    path = "/api/v1/software/{name}",
    tag = "software",
    params(("name" = String, Path, description = "Software name")),
    request_body = SoftwareVersions,
    responses(
        (status = 200, description = "The definition replaced the one held", body = SoftwareDefinition),
        (status = 201, description = "The software is new to the catalogue", body = SoftwareDefinition),
        super::openapi::Errors
    )
)]
pub async fn put_software(
    State(state): State<AppState>,
    axum::Extension(principal): axum::Extension<crate::auth::Principal>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<SoftwareVersions>,
) -> Result<(StatusCode, Json<SoftwareDefinition>), ApiError> {
    validate_definition(&name, &body)?;
    let definition = SoftwareDefinition {
        name,
        versions: body.versions,
    };
    let created = {
        let definition = &definition;
        let principal = &principal;
        write_transaction(&state.db, |transaction| async move {
            Ok::<_, ApiError>(
                store::software::put(&*transaction, definition, Some(&principal.username)).await?,
            )
        })
        .await?
    };
    recheck_agents(&state).await?;
    tracing::info!(software = %definition.name, created, "software catalogue changed");
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(definition)))
}

/// `DELETE /api/v1/software/{name}`: remove a piece of software from the catalogue (admins).
/// Agents check again; what their own configuration finds stays.
#[utoipa::path(
    delete,
    operation_id = "remove_software",
    path = "/api/v1/software/{name}",
    tag = "software",
    params(("name" = String, Path, description = "Software name")),
    responses((status = 204, description = "Removed"), super::openapi::Errors)
)]
pub async fn delete_software(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    if !store::software::delete(&state.db, &name).await? {
        return Err(ApiError::NotFound(format!(
            "software `{name}` is not in the catalogue"
        )));
    }
    recheck_agents(&state).await?;
    tracing::info!(software = %name, "software removed from the catalogue");
    Ok(StatusCode::NO_CONTENT)
}

/// Send every worker the catalogue as it is now, so they run its checks again.
async fn recheck_agents(state: &AppState) -> Result<(), ApiError> {
    let catalogue = store::software::all(&state.db).await?;
    let check = Message::CheckSoftware(CheckSoftware {
        catalogue: Some(catalogue),
    });
    state.control.send(vec![state.control.to_all(&check)]).await;
    Ok(())
}

/// Refuse software requirements naming software that neither the catalogue defines nor any
/// agent reported: such a job could never run, and the name is most likely mistyped.
pub(super) async fn check_known_software(
    db: &sea_orm::DatabaseConnection,
    requirements: &[SoftwareRequirement],
) -> Result<(), ApiError> {
    if requirements.is_empty() {
        return Ok(());
    }
    let mut known: BTreeSet<String> = store::software::all(db)
        .await?
        .into_iter()
        .map(|definition| definition.name)
        .collect();
    // Every agent's report is read only when the catalogue does not answer alone.
    if requirements
        .iter()
        .any(|requirement| !known.contains(&requirement.software))
    {
        for record in agents::list(db, &AgentFilter::default()).await? {
            known.extend(record.software()?.into_keys());
        }
    }
    for requirement in requirements {
        if !known.contains(&requirement.software) {
            return Err(ApiError::invalid(
                "software_requirements",
                format!(
                    "unknown software `{}`: define it in the software catalogue (`warren software define`) or on an agent",
                    requirement.software
                ),
            ));
        }
    }
    Ok(())
}
