//! Reading and changing agents.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder,
};
use warren_shared::{AgentCapabilities, AgentState, Heartbeat, Hello};

use super::{Result, StoreError};
use crate::db::{backend_of, now_us, sql};
use crate::entities::{agent, agent_tag, tag};

/// An agent row with its tags.
#[derive(Debug, Clone)]
pub struct AgentRecord {
    /// The row.
    pub agent: agent::Model,
    /// Its tags, sorted.
    pub tags: Vec<String>,
}

impl AgentRecord {
    /// The software the agent found: name → versions.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when the stored list does not parse.
    pub fn software(&self) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
        super::json_column(
            format!("agent {}", self.agent.id),
            "software",
            &self.agent.software,
        )
    }

    /// The state users see: `revoked` overrides everything, `disabled` the connection state.
    #[must_use]
    pub fn state(&self) -> String {
        if self.agent.disabled && self.agent.state != AgentState::Revoked.as_str() {
            AgentState::Disabled.as_str().to_owned()
        } else {
            self.agent.state.clone()
        }
    }
}

/// Filters for listing agents.
#[derive(Debug, Clone, Default)]
pub struct AgentFilter {
    /// Only agents in this state.
    pub state: Option<AgentState>,
    /// Only agents offering at least this much RAM (MB).
    pub min_ram: Option<i64>,
    /// Only agents offering at most this much RAM (MB).
    pub max_ram: Option<i64>,
    /// Only agents offering at least this many CPUs.
    pub min_cpus: Option<i32>,
    /// Only agents offering at most this many CPUs.
    pub max_cpus: Option<i32>,
    /// Only agents with this host name.
    pub hostname: Option<String>,
    /// Only agents with this tag.
    pub tag: Option<String>,
}

/// Tags of the given agents.
pub async fn tags_of(
    connection: &impl ConnectionTrait,
    agent_ids: Vec<String>,
) -> Result<HashMap<String, Vec<String>>> {
    let rows = connection
        .query_all(
            &Query::select()
                .column((agent_tag::Entity, agent_tag::Column::AgentId))
                .column((tag::Entity, tag::Column::Name))
                .from(agent_tag::Entity)
                .inner_join(
                    tag::Entity,
                    Expr::col((tag::Entity, tag::Column::Id))
                        .equals((agent_tag::Entity, agent_tag::Column::TagId)),
                )
                .and_where(
                    Expr::col((agent_tag::Entity, agent_tag::Column::AgentId)).is_in(agent_ids),
                )
                .to_owned(),
        )
        .await?;
    let mut tags: HashMap<String, Vec<String>> = HashMap::new();
    #[derive(FromQueryResult)]
    struct AgentTag {
        agent_id: String,
        name: String,
    }
    for row in rows {
        let row = AgentTag::from_query_result(&row, "")?;
        tags.entry(row.agent_id).or_default().push(row.name);
    }
    for names in tags.values_mut() {
        names.sort();
    }
    Ok(tags)
}

/// Make the agent of a new enrollment: `pending` until its node joins and says hello, named
/// `name`, with `tags` as its tags (an override, as `PATCH /api/v1/agents/{id}` sets them).
pub async fn create_pending(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    name: &str,
    tags: Option<&BTreeSet<String>>,
) -> Result<(), DbErr> {
    use sea_orm::{ActiveModelTrait as _, ActiveValue::Set};
    let now = crate::db::now_us();
    agent::ActiveModel {
        id: Set(agent_id.to_owned()),
        hostname: Set(name.to_owned()),
        addresses: Set("[]".to_owned()),
        os: Set(String::new()),
        os_name: Set(String::new()),
        cpu_name: Set(String::new()),
        cpus: Set(0),
        ram: Set(0),
        free_ram: Set(0),
        load: Set(0.0),
        gpus: Set("[]".to_owned()),
        gpu_devices: Set(None),
        started_at: Set(None),
        disks: Set("[]".to_owned()),
        software: Set("{}".to_owned()),
        state: Set(AgentState::Pending.as_str().to_owned()),
        disabled: Set(false),
        version: Set(String::new()),
        notes: Set(String::new()),
        last_heard_from: Set(now),
        time_created: Set(now),
        tags_override: Set(
            tags.map(|tags| serde_json::to_string(tags).expect("a tag list serializes"))
        ),
    }
    .insert(connection)
    .await?;
    if let Some(tags) = tags {
        set_tags(connection, agent_id, tags).await?;
    }
    Ok(())
}

/// Delete an agent's row and its tags (an enrollment that could not be completed).
pub async fn delete(connection: &impl ConnectionTrait, agent_id: &str) -> Result<(), DbErr> {
    for statement in [
        "DELETE FROM agent_tags WHERE agent_id = ?",
        "DELETE FROM agents WHERE id = ?",
    ] {
        connection
            .execute_raw(sql(
                connection.get_database_backend(),
                statement,
                vec![agent_id.into()],
            ))
            .await?;
    }
    Ok(())
}

