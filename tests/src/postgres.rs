//! A PostgreSQL server of a test's own, made with `initdb`, so a test can stop and start its
//! database without touching the shared server. Debian's server binaries run as `postgres`.

use std::path::PathBuf;
use std::process::Stdio;

use anyhow::{Context, bail};

/// A throwaway PostgreSQL cluster; stopped and removed when dropped.
#[derive(Debug)]
pub struct PrivatePostgres {
    /// `postgres://postgres@127.0.0.1:<port>/postgres`.
    pub admin_url: String,
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

/// Run a command line as the `postgres` user.
fn as_postgres(command: &str) -> anyhow::Result<()> {
    let status = std::process::Command::new("su")
        .args(["postgres", "-s", "/bin/sh", "-c", command])
        .current_dir("/tmp")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .context("cannot run su")?;
    if !status.success() {
        bail!("`{command}` failed as the postgres user");
    }
    Ok(())
}

/// Debian's PostgreSQL server binaries, newest version first.
fn server_bin() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL server binaries are not installed (/usr/lib/postgresql)")?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .context("no initdb under /usr/lib/postgresql")
}

impl PrivatePostgres {
    /// Create and start a cluster on a free port.
    pub fn start() -> anyhow::Result<Self> {
        let bin = server_bin()?;
        let dir = tempfile::Builder::new()
            .prefix("warren-postgres-")
            .tempdir_in("/tmp")?;
        let chown = std::process::Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir.path())
            .status()
            .context("cannot run chown")?;
        if !chown.success() {
            bail!("cannot give {} to the postgres user", dir.path().display());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        as_postgres(&format!(
            "{} -D {}/data -A trust -U postgres --no-sync",
            bin.join("initdb").display(),
            dir.path().display()
        ))?;
        let postgres = Self {
            admin_url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            bin,
            dir,
            port,
        };
        postgres.start_server()?;
        Ok(postgres)
    }

    fn start_server(&self) -> anyhow::Result<()> {
        as_postgres(&format!(
            "{} -D {dir}/data -l {dir}/server.log -w -o '-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off' start",
            self.bin.join("pg_ctl").display(),
            dir = self.dir.path().display(),
            port = self.port,
        ))
    }

    /// Stop the server (fast shutdown: sessions are cut off).
    pub fn stop(&self) -> anyhow::Result<()> {
        as_postgres(&format!(
            "{} -D {}/data -m fast -w stop",
            self.bin.join("pg_ctl").display(),
            self.dir.path().display()
        ))
    }

    /// Start it again after [`Self::stop`].
    pub fn restart(&self) -> anyhow::Result<()> {
        self.start_server()
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = as_postgres(&format!(
            "{} -D {}/data -m immediate -w stop",
            self.bin.join("pg_ctl").display(),
            self.dir.path().display()
        ));
    }
}
