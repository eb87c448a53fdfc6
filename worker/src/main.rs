//! `warren-worker`: run the render-node daemon in the foreground, or start, stop and query it in
//! the background.

use std::process::ExitCode;

use warren_broker::{shutdown_channel, wait_for_signal};
use warren_worker::config::{Command, ConfigError, JoinArgs, SimulateArgs, WorkerConfig};
use warren_worker::{Exit, Worker, daemon, simulate};

/// Exit code for invalid configuration (sysexits `EX_USAGE`).
const EXIT_CONFIG: u8 = 64;
/// `status` exit code when the worker is not running (LSB).
const EXIT_NOT_RUNNING: u8 = 3;

fn main() -> ExitCode {
    // Where the binary is, read before anything can replace it: a restart runs what is there then.
    let binary = std::env::current_exe();
    let arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let parsed = match warren_worker::config::parse(std::env::args_os().collect()) {
        Ok(parsed) => parsed,
        Err(ConfigError::Layer(warren_config::ConfigError::Args(error))) => {
            let code = if error.use_stderr() { EXIT_CONFIG } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
        Err(error) => {
            eprintln!("warren-worker: {}", warren_broker::error_chain(&error));
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let cli = parsed.cli;
    let config = match cli.command {
        None => cli.config,
        Some(Command::Run(config)) => config,
        Some(Command::Start(config)) => {
            match config.resolve() {
                Err(error) => {
                    eprintln!("warren-worker: {}", warren_broker::error_chain(&error));
                    return ExitCode::from(EXIT_CONFIG);
                }
                Ok(settings)
                    if settings.identity == warren_worker::config::Identity::NotEnrolled =>
                {
                    eprintln!(
                        "warren-worker: {}",
                        warren_worker::config::not_enrolled_message(&settings.dir)
                    );
                    return ExitCode::from(EXIT_CONFIG);
                }
                Ok(_) => {}
            }
            let arguments: Vec<String> = std::env::args().skip(1).collect();
            return match daemon::start(&config.dir, &arguments) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("warren-worker: {error:#}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Stop { dir, no_wait }) => {
            return match daemon::stop(&dir, no_wait) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("warren-worker: {error:#}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Simulate(args)) => return run_simulation(&args),
        Some(Command::Join(args)) => {
            return match join_and_run(&args) {
                Ran::Restart => restart(binary, &rerun_arguments(&arguments, Some(&args.token))),
                Ran::Done(code) => code,
            };
        }
        Some(Command::Config(config)) => {
            return match config.resolve() {
                Ok(settings) => {
                    print!(
                        "{}{}",
                        warren_config::render("warren-worker", &parsed.settings),
                        settings.render_derived()
                    );
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("warren-worker: {}", warren_broker::error_chain(&error));
                    ExitCode::from(EXIT_CONFIG)
                }
            };
        }
        Some(Command::Status { dir }) => {
            return if daemon::status(&dir) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_NOT_RUNNING)
            };
        }
    };
    match run(&config) {
        Ran::Restart => restart(binary, &rerun_arguments(&arguments, None)),
        Ran::Done(code) => code,
    }
}

/// How running ended.
enum Ran {
    /// With this exit code.
    Done(ExitCode),
    /// The master asked for a restart.
    Restart,
}

/// The arguments a restart runs with: this process's, with `join <token>` turned into `run` (the
/// node has joined; its token is spent).
fn rerun_arguments(
    arguments: &[std::ffi::OsString],
    token: Option<&str>,
) -> Vec<std::ffi::OsString> {
    let mut rerun = Vec::with_capacity(arguments.len());
    let mut joined = false;
    let mut token_dropped = false;
    for argument in arguments.iter().skip(1) {
        if token.is_some() && !joined && argument == "join" {
            joined = true;
            rerun.push("run".into());
        } else if joined && !token_dropped && token.is_some_and(|token| argument == token) {
            token_dropped = true;
        } else if !(joined && argument == "--no-run") {
            rerun.push(argument.clone());
        }
    }
    rerun
}

/// Replace this process with the worker binary on disk, run with `arguments` (same process id,
/// same environment): an upgrade when the binary was replaced.
fn restart(
    binary: std::io::Result<std::path::PathBuf>,
    arguments: &[std::ffi::OsString],
) -> ExitCode {
    use std::os::unix::process::CommandExt as _;
    let binary = match binary {
        Ok(binary) => binary,
        Err(error) => {
            eprintln!("warren-worker: cannot restart: where is this binary? {error}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("warren-worker: restarting {}", binary.display());
    let error = std::process::Command::new(&binary).args(arguments).exec();
    eprintln!(
        "warren-worker: cannot restart {}: {error}",
        binary.display()
    );
    ExitCode::FAILURE
}

fn settings(config: &WorkerConfig) -> Result<warren_worker::config::Settings, ExitCode> {
    config.resolve().map_err(|error| {
        eprintln!("warren-worker: {}", warren_broker::error_chain(&error));
        ExitCode::from(EXIT_CONFIG)
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            eprintln!("warren-worker: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        })
}

fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("warren-worker: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// A shutdown signal triggered by the first SIGINT or SIGTERM; the second exits at once.
fn stop_on_signals() -> warren_broker::Shutdown {
    let (trigger, shutdown) = shutdown_channel();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("stop requested");
        trigger.trigger();
        wait_for_signal().await;
        tracing::warn!("second stop request: exiting now");
        std::process::exit(130);
    });
    shutdown
}

fn run_simulation(args: &SimulateArgs) -> ExitCode {
    let settings = match settings(&args.config) {
        Ok(settings) => settings,
        Err(code) => return code,
    };
    warren_broker::init_logging("info,lapin=warn");
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    exit_code(runtime.block_on(async {
        let shutdown = stop_on_signals();
        simulate::run(settings, args, shutdown).await
    }))
}

/// `warren-worker join TOKEN`: join, keep the identity in `--dir`, then run.
fn join_and_run(args: &JoinArgs) -> Ran {
    let text = if args.token == "-" {
        let mut text = String::new();
        if let Err(error) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            eprintln!("warren-worker: cannot read the token from standard input: {error}");
            return Ran::Done(ExitCode::from(EXIT_CONFIG));
        }
        text
    } else {
        args.token.clone()
    };
    let token = match warren_shared::enrollment::JoinToken::decode(&text) {
        Ok(token) => token,
        Err(error) => {
            eprintln!("warren-worker: {error}");
            return Ran::Done(ExitCode::from(EXIT_CONFIG));
        }
    };
    warren_broker::init_logging("info,lapin=warn");
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return Ran::Done(code),
    };
    let config = &args.config;
    let hostname = config.hostname.clone().unwrap_or_else(|| {
        warren_worker::probe::Probe::new()
            .map(|probe| probe.host_info().hostname)
            .unwrap_or_else(|_| "unknown".to_owned())
    });
    let discovery_address = config
        .discovery_address
        .unwrap_or(std::net::SocketAddr::from((
            [255, 255, 255, 255],
            warren_shared::discovery::DEFAULT_PORT,
        )));
    let urls = config.amqp_urls();
    let joined = runtime.block_on(warren_worker::enrollment::join(
        &token,
        &config.dir,
        &hostname,
        &urls,
        discovery_address,
    ));
    match joined {
        Ok(enrollment) => {
            println!(
                "warren-worker joined the farm `{}` as agent {}",
                enrollment.namespace, enrollment.agent_id
            );
        }
        Err(error) => {
            eprintln!("warren-worker: {}", warren_broker::error_chain(&error));
            return Ran::Done(ExitCode::FAILURE);
        }
    }
    drop(runtime);
    if args.no_run {
        return Ran::Done(ExitCode::SUCCESS);
    }
    run(config)
}

fn run(config: &WorkerConfig) -> Ran {
    let settings = match settings(config) {
        Ok(settings) => settings,
        Err(code) => return Ran::Done(code),
    };
    if settings.identity == warren_worker::config::Identity::NotEnrolled {
        eprintln!(
            "warren-worker: {}",
            warren_worker::config::not_enrolled_message(&settings.dir)
        );
        return Ran::Done(ExitCode::from(EXIT_CONFIG));
    }
    warren_broker::init_logging("info,lapin=warn");
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return Ran::Done(code),
    };
    let exit = runtime.block_on(async {
        let mut settings = settings;
        warren_worker::discovery::apply(&mut settings).await;
        let worker = Worker::build(settings)?;
        println!("warren-worker {} running", worker.agent_id());
        let shutdown = stop_on_signals();
        worker.run(shutdown).await
    });
    drop(runtime);
    match exit {
        Ok(Exit::Restart) => Ran::Restart,
        Ok(Exit::Stopped) => Ran::Done(ExitCode::SUCCESS),
        Err(error) => Ran::Done(exit_code(Err(error))),
    }
}