/// Replace an agent's tags.
pub async fn set_tags(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    tags: &BTreeSet<String>,
) -> Result<(), DbErr> {
    let backend = connection.get_database_backend();
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM agent_tags WHERE agent_id = ?",
            vec![agent_id.into()],
        ))
        .await?;
    let tag_ids = super::jobs::tag_ids(connection, tags)
        .await
        .map_err(|error| match error {
            StoreError::Db(db_error) => db_error,
            other => DbErr::Custom(other.to_string()),
        })?;
    if !tag_ids.is_empty() {
        let mut insert = Query::insert()
            .into_table(agent_tag::Entity)
            .columns([agent_tag::Column::AgentId, agent_tag::Column::TagId])
            .to_owned();
        for tag_id in tag_ids {
            insert.values_panic([agent_id.into(), tag_id.into()]);
        }
        connection.execute(&insert).await?;
    }
    Ok(())
}

/// The capabilities of every online, enabled agent: what dispatch windows are sized by and what
/// decides whether a job can run at all.
pub async fn online_capabilities(
    connection: &impl ConnectionTrait,
) -> Result<Vec<AgentCapabilities>> {
    Ok(online_agents(connection)
        .await?
        .into_iter()
        .map(|(_, capabilities)| capabilities)
        .collect())
}

/// Every online, enabled agent's id and capabilities.
pub async fn online_agents(
    connection: &impl ConnectionTrait,
) -> Result<Vec<(String, AgentCapabilities)>> {
    let rows = agent::Entity::find()
        .filter(
            agent::Column::State.is_in([AgentState::Online.as_str(), AgentState::Running.as_str()]),
        )
        .filter(agent::Column::Disabled.eq(false))
        .all(connection)
        .await?;
    with_capabilities(connection, rows).await
}

/// The ids and capabilities of the given agents (those that exist).
pub async fn capabilities_of(
    connection: &impl ConnectionTrait,
    agent_ids: Vec<String>,
) -> Result<Vec<(String, AgentCapabilities)>> {
    let rows = agent::Entity::find()
        .filter(agent::Column::Id.is_in(agent_ids))
        .all(connection)
        .await?;
    with_capabilities(connection, rows).await
}

async fn with_capabilities(
    connection: &impl ConnectionTrait,
    rows: Vec<agent::Model>,
) -> Result<Vec<(String, AgentCapabilities)>> {
    let mut tags = tags_of(connection, rows.iter().map(|row| row.id.clone()).collect()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            // An agent whose stored software list does not parse cannot be matched against
            // requirements: it is left out (and said so) rather than taken to have none.
            let software =
                super::json_column(format!("agent {}", row.id), "software", &row.software)
                    .inspect_err(
                        |error| tracing::error!(%error, "leaving an agent out of matching"),
                    )
                    .ok()?;
            let capabilities = AgentCapabilities {
                tags: tags
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
                software,
                cpus: Ord::max(row.cpus, 0) as u32,
                ram_mb: Ord::max(row.ram, 0) as u64,
                gpus: row
                    .gpu_devices
                    .as_deref()
                    .map(|text| {
                        super::json_column::<Vec<warren_shared::GpuDevice>>(
                            format!("agent {}", row.id),
                            "gpu_devices",
                            text,
                        )
                    })
                    .transpose()
                    .inspect_err(
                        |error| tracing::error!(%error, "leaving an agent out of matching"),
                    )
                    .ok()?
                    .unwrap_or_default()
                    .iter()
                    .map(|gpu| gpu.ram_mb)
                    .collect(),
            };
            Some((row.id, capabilities))
        })
        .collect())
}

/// One agent.
pub async fn get(connection: &impl ConnectionTrait, agent_id: &str) -> Result<AgentRecord> {
    let agent = agent::Entity::find_by_id(agent_id.to_owned())
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("agent {agent_id} not found")))?;
    let mut tags = tags_of(connection, vec![agent.id.clone()]).await?;
    Ok(AgentRecord {
        tags: tags.remove(&agent.id).unwrap_or_default(),
        agent,
    })
}

