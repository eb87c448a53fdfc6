//! `warren-migrate`: apply Warren's migrations to the database named by `WARREN_DATABASE_URL`.

use sea_orm_migration::MigratorTrait;
use sea_orm_migration::sea_orm::Database;
use warren_migrations::Migrator;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("WARREN_DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite://warren.db?mode=rwc".to_owned());
    let result = async {
        let connection = Database::connect(&url).await?;
        Migrator::up(&connection, None).await
    }
    .await;
    match result {
        Ok(()) => {
            println!("migrations applied");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("warren-migrate: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
