//! The `agents` table.

use sea_orm::entity::prelude::*;

/// One row of `agents`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "agents")]
pub struct Model {
    /// Agent id (UUID text).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Host name.
    pub hostname: String,
    /// IP addresses, JSON array.
    pub addresses: String,
    /// OS family.
    pub os: String,
    /// Full OS name.
    pub os_name: String,
    /// CPU model.
    pub cpu_name: String,
    /// CPUs offered.
    pub cpus: i32,
    /// RAM offered, MB.
    pub ram: i64,
    /// RAM free at the last report, MB.
    pub free_ram: i64,
    /// Load average at the last report.
    pub load: f64,
    /// GPUs, JSON array.
    pub gpus: String,
    /// The GPUs offered to tasks (index, name, memory), JSON array; `None` before any.
    pub gpu_devices: Option<String>,
    /// When the agent's worker process started, as it said in its last hello.
    pub started_at: Option<i64>,
    /// Disks, JSON array.
    pub disks: String,
    /// Installed software, JSON object name to versions.
    pub software: String,
    /// Connection state: online, running or offline.
    pub state: String,
    /// Disabled by a user.
    pub disabled: bool,
    /// Worker release.
    pub version: String,
    /// Free-form notes.
    pub notes: String,
    /// Last message, microseconds since the epoch.
    pub last_heard_from: i64,
    /// First registration, microseconds since the epoch.
    pub time_created: i64,
    /// Tags set through the API (JSON array); they replace the worker's own while set.
    pub tags_override: Option<String>,
}

/// No relations are navigated through the ORM; joins are written as queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
