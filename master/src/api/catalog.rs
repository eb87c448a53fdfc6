//! Tags and software across the farm: `/api/v1/tags` and `/api/v1/software`.
//!
//! Tags are made when a job or a worker uses them, or explicitly; software is what workers
//! report their checks found, so `/api/v1/software` is a read-only view over the agents.

use std::collections::BTreeMap;
pub use warren_api::{
    AgentRef, SoftwareAgent, SoftwareDetail, SoftwareList, SoftwareView, TagList, TagUses, TagView,
    VersionAgents, VersionCount,
};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use warren_shared::requirements::validate_tag;

use super::extract::{ApiJson, ApiPath};
use super::{ApiError, AppState};
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

/// Body of `POST /api/v1/tags`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTag {
    /// Tag name.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,48}$")]
    name: String,
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

type SoftwareMap = BTreeMap<String, BTreeMap<String, Vec<SoftwareAgent>>>;

/// Every software name with, per version, the agents that have it.
async fn software_map(state: &AppState) -> Result<SoftwareMap, ApiError> {
    let records = agents::list(&state.db, &AgentFilter::default()).await?;
    let mut map = SoftwareMap::new();
    for record in &records {
        let software = record.software()?;
        for (name, versions) in software {
            let entry = map.entry(name).or_default();
            for version in versions {
                entry.entry(version).or_default().push(SoftwareAgent {
                    id: record.agent.id.clone(),
                    hostname: record.agent.hostname.clone(),
                    state: record.state().to_string(),
                });
            }
        }
    }
    Ok(map)
}

/// `GET /api/v1/software`: software the workers found, with versions and how many agents have
/// each.
#[utoipa::path(
    get,
    path = "/api/v1/software",
    tag = "software",
    responses((status = 200, description = "Software with versions and agent counts", body = SoftwareList), super::openapi::Errors)
)]
pub async fn list_software(State(state): State<AppState>) -> Result<Json<SoftwareList>, ApiError> {
    let software = software_map(&state)
        .await?
        .into_iter()
        .map(|(name, versions)| SoftwareView {
            name,
            versions: versions
                .into_iter()
                .map(|(version, agents)| VersionCount {
                    version,
                    agents: agents.len(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(SoftwareList { software }))
}

/// `GET /api/v1/software/{name}`: one piece of software's versions and the agents with each.
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
    let mut map = software_map(&state).await?;
    let versions = map
        .remove(&name)
        .ok_or_else(|| ApiError::NotFound(format!("no agent has software `{name}`")))?;
    Ok(Json(SoftwareDetail {
        name,
        versions: versions
            .into_iter()
            .map(|(version, agents)| VersionAgents { version, agents })
            .collect(),
    }))
}
