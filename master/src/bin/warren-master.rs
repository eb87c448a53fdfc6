//! `warren-master`: serve the API, dispatch and ingest (`serve`), or migrate the database.

use std::process::ExitCode;

use warren_broker::{shutdown_channel, wait_for_signal};
use warren_config::{ConfigError, parse, render};
use warren_master::config::{Cli, Command};
use warren_master::{App, db};

/// Exit code for invalid configuration (sysexits `EX_USAGE`).
const EXIT_CONFIG: u8 = 64;

fn main() -> ExitCode {
    let parsed = match parse::<Cli>(std::env::args_os().collect(), &[]) {
        Ok(parsed) => parsed,
        Err(ConfigError::Args(error)) => {
            let code = if error.use_stderr() { EXIT_CONFIG } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
        Err(error) => {
            eprintln!("warren-master: {}", warren_broker::error_chain(&error));
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let cli = parsed.cli;
    if let Command::Config(_) = cli.command {
        print!("{}", render("warren-master serve", &parsed.settings));
        return ExitCode::SUCCESS;
    }
    warren_broker::init_logging("info,sqlx=warn,lapin=warn,sea_orm_migration=warn");
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("warren-master: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(config) => serve(*config).await,
            Command::Config(_) => Ok(()),
            Command::Openapi => {
                let document = warren_master::api::openapi_document()
                    .to_pretty_json()
                    .map_err(|error| {
                        anyhow::anyhow!("cannot write the OpenAPI document: {error}")
                    })?;
                println!("{document}");
                Ok(())
            }
            Command::Migrate(database) => {
                let connection = db::connect(database.url()).await?;
                db::migrate(&connection).await?;
                println!("migrations applied");
                Ok(())
            }
            Command::User(args) => {
                let connection = db::connect(args.database.url()).await?;
                db::migrate(&connection).await?;
                warren_master::users_cli::run(&connection, args.action).await
            }
            Command::Keys(args) => {
                let connection = db::connect(args.database.url()).await?;
                db::migrate(&connection).await?;
                keys(&connection, args.action).await
            }
            Command::Logs(args) => {
                let connection = db::connect(args.database.url()).await?;
                db::migrate(&connection).await?;
                let warren_master::config::LogsAction::Prune { log_retention_days } = args.action;
                let pruned = warren_master::store::logs::prune(
                    &connection,
                    db::now_us(),
                    log_retention_days,
                )
                .await?;
                println!(
                    "pruned the logs of {} jobs ({} chunks)",
                    pruned.jobs, pruned.chunks
                );
                Ok(())
            }
            Command::Check(args) => {
                let connection = db::connect(args.database.url()).await?;
                db::migrate(&connection).await?;
                let findings = warren_master::check::run(
                    &connection,
                    std::time::Duration::from_secs(args.lease_timeout_secs),
                    args.repair,
                )
                .await?;
                for finding in &findings {
                    let mark = if finding.repaired { " (repaired)" } else { "" };
                    println!("{}: {}{mark}", finding.kind, finding.detail);
                }
                let left = findings.iter().filter(|finding| !finding.repaired).count();
                println!(
                    "{} problems found, {} repaired, {left} left",
                    findings.len(),
                    findings.len() - left
                );
                if left > 0 {
                    anyhow::bail!("{left} problems are left");
                }
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("warren-master: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `warren-master keys list|rotate`.
async fn keys(
    connection: &sea_orm::DatabaseConnection,
    action: warren_master::config::KeysAction,
) -> anyhow::Result<()> {
    use warren_master::config::KeysAction;
    use warren_master::db::rfc3339;
    match action {
        KeysAction::List => {
            let keys = warren_master::keys::list(connection).await?;
            if keys.is_empty() {
                println!("no keys yet: the master makes the first when it starts");
            }
            for key in keys {
                let retired = key.time_retired.map_or_else(
                    || "in force".to_owned(),
                    |retired| format!("retired at {}", rfc3339(retired)),
                );
                println!(
                    "{}  {}  made {}  {retired}",
                    key.secret.key_id(),
                    key.secret.public().public_key,
                    rfc3339(key.time_created)
                );
            }
        }
        KeysAction::Rotate { grace_secs } => {
            let key =
                warren_master::keys::rotate(connection, std::time::Duration::from_secs(grace_secs))
                    .await?;
            println!(
                "new signing key {} ({}); the old keys sign alongside it for {grace_secs} s",
                key.secret.key_id(),
                key.secret.public().public_key
            );
        }
    }
    Ok(())
}

async fn serve(config: warren_master::config::ServeConfig) -> anyhow::Result<()> {
    let app = App::build(config).await?;
    println!("warren-master listening on http://{}", app.local_addr());
    let (trigger, shutdown) = shutdown_channel();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down");
        trigger.trigger();
    });
    app.run(shutdown).await
}
