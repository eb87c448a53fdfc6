//! `warren-master`: serve the API, dispatch and ingest (`serve`), or migrate the database.

use std::process::ExitCode;

use warren_broker::shutdown_channel;
use warren_master::config::{Command, ConfigError, parse, render_settings};
use warren_master::{App, db, logging};

/// Exit code for invalid configuration (sysexits `EX_USAGE`).
const EXIT_CONFIG: u8 = 64;

fn main() -> ExitCode {
    let parsed = match parse(std::env::args_os().collect()) {
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
        print!("{}", render_settings(&parsed.settings));
        return ExitCode::SUCCESS;
    }
    let log_format = std::env::var("WARREN_LOG_FORMAT").ok();
    logging::init(
        "info,sqlx=warn,lapin=warn,sea_orm_migration=warn",
        logging::LogFormat::from_setting(log_format.as_deref()),
    );
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
            Command::Migrate(database) => {
                let connection = db::connect(&database.database_url).await?;
                db::migrate(&connection).await?;
                println!("migrations applied");
                Ok(())
            }
            Command::User(args) => {
                let connection = db::connect(&args.database.database_url).await?;
                db::migrate(&connection).await?;
                warren_master::users_cli::run(&connection, args.action).await
            }
            Command::Check(args) => {
                let connection = db::connect(&args.database.database_url).await?;
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

async fn wait_for_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = interrupt => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
