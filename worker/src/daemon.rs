//! `warren-worker start | stop | status`: run the worker in the background with a pid file and a
//! log in its directory, like pyfarm-agent did.

use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// The pid file inside the worker's directory.
#[must_use]
pub fn pid_path(dir: &Path) -> PathBuf {
    dir.join("worker.pid")
}

/// The log file of a background worker.
#[must_use]
pub fn log_path(dir: &Path) -> PathBuf {
    dir.join("worker.log")
}

/// The pid recorded in `dir`, if that process is alive.
pub fn running_pid(dir: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(pid_path(dir)).ok()?;
    let pid: i32 = text.trim().parse().ok()?;
    kill(Pid::from_raw(pid), None).is_ok().then_some(pid)
}

/// Start this program again with `run` instead of `start`, detached, and record its pid.
pub fn start(dir: &Path, arguments: &[String]) -> anyhow::Result<()> {
    if let Some(pid) = running_pid(dir) {
        bail!("a worker already runs from {} (pid {pid})", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut replaced = false;
    let arguments: Vec<String> = arguments
        .iter()
        .map(|argument| {
            if !replaced && argument == "start" {
                replaced = true;
                "run".to_owned()
            } else {
                argument.clone()
            }
        })
        .collect();
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path(dir))?;
    let executable = std::env::current_exe().context("cannot find this program")?;
    let child = Command::new(executable)
        .args(&arguments)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .process_group(0)
        .spawn()
        .context("cannot start the worker in the background")?;
    std::fs::write(pid_path(dir), format!("{}\n", child.id()))?;
    println!(
        "warren-worker started (pid {}), log: {}",
        child.id(),
        log_path(dir).display()
    );
    Ok(())
}

/// Ask the background worker to stop; unless `no_wait`, wait until it has.
pub fn stop(dir: &Path, no_wait: bool) -> anyhow::Result<()> {
    let Some(pid) = running_pid(dir) else {
        println!("no worker runs from {}", dir.display());
        let _ = std::fs::remove_file(pid_path(dir));
        return Ok(());
    };
    kill(Pid::from_raw(pid), Signal::SIGTERM).context("cannot signal the worker")?;
    if no_wait {
        println!("asked the worker (pid {pid}) to stop");
        return Ok(());
    }
    println!("stopping the worker (pid {pid}); running tasks finish first");
    while kill(Pid::from_raw(pid), None).is_ok() {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = std::fs::remove_file(pid_path(dir));
    println!("the worker stopped");
    Ok(())
}

/// Print whether the background worker runs; true when it does.
#[must_use]
pub fn status(dir: &Path) -> bool {
    match running_pid(dir) {
        Some(pid) => {
            println!("running (pid {pid})");
            true
        }
        None => {
            println!("not running");
            false
        }
    }
}
