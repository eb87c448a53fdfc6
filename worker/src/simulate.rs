//! `warren-worker simulate`: many simulated agents in one process, for measuring the master with
//! a big farm. Each is a real [`Worker`] loop (hello, heartbeats, class consumers, prefetch,
//! task events, drain and cancel, signature checks) whose tasks run no process. They share one
//! broker user (`--insecure-shared-broker-credentials`) and connection pools, so enrollment and
//! per-agent broker permissions are what a simulation skips.

use std::time::Duration;

use anyhow::Context as _;
use tokio::task::JoinSet;
use warren_broker::{Names, Shutdown};

use crate::app::{Simulation, Worker};
use crate::config::{Settings, SimulateArgs};
use crate::probe::Probe;

/// Run `args.agents` simulated agents until `shutdown`, then stop them all as workers stop.
pub async fn run(
    settings: Settings,
    args: &SimulateArgs,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    anyhow::ensure!(args.agents > 0, "--agents must be at least 1");
    anyhow::ensure!(
        matches!(settings.identity, crate::config::Identity::Shared { .. }),
        "simulated agents share one broker user: run with --insecure-shared-broker-credentials (and the master too)"
    );
    let names = Names::new(&settings.namespace)?;
    let host = Probe::new()
        .context("cannot read the host's resources")?
        .host_info();
    let simulation = Simulation {
        task: Duration::from_millis(args.task_ms),
        jitter: Duration::from_millis(args.jitter_ms),
    };
    let base_name = settings
        .hostname
        .clone()
        .unwrap_or_else(|| "sim".to_owned());
    let per_pool = args.agents_per_pool.max(1);
    // Said before the ramp: at a few hundred agents a second, starting them all takes a while,
    // and whoever waits for them counts them online through the master.
    println!("warren-worker simulating {} agents", args.agents);
    tracing::info!(
        agents = args.agents,
        task_ms = args.task_ms,
        start_per_sec = args.start_per_sec,
        "simulated agents starting"
    );
    let mut agents = JoinSet::new();
    let mut broker = None;
    for agent_idx in 0..args.agents {
        if agent_idx % per_pool == 0 {
            broker = Some(Worker::broker(
                &settings,
                names.clone(),
                format!("warren-worker simulated {}", agent_idx / per_pool),
            )?);
        }
        let broker = broker.clone().context("a broker handle per pool")?;
        let mut agent_settings = settings.clone();
        agent_settings.hostname = Some(format!("{base_name}-{agent_idx:04}"));
        agent_settings.dir = settings.dir.join(format!("sim-{agent_idx:04}"));
        agent_settings.cpus = Some(settings.cpus.unwrap_or(1));
        agent_settings.ram = Some(settings.ram.unwrap_or(4096));
        agent_settings.software.clear();
        let worker = Worker::simulated(agent_settings, host.clone(), broker, simulation)?;
        agents.spawn(worker.run(shutdown.clone()));
        if args.start_per_sec > 0 && (agent_idx + 1) % per_pool == 0 {
            tokio::time::sleep(Duration::from_secs_f64(
                per_pool as f64 / f64::from(args.start_per_sec),
            ))
            .await;
        }
    }
    let mut failures = 0_usize;
    while let Some(result) = agents.join_next().await {
        match result {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                failures += 1;
                tracing::error!(error = %format!("{error:#}"), "a simulated agent failed");
            }
            Err(error) => {
                failures += 1;
                tracing::error!(error = %error, "a simulated agent panicked");
            }
        }
    }
    anyhow::ensure!(failures == 0, "{failures} simulated agents failed");
    Ok(())
}
