//! Job types and their versions. A version is never changed: a new definition is a new
//! version, jobs keep the version they pinned until upgraded.

use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{Result, StoreError};
use crate::db::{backend_of, is_unique_violation, now_us, sql, write_transaction};
use crate::jobtype::JobTypeSpec;

/// A job type with its newest version.
#[derive(Debug, Clone)]
pub struct JobTypeVersion {
    /// Name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// This version's number, from 1.
    pub version: i32,
    /// Every version number, oldest first.
    pub versions: Vec<i32>,
    /// The definition.
    pub spec: JobTypeSpec,
    /// When this version was made (µs).
    pub time_created: i64,
}

/// Check a job type name: 1–64 letters, digits, `_` and `-`.
pub fn validate_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-');
    if valid {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "name",
            format!("`{name}` is not a valid job type name: use 1-64 letters, digits, `_` or `-`"),
        ))
    }
}

/// A job type joined to one of its versions, as stored.
#[derive(FromQueryResult)]
struct VersionRow {
    name: String,
    description: String,
    version: i32,
    spec: String,
    time_created: i64,
}

#[derive(FromQueryResult)]
struct VersionNumber {
    version: i32,
}

#[derive(FromQueryResult)]
struct Newest {
    id: i64,
    newest: Option<i64>,
}

#[derive(FromQueryResult)]
struct TypeUse {
    id: i64,
    n_jobs: i64,
}

#[derive(FromQueryResult)]
struct PinnedVersion {
    version: i32,
    job_type_id: i64,
    data: String,
}

#[derive(FromQueryResult)]
struct NewestVersion {
    id: i64,
    version: i32,
}

fn version_of(row: VersionRow, versions: Vec<i32>) -> Result<JobTypeVersion> {
    Ok(JobTypeVersion {
        spec: JobTypeSpec::parse(&row.spec)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?,
        name: row.name,
        description: row.description,
        version: row.version,
        versions,
        time_created: row.time_created,
    })
}

async fn versions(connection: &impl ConnectionTrait, name: &str) -> Result<Vec<i32>> {
    let rows = VersionNumber::find_by_statement(sql(
        backend_of(connection),
        "SELECT v.version FROM job_type_versions v JOIN job_types t ON t.id = v.job_type_id \
         WHERE t.name = ? ORDER BY v.version",
        vec![name.into()],
    ))
    .all(connection)
    .await?;
    Ok(rows.into_iter().map(|row| row.version).collect())
}

/// One version of a job type (the newest when `version` is `None`).
pub async fn get(
    connection: &impl ConnectionTrait,
    name: &str,
    version: Option<i32>,
) -> Result<JobTypeVersion> {
    let versions = versions(connection, name).await?;
    let Some(newest) = versions.last().copied() else {
        return Err(StoreError::NotFound(format!("job type `{name}` not found")));
    };
    let wanted = version.unwrap_or(newest);
    let row = VersionRow::find_by_statement(sql(
        backend_of(connection),
        "SELECT t.name, t.description, v.version, v.spec, v.time_created \
         FROM job_type_versions v JOIN job_types t ON t.id = v.job_type_id \
         WHERE t.name = ? AND v.version = ?",
        vec![name.into(), wanted.into()],
    ))
    .one(connection)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("job type `{name}` has no version {wanted}")))?;
    version_of(row, versions)
}

/// Every job type with its newest version, by name.
pub async fn list(connection: &impl ConnectionTrait) -> Result<Vec<JobTypeVersion>> {
    let rows = VersionRow::find_by_statement(sql(
        backend_of(connection),
        "SELECT t.name, t.description, v.version, v.spec, v.time_created \
         FROM job_types t JOIN job_type_versions v ON v.job_type_id = t.id \
         ORDER BY t.name, v.version",
        Vec::new(),
    ))
    .all(connection)
    .await?;
    let mut types: Vec<JobTypeVersion> = Vec::new();
    for row in rows {
        let version = row.version;
        match types.last_mut() {
            Some(last) if last.name == row.name => {
                let mut versions = std::mem::take(&mut last.versions);
                versions.push(version);
                *last = version_of(row, versions)?;
            }
            _ => types.push(version_of(row, vec![version])?),
        }
    }
    Ok(types)
}

