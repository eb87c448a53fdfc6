//! What the worker learns about its host: names, CPUs, memory, load.

use sysinfo::{MemoryRefreshKind, RefreshKind, System};

/// The host's description, sent in `Hello`.
#[derive(Debug, Clone)]
pub struct HostInfo {
    /// Host name.
    pub hostname: String,
    /// OS family.
    pub os: String,
    /// Full OS name and version.
    pub os_name: String,
    /// CPU model.
    pub cpu_name: String,
    /// Logical CPUs.
    pub cpus: u32,
    /// Total RAM in MB.
    pub ram_mb: u64,
}

/// Reads the host's live figures; keeps one `System` to refresh cheaply.
pub struct Probe {
    system: System,
}

impl std::fmt::Debug for Probe {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Probe").finish_non_exhaustive()
    }
}

impl Probe {
    /// A probe with memory and CPU lists loaded.
    pub fn new() -> Result<Self, sysinfo::Error> {
        let system = System::new_with_specifics(
            RefreshKind::nothing()
                .with_memory(MemoryRefreshKind::nothing().with_ram())
                .with_cpu(sysinfo::CpuRefreshKind::nothing()),
        )?;
        Ok(Self { system })
    }

    /// The host's static description.
    #[must_use]
    pub fn host_info(&self) -> HostInfo {
        let cpus = std::thread::available_parallelism().map_or(1, |count| count.get() as u32);
        HostInfo {
            hostname: System::host_name().unwrap_or_else(|_| "unknown".to_owned()),
            os: std::env::consts::OS.to_owned(),
            os_name: System::long_os_version().unwrap_or_else(|_| std::env::consts::OS.to_owned()),
            cpu_name: self
                .system
                .cpus()
                .first()
                .map_or_else(String::new, |cpu| cpu.brand().trim().to_owned()),
            cpus: cpus.max(self.system.cpus().len() as u32),
            ram_mb: self.system.total_memory() / (1024 * 1024),
        }
    }

    /// RAM available to new processes right now, in MB.
    pub fn free_ram_mb(&mut self) -> u64 {
        self.system
            .refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
        self.system.available_memory() / (1024 * 1024)
    }

    /// The one-minute load average.
    #[must_use]
    pub fn load(&self) -> f32 {
        System::load_average().map_or(0.0, |load| load.one as f32)
    }
}

/// The host's IP addresses, loopback excluded.
#[must_use]
pub fn addresses() -> Vec<String> {
    let Ok(interfaces) = nix::ifaddrs::getifaddrs() else {
        return Vec::new();
    };
    let mut addresses: Vec<String> = interfaces
        .filter_map(|interface| {
            let address = interface.address?;
            if let Some(ipv4) = address.as_sockaddr_in() {
                let ip = std::net::IpAddr::V4(ipv4.ip());
                return (!ip.is_loopback()).then(|| ip.to_string());
            }
            if let Some(ipv6) = address.as_sockaddr_in6() {
                let ip = std::net::IpAddr::V6(ipv6.ip());
                return (!ip.is_loopback() && !ipv6.ip().is_unicast_link_local())
                    .then(|| ip.to_string());
            }
            None
        })
        .collect();
    addresses.sort();
    addresses.dedup();
    addresses
}

/// Mounted file systems with their size and free space.
#[must_use]
pub fn disks() -> Vec<warren_shared::DiskInfo> {
    let Ok(disks) = sysinfo::Disks::new_with_refreshed_list() else {
        return Vec::new();
    };
    let mut found: Vec<warren_shared::DiskInfo> = disks
        .iter()
        .map(|disk| warren_shared::DiskInfo {
            mount: disk.mount_point().display().to_string(),
            total_mb: disk.total_space() / (1024 * 1024),
            free_mb: disk.available_space() / (1024 * 1024),
        })
        .collect();
    found.sort_by(|left, right| left.mount.cmp(&right.mount));
    found.dedup_by(|left, right| left.mount == right.mount);
    found
}

/// GPU names: from `nvidia-smi` when it is installed, else from `lspci`'s display controllers.
/// The NVIDIA GPUs `nvidia-smi` lists, with their indices and memory: the GPUs offered to tasks
/// when the settings name none.
pub async fn gpu_devices() -> Vec<warren_shared::GpuDevice> {
    let Some(output) = run_for_output(&[
        "nvidia-smi",
        "--query-gpu=index,name,memory.total",
        "--format=csv,noheader,nounits",
    ])
    .await
    else {
        return Vec::new();
    };
    output
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(',').map(str::trim);
            let index = fields.next()?.parse().ok()?;
            let name = fields.next()?.to_owned();
            let ram_mb = fields.next().and_then(|ram| ram.parse().ok()).unwrap_or(0);
            Some(warren_shared::GpuDevice {
                index,
                name,
                ram_mb,
            })
        })
        .collect()
}

/// GPUs as the system names them (NVIDIA through `nvidia-smi`, others through `lspci`).
pub async fn gpus() -> Vec<String> {
    if let Some(output) = run_for_output(&[
        "nvidia-smi",
        "--query-gpu=name,memory.total",
        "--format=csv,noheader",
    ])
    .await
    {
        let names: Vec<String> = output
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        if !names.is_empty() {
            return names;
        }
    }
    let Some(output) = run_for_output(&["lspci"]).await else {
        return Vec::new();
    };
    output
        .lines()
        .filter(|line| {
            line.contains("VGA compatible controller")
                || line.contains("3D controller")
                || line.contains("Display controller")
        })
        .filter_map(|line| {
            line.split_once(": ")
                .map(|(_, name)| name.trim().to_owned())
        })
        .collect()
}

async fn run_for_output(argv: &[&str]) -> Option<String> {
    let (program, arguments) = argv.split_first()?;
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::process::Command::new(program)
            .args(arguments)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .ok()?
    .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}
