//! The core schema: job queues, job types, software, tags, agents, requirement classes, jobs,
//! tasks, task logs and dead letters.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, boolean, double, integer, integer_null, string_len,
    string_len_null, string_len_uniq, text, text_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum JobQueues {
    Table,
    Id,
    ParentId,
    Name,
    Priority,
    Weight,
    MinimumAgents,
    MaximumAgents,
    TimeCreated,
}

#[derive(DeriveIden)]
enum JobTypes {
    Table,
    Id,
    Name,
    Description,
    TimeCreated,
}

#[derive(DeriveIden)]
enum JobTypeVersions {
    Table,
    Id,
    JobTypeId,
    Version,
    Spec,
    TimeCreated,
}

#[derive(DeriveIden)]
enum Software {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
enum SoftwareVersions {
    Table,
    Id,
    SoftwareId,
    Version,
    Rank,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
enum Agents {
    Table,
    Id,
    Hostname,
    Addresses,
    Os,
    OsName,
    CpuName,
    Cpus,
    Ram,
    FreeRam,
    Load,
    Gpus,
    Disks,
    Software,
    State,
    Disabled,
    Version,
    Notes,
    LastHeardFrom,
    TimeCreated,
}

#[derive(DeriveIden)]
enum AgentTags {
    Table,
    AgentId,
    TagId,
}

#[derive(DeriveIden)]
enum TaskClasses {
    Table,
    Id,
    QueueId,
    Key,
    Requirements,
    TimeCreated,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Title,
    QueueId,
    JobTypeVersionId,
    ClassId,
    State,
    Priority,
    Weight,
    MinimumAgents,
    MaximumAgents,
    Requeue,
    FrameStart,
    FrameEnd,
    FrameBy,
    Batch,
    Data,
    Environ,
    Requirements,
    Cpus,
    Ram,
    RamWarning,
    RamMax,
    TimeoutSecs,
    User,
    Notes,
    NotifiedUsers,
    AutodeleteSecs,
    Hidden,
    TimeSubmitted,
    TimeStarted,
    TimeFinished,
    NTasks,
    NQueued,
    NDispatched,
    NRunning,
    NDone,
    NFailed,
    NPaused,
    NCancelled,
}

#[derive(DeriveIden)]
enum JobTags {
    Table,
    JobId,
    TagId,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    JobId,
    Idx,
    FrameFirst,
    FrameLast,
    State,
    Attempts,
    Failures,
    AgentId,
    Progress,
    LastError,
    ExitCode,
    Published,
    TimeDispatched,
    TimeStarted,
    TimeFinished,
}

#[derive(DeriveIden)]
enum TaskLogs {
    Table,
    TaskId,
    Attempt,
    AgentId,
    TimeCreated,
}

#[derive(DeriveIden)]
enum LogChunks {
    Table,
    TaskId,
    Attempt,
    Seq,
    FirstLine,
    NLines,
    Data,
}

#[derive(DeriveIden)]
enum DeadLetters {
    Table,
    Id,
    TimeCreated,
    Source,
    Reason,
    Kind,
    Payload,
}

fn index(name: &str, table: impl IntoIden, columns: &[&'static str]) -> IndexCreateStatement {
    let mut statement = Index::create().name(name).table(table).to_owned();
    for column in columns {
        statement.col(Alias::new(*column));
    }
    statement
}

#[expect(
    elided_lifetimes_in_paths,
    reason = "async_trait rejects an explicit `SchemaManager<'_>`"
)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobQueues::Table)
                    .col(big_pk_auto(JobQueues::Id))
                    .col(big_integer_null(JobQueues::ParentId))
                    .col(string_len_uniq(JobQueues::Name, 32))
                    .col(integer(JobQueues::Priority).default(0))
                    .col(integer(JobQueues::Weight).default(10))
                    .col(integer_null(JobQueues::MinimumAgents))
                    .col(integer_null(JobQueues::MaximumAgents))
                    .col(big_integer(JobQueues::TimeCreated))
                    .foreign_key(
                        ForeignKey::create()
                            .from(JobQueues::Table, JobQueues::ParentId)
                            .to(JobQueues::Table, JobQueues::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(JobTypes::Table)
                    .col(big_pk_auto(JobTypes::Id))
                    .col(string_len_uniq(JobTypes::Name, 64))
                    .col(text(JobTypes::Description).default(""))
                    .col(big_integer(JobTypes::TimeCreated))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobTypeVersions::Table)
                    .col(big_pk_auto(JobTypeVersions::Id))
                    .col(big_integer(JobTypeVersions::JobTypeId))
                    .col(integer(JobTypeVersions::Version))
                    .col(text(JobTypeVersions::Spec))
                    .col(big_integer(JobTypeVersions::TimeCreated))
                    .foreign_key(
                        ForeignKey::create()
                            .from(JobTypeVersions::Table, JobTypeVersions::JobTypeId)
                            .to(JobTypes::Table, JobTypes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "job_type_versions_unique",
                    JobTypeVersions::Table,
                    &["job_type_id", "version"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Software::Table)
                    .col(big_pk_auto(Software::Id))
                    .col(string_len_uniq(Software::Name, 48))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SoftwareVersions::Table)
                    .col(big_pk_auto(SoftwareVersions::Id))
                    .col(big_integer(SoftwareVersions::SoftwareId))
                    .col(string_len(SoftwareVersions::Version, 32))
                    .col(integer(SoftwareVersions::Rank).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SoftwareVersions::Table, SoftwareVersions::SoftwareId)
                            .to(Software::Table, Software::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "software_versions_unique",
                    SoftwareVersions::Table,
                    &["software_id", "version"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .col(big_pk_auto(Tags::Id))
                    .col(string_len_uniq(Tags::Name, 48))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Agents::Table)
                    .col(string_len(Agents::Id, 36).primary_key())
                    .col(string_len(Agents::Hostname, 255))
                    .col(text(Agents::Addresses).default("[]"))
                    .col(string_len(Agents::Os, 32))
                    .col(string_len(Agents::OsName, 255))
                    .col(string_len(Agents::CpuName, 255))
                    .col(integer(Agents::Cpus))
                    .col(big_integer(Agents::Ram))
                    .col(big_integer(Agents::FreeRam))
                    .col(double(Agents::Load).default(0.0))
                    .col(text(Agents::Gpus).default("[]"))
                    .col(text(Agents::Disks).default("[]"))
                    .col(text(Agents::Software).default("{}"))
                    .col(string_len(Agents::State, 16))
                    .col(boolean(Agents::Disabled).default(false))
                    .col(string_len(Agents::Version, 64))
                    .col(text(Agents::Notes).default(""))
                    .col(big_integer(Agents::LastHeardFrom))
                    .col(big_integer(Agents::TimeCreated))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("agents_state", Agents::Table, &["state"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentTags::Table)
                    .col(string_len(AgentTags::AgentId, 36))
                    .col(big_integer(AgentTags::TagId))
                    .primary_key(
                        Index::create()
                            .col(AgentTags::AgentId)
                            .col(AgentTags::TagId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgentTags::Table, AgentTags::AgentId)
                            .to(Agents::Table, Agents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgentTags::Table, AgentTags::TagId)
                            .to(Tags::Table, Tags::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TaskClasses::Table)
                    .col(big_pk_auto(TaskClasses::Id))
                    .col(big_integer(TaskClasses::QueueId))
                    .col(string_len(TaskClasses::Key, 200))
                    .col(text(TaskClasses::Requirements))
                    .col(big_integer(TaskClasses::TimeCreated))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TaskClasses::Table, TaskClasses::QueueId)
                            .to(JobQueues::Table, JobQueues::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "task_classes_unique",
                    TaskClasses::Table,
                    &["queue_id", "key"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(big_pk_auto(Jobs::Id))
                    .col(string_len(Jobs::Title, 512))
                    .col(big_integer(Jobs::QueueId))
                    .col(big_integer(Jobs::JobTypeVersionId))
                    .col(big_integer(Jobs::ClassId))
                    .col(string_len(Jobs::State, 16))
                    .col(integer(Jobs::Priority).default(0))
                    .col(integer(Jobs::Weight).default(10))
                    .col(integer_null(Jobs::MinimumAgents))
                    .col(integer_null(Jobs::MaximumAgents))
                    .col(integer(Jobs::Requeue).default(3))
                    .col(big_integer(Jobs::FrameStart))
                    .col(big_integer(Jobs::FrameEnd))
                    .col(big_integer(Jobs::FrameBy))
                    .col(big_integer(Jobs::Batch))
                    .col(text(Jobs::Data))
                    .col(text(Jobs::Environ))
                    .col(text(Jobs::Requirements))
                    .col(integer(Jobs::Cpus))
                    .col(big_integer(Jobs::Ram))
                    .col(big_integer_null(Jobs::RamWarning))
                    .col(big_integer_null(Jobs::RamMax))
                    .col(big_integer_null(Jobs::TimeoutSecs))
                    .col(string_len_null(Jobs::User, 255))
                    .col(text(Jobs::Notes).default(""))
                    .col(text(Jobs::NotifiedUsers).default("[]"))
                    .col(big_integer_null(Jobs::AutodeleteSecs))
                    .col(boolean(Jobs::Hidden).default(false))
                    .col(big_integer(Jobs::TimeSubmitted))
                    .col(big_integer_null(Jobs::TimeStarted))
                    .col(big_integer_null(Jobs::TimeFinished))
                    .col(big_integer(Jobs::NTasks).default(0))
                    .col(big_integer(Jobs::NQueued).default(0))
                    .col(big_integer(Jobs::NDispatched).default(0))
                    .col(big_integer(Jobs::NRunning).default(0))
                    .col(big_integer(Jobs::NDone).default(0))
                    .col(big_integer(Jobs::NFailed).default(0))
                    .col(big_integer(Jobs::NPaused).default(0))
                    .col(big_integer(Jobs::NCancelled).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Jobs::Table, Jobs::QueueId)
                            .to(JobQueues::Table, JobQueues::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Jobs::Table, Jobs::JobTypeVersionId)
                            .to(JobTypeVersions::Table, JobTypeVersions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Jobs::Table, Jobs::ClassId)
                            .to(TaskClasses::Table, TaskClasses::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("jobs_state", Jobs::Table, &["state", "id"]))
            .await?;
        manager
            .create_index(index(
                "jobs_class_state",
                Jobs::Table,
                &["class_id", "state"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobTags::Table)
                    .col(big_integer(JobTags::JobId))
                    .col(big_integer(JobTags::TagId))
                    .primary_key(Index::create().col(JobTags::JobId).col(JobTags::TagId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(JobTags::Table, JobTags::JobId)
                            .to(Jobs::Table, Jobs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(JobTags::Table, JobTags::TagId)
                            .to(Tags::Table, Tags::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(big_pk_auto(Tasks::Id))
                    .col(big_integer(Tasks::JobId))
                    .col(big_integer(Tasks::Idx))
                    .col(big_integer(Tasks::FrameFirst))
                    .col(big_integer(Tasks::FrameLast))
                    .col(string_len(Tasks::State, 16))
                    .col(integer(Tasks::Attempts).default(0))
                    .col(integer(Tasks::Failures).default(0))
                    .col(string_len_null(Tasks::AgentId, 36))
                    .col(double(Tasks::Progress).default(0.0))
                    .col(text_null(Tasks::LastError))
                    .col(integer_null(Tasks::ExitCode))
                    .col(boolean(Tasks::Published).default(false))
                    .col(big_integer_null(Tasks::TimeDispatched))
                    .col(big_integer_null(Tasks::TimeStarted))
                    .col(big_integer_null(Tasks::TimeFinished))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tasks::Table, Tasks::JobId)
                            .to(Jobs::Table, Jobs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "tasks_job_state_idx",
                Tasks::Table,
                &["job_id", "state", "idx"],
            ))
            .await?;
        manager
            .create_index(index("tasks_state", Tasks::Table, &["state", "published"]))
            .await?;
        manager
            .create_index(index(
                "tasks_agent_state",
                Tasks::Table,
                &["agent_id", "state"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TaskLogs::Table)
                    .col(big_integer(TaskLogs::TaskId))
                    .col(integer(TaskLogs::Attempt))
                    .col(string_len(TaskLogs::AgentId, 36))
                    .col(big_integer(TaskLogs::TimeCreated))
                    .primary_key(Index::create().col(TaskLogs::TaskId).col(TaskLogs::Attempt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TaskLogs::Table, TaskLogs::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LogChunks::Table)
                    .col(big_integer(LogChunks::TaskId))
                    .col(integer(LogChunks::Attempt))
                    .col(big_integer(LogChunks::Seq))
                    .col(big_integer(LogChunks::FirstLine))
                    .col(integer(LogChunks::NLines))
                    .col(text(LogChunks::Data))
                    .primary_key(
                        Index::create()
                            .col(LogChunks::TaskId)
                            .col(LogChunks::Attempt)
                            .col(LogChunks::Seq),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LogChunks::Table, LogChunks::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DeadLetters::Table)
                    .col(big_pk_auto(DeadLetters::Id))
                    .col(big_integer(DeadLetters::TimeCreated))
                    .col(string_len(DeadLetters::Source, 255))
                    .col(text(DeadLetters::Reason))
                    .col(string_len_null(DeadLetters::Kind, 64))
                    .col(text(DeadLetters::Payload))
                    .to_owned(),
            )
            .await?;

        let now = Expr::val(0_i64);
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(JobQueues::Table)
                    .columns([
                        JobQueues::Name,
                        JobQueues::Priority,
                        JobQueues::Weight,
                        JobQueues::TimeCreated,
                    ])
                    .values_panic([Expr::val("root"), Expr::val(0), Expr::val(10), now.clone()])
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(JobTypes::Table)
                    .columns([JobTypes::Name, JobTypes::Description, JobTypes::TimeCreated])
                    .values_panic([
                        Expr::val("command"),
                        Expr::val("Runs `data.argv` directly, once per frame if it mentions {frame}, else once per task."),
                        now.clone(),
                    ])
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(JobTypeVersions::Table)
                    .columns([
                        JobTypeVersions::JobTypeId,
                        JobTypeVersions::Version,
                        JobTypeVersions::Spec,
                        JobTypeVersions::TimeCreated,
                    ])
                    .values_panic([
                        Expr::val(1_i64),
                        Expr::val(1),
                        Expr::val(r#"{"builtin":"command"}"#),
                        now,
                    ])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DeadLetters::Table.into_iden(),
            LogChunks::Table.into_iden(),
            TaskLogs::Table.into_iden(),
            Tasks::Table.into_iden(),
            JobTags::Table.into_iden(),
            Jobs::Table.into_iden(),
            TaskClasses::Table.into_iden(),
            AgentTags::Table.into_iden(),
            Agents::Table.into_iden(),
            Tags::Table.into_iden(),
            SoftwareVersions::Table.into_iden(),
            Software::Table.into_iden(),
            JobTypeVersions::Table.into_iden(),
            JobTypes::Table.into_iden(),
            JobQueues::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
