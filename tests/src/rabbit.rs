//! A RabbitMQ node of a test's own, so a test can stop and restart its broker without touching
//! the shared one or other tests. It runs Debian's `rabbitmq-server` under its own node name,
//! ports and data directory (owned by the `rabbitmq` user, as the server needs).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};

/// A private RabbitMQ node; stopped when dropped.
#[derive(Debug)]
pub struct PrivateRabbit {
    node: String,
    /// `amqp://guest:guest@127.0.0.1:<port>/%2f`.
    pub amqp_url: String,
    /// Its management API, `http://127.0.0.1:<port>`.
    pub management_url: String,
    dir: tempfile::TempDir,
    child: tokio::process::Child,
}

async fn rabbitmqctl(node: &str, args: &[&str]) -> anyhow::Result<()> {
    let output = tokio::process::Command::new("rabbitmqctl")
        .arg("-n")
        .arg(node)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .context("cannot run rabbitmqctl")?;
    if !output.status.success() {
        bail!(
            "rabbitmqctl {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// What a node prints when its boot fails for good.
const BOOT_FAILED: &str = "init terminating in do_boot";
/// What a node prints when a listener's port is taken.
const PORT_TAKEN: &str = "could_not_start_listener";

impl PrivateRabbit {
    /// Start a node and wait until it accepts AMQP connections.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with("").await
    }

    /// Start a node with extra lines in its `rabbitmq.conf`.
    ///
    /// Ports are picked free but can be taken by someone else before the node binds them; a
    /// node that fails to boot for that reason is started again on other ports (three tries).
    pub async fn start_with(extra_config: &str) -> anyhow::Result<Self> {
        let mut tries = 0;
        loop {
            tries += 1;
            match Self::start_once(extra_config).await {
                Err(error) if tries < 3 && format!("{error:#}").contains(PORT_TAKEN) => {
                    eprintln!("a private RabbitMQ node lost its port; starting it again");
                }
                started => return started,
            }
        }
    }

    async fn start_once(extra_config: &str) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("warren-rabbit-")
            .tempdir_in("/tmp")?;
        let port = crate::free_port()?;
        let management_port = crate::free_port()?;
        let dist_port = crate::free_port()?;
        let node = format!(
            "warren-test-{}@localhost",
            &uuid::Uuid::new_v4().simple().to_string()[..10]
        );
        std::fs::create_dir_all(dir.path().join("mnesia"))?;
        std::fs::create_dir_all(dir.path().join("log"))?;
        std::fs::write(
            dir.path().join("rabbitmq.conf"),
            format!(
                "listeners.tcp.local = 127.0.0.1:{port}\nloopback_users = none\n\
                 management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {management_port}\n{extra_config}"
            ),
        )?;
        std::fs::write(
            dir.path().join("enabled_plugins"),
            "[rabbitmq_management].\n",
        )?;
        let chown = std::process::Command::new("chown")
            .args(["-R", "rabbitmq:rabbitmq"])
            .arg(dir.path())
            .status()
            .context("cannot run chown")?;
        if !chown.success() {
            bail!("cannot give {} to the rabbitmq user", dir.path().display());
        }
        let path = |name: &str| dir.path().join(name);
        let child = tokio::process::Command::new("rabbitmq-server")
            .current_dir("/tmp")
            .env("RABBITMQ_NODENAME", &node)
            .env("RABBITMQ_DIST_PORT", dist_port.to_string())
            .env("RABBITMQ_MNESIA_BASE", path("mnesia"))
            .env("RABBITMQ_LOG_BASE", path("log"))
            .env("RABBITMQ_ENABLED_PLUGINS_FILE", path("enabled_plugins"))
            .env("RABBITMQ_CONFIG_FILE", path("rabbitmq.conf"))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(path("server.out"))?)
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start rabbitmq-server")?;
        let rabbit = Self {
            node,
            amqp_url: format!("amqp://guest:guest@127.0.0.1:{port}/%2f"),
            management_url: format!("http://127.0.0.1:{management_port}"),
            dir,
            child,
        };
        rabbit.wait_until_ready().await?;
        Ok(rabbit)
    }

    async fn wait_until_ready(&self) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
        loop {
            if self.answers().await {
                return Ok(());
            }
            let out =
                std::fs::read_to_string(self.dir.path().join("server.out")).unwrap_or_default();
            if out.contains(BOOT_FAILED) || tokio::time::Instant::now() >= deadline {
                bail!("the private RabbitMQ node did not start:\n{out}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether the node accepts an AMQP connection and its management API answers.
    async fn answers(&self) -> bool {
        match lapin::Connection::connect(&self.amqp_url, lapin::ConnectionProperties::default())
            .await
        {
            Ok(connection) => {
                let _ = connection.close(200, "ready".into()).await;
            }
            Err(_) => return false,
        }
        reqwest::Client::new()
            .get(format!("{}/api/overview", self.management_url))
            .basic_auth("guest", Some("guest"))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success())
    }

    /// Stop the broker application (connections drop; the node stays up to be started again).
    pub async fn stop_app(&self) -> anyhow::Result<()> {
        rabbitmqctl(&self.node, &["stop_app"]).await
    }

    /// Start the broker application again and wait until it accepts connections.
    pub async fn start_app(&self) -> anyhow::Result<()> {
        rabbitmqctl(&self.node, &["start_app"]).await?;
        self.wait_until_ready().await
    }

    /// The node's data directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The node's Erlang name.
    #[must_use]
    pub fn node(&self) -> &str {
        &self.node
    }

    /// The operating-system process id of the node's Erlang VM.
    pub async fn vm_pid(&self) -> anyhow::Result<i32> {
        let output = tokio::process::Command::new("rabbitmqctl")
            .arg("-n")
            .arg(&self.node)
            .args(["eval", "list_to_integer(os:getpid())."])
            .stdin(Stdio::null())
            .output()
            .await
            .context("cannot run rabbitmqctl")?;
        anyhow::ensure!(
            output.status.success(),
            "rabbitmqctl eval failed: {output:?}"
        );
        Ok(String::from_utf8(output.stdout)?.trim().parse()?)
    }
}

/// Three private RabbitMQ nodes joined in one cluster (peers notice a dead one within about
/// 10 s: `net_ticktime = 10`).
#[derive(Debug)]
pub struct PrivateCluster {
    /// The nodes; the second and third joined the first.
    pub nodes: Vec<PrivateRabbit>,
    /// Nodes frozen with SIGSTOP (thawed when the cluster is dropped, so it can be stopped).
    frozen: std::sync::Mutex<Vec<i32>>,
}

impl PrivateCluster {
    /// Start three nodes and join them.
    pub async fn start() -> anyhow::Result<Self> {
        let config = "net_ticktime = 10\n";
        let (first, second, third) = tokio::try_join!(
            PrivateRabbit::start_with(config),
            PrivateRabbit::start_with(config),
            PrivateRabbit::start_with(config)
        )?;
        for node in [&second, &third] {
            rabbitmqctl(&node.node, &["stop_app"]).await?;
            rabbitmqctl(&node.node, &["join_cluster", &first.node]).await?;
            node.start_app().await?;
        }
        Ok(Self {
            nodes: vec![first, second, third],
            frozen: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The nodes' AMQP URLs, starting with node `first`, comma-separated.
    #[must_use]
    pub fn amqp_urls_from(&self, first: usize) -> String {
        (0..self.nodes.len())
            .map(|step| {
                self.nodes[(first + step) % self.nodes.len()]
                    .amqp_url
                    .clone()
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Hang node `index` as a node that stops answering does: its VM is stopped (SIGSTOP)
    /// while its port still accepts connections.
    pub async fn freeze(&self, index: usize) -> anyhow::Result<()> {
        let pid = self.nodes[index].vm_pid().await?;
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGSTOP,
        )?;
        self.frozen.lock().expect("the test's own lock").push(pid);
        Ok(())
    }

    /// Let every frozen node run again.
    pub fn thaw(&self) -> anyhow::Result<()> {
        for pid in self.frozen.lock().expect("the test's own lock").drain(..) {
            nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGCONT,
            )?;
        }
        Ok(())
    }

    /// The node leading a queue, by its management API (as `warren-test-…@localhost`).
    pub async fn leader_of(&self, queue: &str) -> anyhow::Result<usize> {
        let node = &self.nodes[0];
        let answer: serde_json::Value = reqwest::Client::new()
            .get(format!(
                "{}/api/queues/%2f/{}",
                node.management_url,
                percent_encoding::utf8_percent_encode(queue, percent_encoding::NON_ALPHANUMERIC)
            ))
            .basic_auth("guest", Some("guest"))
            .send()
            .await?
            .json()
            .await?;
        let leader = answer["leader"]
            .as_str()
            .or_else(|| answer["node"].as_str())
            .context("the queue has no leader")?
            .to_owned();
        self.nodes
            .iter()
            .position(|node| node.node == leader)
            .with_context(|| format!("{leader} is not a node of this cluster"))
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = self.thaw();
    }
}

impl Drop for PrivateRabbit {
    fn drop(&mut self) {
        let _ = std::process::Command::new("rabbitmqctl")
            .arg("-n")
            .arg(&self.node)
            .arg("stop")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.start_kill();
    }
}
