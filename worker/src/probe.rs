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