/// Create a job type (version 1), or a new version of an existing one when `new_version`.
pub async fn save(
    connection: &sea_orm::DatabaseConnection,
    name: &str,
    description: Option<&str>,
    spec: &JobTypeSpec,
    new_version: bool,
) -> Result<JobTypeVersion> {
    validate_name(name)?;
    spec.validate()
        .map_err(|message| StoreError::invalid("spec", message))?;
    let text = serde_json::to_string(spec).expect("a job type spec serializes");
    let text = &text;
    let version = write_transaction(connection, |transaction| async move {
        let transaction = &*transaction;
        let backend = backend_of(transaction);
        let now = now_us();
        let existing = Newest::find_by_statement(sql(
            backend,
            "SELECT t.id, CAST(COALESCE(MAX(v.version), 0) AS BIGINT) AS newest FROM job_types t \
             LEFT JOIN job_type_versions v ON v.job_type_id = t.id WHERE t.name = ? GROUP BY t.id",
            vec![name.into()],
        ))
        .one(transaction)
        .await?;
        let (type_id, version) = match (existing, new_version) {
            (Some(_), false) => {
                return Err(StoreError::Conflict(format!(
                    "job type `{name}` already exists: PUT /api/v1/jobtypes/{name} makes a new version"
                )));
            }
            (None, true) => return Err(StoreError::NotFound(format!("job type `{name}` not found"))),
            (Some(row), true) => {
                let type_id = row.id;
                let newest = row.newest.unwrap_or(0);
                if let Some(description) = description {
                    transaction
                        .execute_raw(sql(
                            backend,
                            "UPDATE job_types SET description = ? WHERE id = ?",
                            vec![description.into(), type_id.into()],
                        ))
                        .await?;
                }
                (type_id, newest as i32 + 1)
            }
            (None, false) => {
                let row = super::Id::find_by_statement(sql(
                    backend,
                    "INSERT INTO job_types (name, description, time_created) VALUES (?, ?, ?) RETURNING id",
                    vec![name.into(), description.unwrap_or("").into(), now.into()],
                ))
                .one(transaction)
                .await
                    .map_err(|error| {
                        if is_unique_violation(&error) {
                            StoreError::Conflict(format!("job type `{name}` already exists"))
                        } else {
                            StoreError::Db(error)
                        }
                    })?
                    .ok_or_else(|| StoreError::Corrupt("INSERT returned no row".to_owned()))?;
                (row.id, 1)
            }
        };
        transaction
            .execute_raw(sql(
                backend,
                "INSERT INTO job_type_versions (job_type_id, version, spec, time_created) VALUES (?, ?, ?, ?)",
                vec![type_id.into(), version.into(), text.as_str().into(), now.into()],
            ))
            .await?;
        Ok::<_, StoreError>(version)
    })
    .await?;
    get(connection, name, Some(version)).await
}

/// Delete a job type and its versions; refused while a job uses it.
pub async fn delete(connection: &sea_orm::DatabaseConnection, name: &str) -> Result<()> {
    write_transaction(connection, |transaction| async move {
        let transaction = &*transaction;
        let backend = backend_of(transaction);
        let TypeUse {
            id: type_id,
            n_jobs,
        } = TypeUse::find_by_statement(sql(
            backend,
            "SELECT t.id, (SELECT COUNT(*) FROM jobs j JOIN job_type_versions v ON v.id = j.job_type_version_id \
             WHERE v.job_type_id = t.id) AS n_jobs FROM job_types t WHERE t.name = ?",
            vec![name.into()],
        ))
        .one(transaction)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("job type `{name}` not found")))?;
        if n_jobs > 0 {
            return Err(StoreError::Conflict(format!(
                "job type `{name}` is used by {n_jobs} jobs; delete them first"
            )));
        }
        for statement in [
            "DELETE FROM job_type_versions WHERE job_type_id = ?",
            "DELETE FROM job_types WHERE id = ?",
        ] {
            transaction
                .execute_raw(sql(backend, statement, vec![type_id.into()]))
                .await?;
        }
        Ok::<_, StoreError>(())
    })
    .await?;
    Ok(())
}

