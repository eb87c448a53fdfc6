//! Path maps: `/api/v1/pathmaps`. Workers get them with every task and rewrite paths of other
//! systems into their own (see `warren_shared::pathmap`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use warren_api::requests::PathMapBody;
pub use warren_api::{PathMapList, PathMapView};

use warren_shared::PathMap;

use super::extract::{ApiJson, ApiPath};
use super::{ApiError, AppState};
use crate::db::rfc3339;
use crate::store::pathmaps;

/// A root without its trailing separators, or why it is not an absolute path of its system.
fn root(
    field: &'static str,
    value: Option<String>,
    windows: bool,
) -> Result<Option<String>, ApiError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let trimmed = value.trim_end_matches(['/', '\\']).to_owned();
    let absolute = if windows {
        let bytes = trimmed.as_bytes();
        (bytes.len() >= 3
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && bytes[2] == b'\\')
            || (trimmed.starts_with(r"\\") && trimmed.len() > 2)
    } else {
        trimmed.starts_with('/') && trimmed.len() > 1
    };
    if !absolute || trimmed.len() > 512 || trimmed.chars().any(char::is_control) {
        let example = if windows {
            r"`P:\projects` or `\\server\share`"
        } else {
            "`/mnt/projects`"
        };
        return Err(ApiError::invalid(
            field,
            format!("`{value}` is not an absolute path below the root, like {example}"),
        ));
    }
    Ok(Some(trimmed))
}

/// The path map a body describes, or why it is not one.
fn path_map(body: PathMapBody) -> Result<PathMap, ApiError> {
    let map = PathMap {
        linux: root("path_linux", body.path_linux, false)?,
        windows: root("path_windows", body.path_windows, true)?,
        macos: root("path_macos", body.path_macos, false)?,
        tag: body.tag,
    };
    if let Some(tag) = &map.tag {
        warren_shared::requirements::validate_tag(tag)
            .map_err(|error| ApiError::invalid("tag", error))?;
    }
    let roots = [&map.linux, &map.windows, &map.macos]
        .iter()
        .filter(|root| root.is_some())
        .count();
    if roots < 2 {
        return Err(ApiError::invalid(
            "path_linux",
            "a path map needs the root of at least two systems",
        ));
    }
    Ok(map)
}

impl From<pathmaps::StoredPathMap> for PathMapView {
    fn from(map: pathmaps::StoredPathMap) -> Self {
        Self {
            id: map.id,
            path_linux: map.path_linux,
            path_windows: map.path_windows,
            path_macos: map.path_macos,
            tag: map.tag,
            time_created: rfc3339(map.time_created),
        }
    }
}

/// `GET /api/v1/pathmaps`.
#[utoipa::path(
    get,
    operation_id = "list_pathmaps",
    path = "/api/v1/pathmaps",
    tag = "pathmaps",
    responses((status = 200, description = "Every path map", body = PathMapList), super::openapi::Errors)
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<PathMapList>, ApiError> {
    let pathmaps = pathmaps::list(&state.db)
        .await?
        .into_iter()
        .map(PathMapView::from)
        .collect();
    Ok(Json(PathMapList { pathmaps }))
}

/// `POST /api/v1/pathmaps`: tasks dispatched from now on carry it.
#[utoipa::path(
    post,
    operation_id = "create_pathmap",
    path = "/api/v1/pathmaps",
    tag = "pathmaps",
    request_body = PathMapBody,
    responses((status = 201, description = "The path map", body = PathMapView), super::openapi::Errors)
)]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PathMapBody>,
) -> Result<(StatusCode, Json<PathMapView>), ApiError> {
    let map = path_map(body)?;
    let map_id = pathmaps::create(&state.db, &map).await?;
    state.dispatcher.settings_changed();
    Ok((
        StatusCode::CREATED,
        Json(pathmaps::get(&state.db, map_id).await?.into()),
    ))
}

/// `GET /api/v1/pathmaps/{map_id}`.
#[utoipa::path(
    get,
    operation_id = "get_pathmap",
    path = "/api/v1/pathmaps/{map_id}",
    tag = "pathmaps",
    params(("map_id" = i64, Path, description = "Path map id")),
    responses((status = 200, description = "The path map", body = PathMapView), super::openapi::Errors)
)]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(map_id): ApiPath<i64>,
) -> Result<Json<PathMapView>, ApiError> {
    Ok(Json(pathmaps::get(&state.db, map_id).await?.into()))
}

/// `PUT /api/v1/pathmaps/{map_id}`: replace a path map.
#[utoipa::path(
    put,
    operation_id = "replace_pathmap",
    path = "/api/v1/pathmaps/{map_id}",
    tag = "pathmaps",
    params(("map_id" = i64, Path, description = "Path map id")),
    request_body = PathMapBody,
    responses((status = 200, description = "The path map", body = PathMapView), super::openapi::Errors)
)]
pub async fn replace(
    State(state): State<AppState>,
    ApiPath(map_id): ApiPath<i64>,
    ApiJson(body): ApiJson<PathMapBody>,
) -> Result<Json<PathMapView>, ApiError> {
    let map = path_map(body)?;
    pathmaps::replace(&state.db, map_id, &map).await?;
    state.dispatcher.settings_changed();
    Ok(Json(pathmaps::get(&state.db, map_id).await?.into()))
}

/// `DELETE /api/v1/pathmaps/{map_id}`.
#[utoipa::path(
    delete,
    operation_id = "delete_pathmap",
    path = "/api/v1/pathmaps/{map_id}",
    tag = "pathmaps",
    params(("map_id" = i64, Path, description = "Path map id")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiPath(map_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    pathmaps::delete(&state.db, map_id).await?;
    state.dispatcher.settings_changed();
    Ok(StatusCode::NO_CONTENT)
}
