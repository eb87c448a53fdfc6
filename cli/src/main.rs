//! `warren`: the command line client of a Warren farm.

use std::process::ExitCode;

use warren_cli::{Cli, default_config_path, run};

fn main() -> ExitCode {
    let default_file = default_config_path();
    let parsed = match warren_config::parse_with::<Cli>(
        std::env::args_os().collect(),
        &[],
        default_file.as_deref(),
    ) {
        Ok(parsed) => parsed,
        Err(warren_config::ConfigError::Args(error)) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
        Err(error) => {
            eprintln!("warren: {:#}", anyhow::Error::new(error));
            return ExitCode::FAILURE;
        }
    };
    let mut cli = parsed.cli;
    cli.apply_master_variable(&parsed.settings);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("warren: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(error) => {
            eprintln!("warren: {error:#}");
            ExitCode::FAILURE
        }
    }
}