/// Pin a job to the newest version of its job type; returns (old, new) version numbers.
/// The job's data must still fit the new version's templates.
pub async fn upgrade_job(
    connection: &sea_orm::DatabaseConnection,
    job_id: i64,
) -> Result<(i32, i32)> {
    let (current, newest_version) = write_transaction(connection, |transaction| async move {
        let transaction = &*transaction;
        let backend = backend_of(transaction);
        let PinnedVersion {
            version: current,
            job_type_id: type_id,
            data,
        } = PinnedVersion::find_by_statement(sql(
            backend,
            "SELECT v.version, v.job_type_id, j.data FROM jobs j JOIN job_type_versions v ON v.id = j.job_type_version_id WHERE j.id = ?",
            vec![job_id.into()],
        ))
        .one(transaction)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("job {job_id} not found")))?;
        let NewestVersion {
            id: newest_id,
            version: newest_version,
        } = NewestVersion::find_by_statement(sql(
            backend,
            "SELECT id, version FROM job_type_versions WHERE job_type_id = ? ORDER BY version DESC LIMIT 1",
            vec![type_id.into()],
        ))
        .one(transaction)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("job {job_id}'s job type has no version")))?;
        if newest_version != current {
            let data: serde_json::Value = serde_json::from_str(&data).map_err(|error| {
                StoreError::Corrupt(format!("job {job_id}'s data is not JSON: {error}"))
            })?;
            super::jobs::check_data(transaction, newest_id, &data).await?;
            transaction
                .execute_raw(sql(
                    backend,
                    "UPDATE jobs SET job_type_version_id = ? WHERE id = ?",
                    vec![newest_id.into(), job_id.into()],
                ))
                .await?;
        }
        Ok::<_, StoreError>((current, newest_version))
    })
    .await?;
    Ok((current, newest_version))
}

/// The job types that come with Warren besides `command` (which the schema creates).
pub const SHIPPED: [(&str, &str); 2] = [
    ("blender", include_str!("../../jobtypes/blender.json")),
    ("ffmpeg", include_str!("../../jobtypes/ffmpeg.json")),
];

/// Create the shipped job types that do not exist yet (a farm's own changes are kept).
pub async fn ensure_shipped(connection: &sea_orm::DatabaseConnection) -> Result<()> {
    for (name, text) in SHIPPED {
        if !versions(connection, name).await?.is_empty() {
            continue;
        }
        let mut definition: serde_json::Value = serde_json::from_str(text)
            .map_err(|error| StoreError::Corrupt(format!("shipped job type {name}: {error}")))?;
        let description = definition
            .as_object_mut()
            .and_then(|fields| {
                fields.remove("name");
                fields.remove("description")
            })
            .and_then(|value| value.as_str().map(str::to_owned));
        let spec: JobTypeSpec = serde_json::from_value(definition)
            .map_err(|error| StoreError::Corrupt(format!("shipped job type {name}: {error}")))?;
        match save(connection, name, description.as_deref(), &spec, false).await {
            Ok(_) | Err(StoreError::Conflict(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_definitions_are_valid() {
        for (name, text) in SHIPPED {
            let mut definition: serde_json::Value =
                serde_json::from_str(text).expect("shipped definitions are JSON");
            assert_eq!(definition["name"], name);
            if let Some(fields) = definition.as_object_mut() {
                fields.remove("name");
                fields.remove("description");
            }
            let spec: JobTypeSpec =
                serde_json::from_value(definition).expect("shipped definitions are specs");
            assert_eq!(spec.validate(), Ok(()), "{name}");
            assert!(!spec.software_requirements.is_empty(), "{name}");
        }
    }
}