/// Agents matching `filter`, by host name.
pub async fn list(
    connection: &DatabaseConnection,
    filter: &AgentFilter,
) -> Result<Vec<AgentRecord>> {
    let mut query = agent::Entity::find()
        .order_by_asc(agent::Column::Hostname)
        .order_by_asc(agent::Column::Id);
    match filter.state {
        Some(AgentState::Disabled) => query = query.filter(agent::Column::Disabled.eq(true)),
        Some(other) => {
            query = query
                .filter(agent::Column::State.eq(other.as_str()))
                .filter(agent::Column::Disabled.eq(false));
        }
        None => {}
    }
    if let Some(min_ram) = filter.min_ram {
        query = query.filter(agent::Column::Ram.gte(min_ram));
    }
    if let Some(max_ram) = filter.max_ram {
        query = query.filter(agent::Column::Ram.lte(max_ram));
    }
    if let Some(min_cpus) = filter.min_cpus {
        query = query.filter(agent::Column::Cpus.gte(min_cpus));
    }
    if let Some(max_cpus) = filter.max_cpus {
        query = query.filter(agent::Column::Cpus.lte(max_cpus));
    }
    if let Some(hostname) = &filter.hostname {
        query = query.filter(agent::Column::Hostname.eq(hostname.as_str()));
    }
    let rows = query.all(connection).await?;
    let mut tags = tags_of(connection, rows.iter().map(|row| row.id.clone()).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|agent| AgentRecord {
            tags: tags.remove(&agent.id).unwrap_or_default(),
            agent,
        })
        .filter(|record| {
            filter
                .tag
                .as_ref()
                .is_none_or(|tag| record.tags.contains(tag))
        })
        .collect())
}

/// Record an agent's hello: its row is made or refreshed with what it reports, with `state`,
/// and its tags are those it reports unless an operator set them.
pub async fn record_hello(
    transaction: &impl ConnectionTrait,
    hello: &Hello,
    state: AgentState,
) -> Result<(), DbErr> {
    let agent_id = hello.agent_id.to_string();
    let now = now_us();
    let software = serde_json::to_string(&hello.software).expect("software map serializes");
    let addresses = serde_json::to_string(&hello.addresses).expect("address list serializes");
    let gpus = serde_json::to_string(&hello.gpus).expect("GPU list serializes");
    let gpu_devices =
        serde_json::to_string(&hello.gpu_devices).expect("GPU device list serializes");
    let disks = serde_json::to_string(&hello.disks).expect("disk list serializes");
    let upsert = Query::insert()
        .into_table(agent::Entity)
        .columns([
            agent::Column::Id,
            agent::Column::Hostname,
            agent::Column::Addresses,
            agent::Column::Os,
            agent::Column::OsName,
            agent::Column::CpuName,
            agent::Column::Cpus,
            agent::Column::Ram,
            agent::Column::FreeRam,
            agent::Column::Software,
            agent::Column::Gpus,
            agent::Column::GpuDevices,
            agent::Column::StartedAt,
            agent::Column::Disks,
            agent::Column::State,
            agent::Column::Version,
            agent::Column::LastHeardFrom,
            agent::Column::TimeCreated,
        ])
        .values_panic([
            agent_id.as_str().into(),
            super::truncate(&hello.hostname, 255).into(),
            addresses.into(),
            super::truncate(&hello.os, 32).into(),
            super::truncate(&hello.os_name, 255).into(),
            super::truncate(&hello.cpu_name, 255).into(),
            i32::try_from(hello.cpus).unwrap_or(i32::MAX).into(),
            i64::try_from(hello.ram_mb).unwrap_or(i64::MAX).into(),
            i64::try_from(hello.free_ram_mb).unwrap_or(i64::MAX).into(),
            software.into(),
            gpus.into(),
            gpu_devices.into(),
            hello.started_at.map(crate::db::micros_of).into(),
            disks.into(),
            state.as_str().into(),
            super::truncate(&hello.version, 64).into(),
            now.into(),
            now.into(),
        ])
        .on_conflict(
            OnConflict::column(agent::Column::Id)
                .update_columns([
                    agent::Column::Hostname,
                    agent::Column::Addresses,
                    agent::Column::Os,
                    agent::Column::OsName,
                    agent::Column::CpuName,
                    agent::Column::Cpus,
                    agent::Column::Ram,
                    agent::Column::FreeRam,
                    agent::Column::Software,
                    agent::Column::Gpus,
                    agent::Column::GpuDevices,
                    agent::Column::StartedAt,
                    agent::Column::Disks,
                    agent::Column::State,
                    agent::Column::Version,
                    agent::Column::LastHeardFrom,
                ])
                .to_owned(),
        )
        .to_owned();
    transaction.execute(&upsert).await?;

    let row = transaction
        .query_one_raw(sql(
            backend_of(transaction),
            "SELECT tags_override FROM agents WHERE id = ?",
            vec![agent_id.as_str().into()],
        ))
        .await?;
    #[derive(FromQueryResult)]
    struct Override {
        tags_override: Option<String>,
    }
    let overridden = match row {
        Some(row) => Override::from_query_result(&row, "")?
            .tags_override
            .is_some(),
        None => false,
    };
    if !overridden {
        let tags: BTreeSet<String> = hello
            .tags
            .iter()
            .filter(|tag| warren_shared::requirements::validate_tag(tag).is_ok())
            .cloned()
            .collect();
        crate::store::agents::set_tags(transaction, &agent_id, &tags).await?;
    }
    Ok(())
}

