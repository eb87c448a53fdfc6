//! The migrations apply, roll back and apply again on SQLite, and on PostgreSQL when
//! `WARREN_TEST_DATABASE_URL` names a server (which it must under `CI`).

use sea_orm_migration::MigratorTrait;
use sea_orm_migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use warren_migrations::Migrator;

async fn check_schema(connection: &DatabaseConnection) -> Result<(), Box<dyn std::error::Error>> {
    Migrator::up(connection, None).await?;
    let backend = connection.get_database_backend();
    let root = connection
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT name FROM job_queues WHERE parent_id IS NULL",
        ))
        .await?
        .expect("a root queue");
    assert_eq!(root.try_get::<String>("", "name")?, "root");
    let jobtype = connection
        .query_one_raw(Statement::from_string(backend, "SELECT v.version FROM job_types t JOIN job_type_versions v ON v.job_type_id = t.id WHERE t.name = 'command'"))
        .await?
        .expect("the built-in command job type");
    assert_eq!(jobtype.try_get::<i32>("", "version")?, 1);
    for table in [
        "jobs",
        "tasks",
        "agents",
        "tags",
        "software",
        "software_versions",
        "task_logs",
        "log_chunks",
        "task_classes",
        "dead_letters",
    ] {
        connection
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT * FROM {table} LIMIT 1"),
            ))
            .await?;
    }
    Migrator::down(connection, None).await?;
    assert!(
        connection
            .query_all_raw(Statement::from_string(backend, "SELECT * FROM jobs"))
            .await
            .is_err(),
        "down removes the tables"
    );
    Migrator::up(connection, None).await?;
    Migrator::up(connection, None).await?;
    Ok(())
}

#[tokio::test]
async fn migrations_apply_roll_back_and_reapply_on_sqlite() -> Result<(), Box<dyn std::error::Error>>
{
    let dir = tempfile::tempdir()?;
    let connection = Database::connect(format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("m.db").display()
    ))
    .await?;
    check_schema(&connection).await
}

#[tokio::test]
async fn migrations_apply_roll_back_and_reapply_on_postgresql()
-> Result<(), Box<dyn std::error::Error>> {
    let Ok(admin_url) = std::env::var("WARREN_TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "WARREN_TEST_DATABASE_URL must name a PostgreSQL server when CI is set"
        );
        eprintln!("WARREN_TEST_DATABASE_URL is not set: skipping");
        return Ok(());
    };
    let name = format!(
        "warren_m_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    );
    let admin = Database::connect(&admin_url).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base);
    let connection = Database::connect(format!("{base}/{name}")).await?;
    let result = check_schema(&connection).await;
    connection.close().await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    result
}