/// Record an agent's heartbeat with `state`; `false` when the agent is unknown.
pub async fn record_heartbeat(
    connection: &impl ConnectionTrait,
    heartbeat: &Heartbeat,
    state: AgentState,
) -> Result<bool, DbErr> {
    let result = connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE agents SET free_ram = ?, \"load\" = ?, last_heard_from = ?, state = ? WHERE id = ?",
            vec![
                i64::try_from(heartbeat.free_ram_mb).unwrap_or(i64::MAX).into(),
                f64::from(heartbeat.load).into(),
                now_us().into(),
                state.as_str().into(),
                heartbeat.agent_id.to_string().into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Record that an agent said goodbye: it is offline from now.
pub async fn record_goodbye(
    connection: &impl ConnectionTrait,
    agent_id: &str,
) -> Result<(), DbErr> {
    let updated = connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE agents SET state = 'offline', last_heard_from = ? WHERE id = ? AND state <> 'offline'",
            vec![now_us().into(), agent_id.into()],
        ))
        .await?;
    if updated.rows_affected() > 0 {
        agent_offline(connection, agent_id, None, "goodbye").await?;
    }
    Ok(())
}

/// Record that an agent went offline, for webhooks.
async fn agent_offline(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    hostname: Option<&str>,
    reason: &str,
) -> Result<(), DbErr> {
    crate::store::webhooks::record(
        connection,
        crate::store::webhooks::NewEvent {
            kind: crate::store::webhooks::EventKind::AgentOffline,
            job_id: None,
            task_id: None,
            agent_id: Some(agent_id),
            data: serde_json::json!({"agent_id": agent_id, "hostname": hostname, "reason": reason}),
        },
    )
    .await
}

/// Mark offline the online agents last heard from before `cutoff` (µs); their ids and host
/// names.
pub async fn expire_silent(
    connection: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    cutoff: i64,
) -> Result<Vec<(String, String)>, DbErr> {
    let rows = crate::db::update_returning::<String, _>(
        connection,
        crate::db::Update {
            table: "agents",
            set: "state = 'offline'",
            rows: "state IN ('online', 'running') AND last_heard_from < ?",
            rows_values: vec![cutoff.into()],
            returning: "id, hostname",
            ..crate::db::Update::default()
        },
    )
    .await?;
    #[derive(FromQueryResult)]
    struct Expired {
        id: String,
        hostname: String,
    }
    let mut expired = Vec::with_capacity(rows.len());
    for row in &rows {
        let row = Expired::from_query_result(row, "")?;
        agent_offline(connection, &row.id, Some(&row.hostname), "silent").await?;
        expired.push((row.id, row.hostname));
    }
    Ok(expired)
}

/// Changes an operator makes to an agent; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct AgentChange {
    /// New notes.
    pub notes: Option<String>,
    /// Disabled (takes no new tasks) or enabled.
    pub disabled: Option<bool>,
    /// Tags set by the operator (`Some(None)`: the agent's own again).
    pub tags: Option<Option<BTreeSet<String>>>,
}

/// Change an agent.
pub async fn update(
    connection: &impl ConnectionTrait,
    agent_id: &str,
    change: &AgentChange,
) -> Result<()> {
    use sea_orm::{ActiveModelTrait as _, ActiveValue};
    let record = get(connection, agent_id).await?;
    let mut row: agent::ActiveModel = record.agent.into();
    if let Some(notes) = &change.notes {
        row.notes = ActiveValue::Set(notes.clone());
    }
    if let Some(disabled) = change.disabled {
        row.disabled = ActiveValue::Set(disabled);
    }
    match &change.tags {
        Some(Some(tags)) => {
            row.tags_override = ActiveValue::Set(Some(
                serde_json::to_string(tags).expect("a tag list serializes"),
            ));
            set_tags(connection, agent_id, tags).await?;
        }
        Some(None) => row.tags_override = ActiveValue::Set(None),
        None => {}
    }
    row.update(connection).await?;
    Ok(())
}

/// The rows of the agents among `agent_ids` that exist, by id.
pub async fn by_ids(
    connection: &impl ConnectionTrait,
    agent_ids: &[String],
) -> Result<HashMap<String, agent::Model>, DbErr> {
    Ok(agent::Entity::find()
        .filter(agent::Column::Id.is_in(agent_ids.iter().cloned()))
        .all(connection)
        .await?
        .into_iter()
        .map(|row| (row.id.clone(), row))
        .collect())
}
