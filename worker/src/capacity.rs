//! Resource accounting: how many more tasks of a given size fit in what this worker offers, and
//! which GPUs each task holds. Pure and synchronous; the worker's loop owns one [`Capacity`].

/// What one task occupies; -1 in either field means the whole host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Need {
    /// CPUs.
    pub cpus: i64,
    /// RAM in MB.
    pub ram_mb: i64,
    /// GPUs.
    pub gpus: i64,
    /// Memory each of those GPUs must have, MB (0: any).
    pub gpu_ram_mb: i64,
}

impl Need {
    /// Whether the task needs the whole host.
    #[must_use]
    pub const fn is_exclusive(&self) -> bool {
        self.cpus < 0 || self.ram_mb < 0
    }
}

/// Most tasks started at once when a task needs neither CPUs nor RAM.
pub const MAX_UNSIZED_TASKS: u64 = 64;

/// The worker's offered resources and what running tasks hold of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capacity {
    cpus: u64,
    ram_mb: u64,
    used_cpus: u64,
    used_ram_mb: u64,
    running: u64,
    exclusive_running: bool,
    /// RAM the system says is available right now; other programs on the host can take RAM the
    /// worker offered, and then fewer tasks fit than the reservations alone say.
    measured_free_ram_mb: Option<u64>,
    /// The GPUs offered: index, memory in MB, and whether a task holds it.
    gpus: Vec<GpuSlot>,
}

/// One GPU and whether a task holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GpuSlot {
    index: u32,
    ram_mb: u64,
    held: bool,
}

impl Capacity {
    /// Offer `cpus` CPUs and `ram_mb` MB.
    #[must_use]
    pub const fn new(cpus: u64, ram_mb: u64) -> Self {
        Self {
            cpus,
            ram_mb,
            used_cpus: 0,
            used_ram_mb: 0,
            running: 0,
            exclusive_running: false,
            measured_free_ram_mb: None,
            gpus: Vec::new(),
        }
    }

    /// Offer these GPUs too: `(index, memory in MB)`.
    #[must_use]
    pub fn with_gpus(mut self, gpus: impl IntoIterator<Item = (u32, u64)>) -> Self {
        self.gpus = gpus
            .into_iter()
            .map(|(index, ram_mb)| GpuSlot {
                index,
                ram_mb,
                held: false,
            })
            .collect();
        self
    }

    /// The free GPUs a task of `need` may use.
    fn free_gpus(&self, need: Need) -> impl Iterator<Item = &GpuSlot> {
        self.gpus.iter().filter(move |gpu| {
            !gpu.held && (need.gpu_ram_mb <= 0 || gpu.ram_mb as i64 >= need.gpu_ram_mb)
        })
    }

    /// Tasks holding resources.
    #[must_use]
    pub const fn running(&self) -> u64 {
        self.running
    }

    /// Record the RAM the system reports available.
    pub fn set_measured_free_ram(&mut self, free_ram_mb: u64) {
        self.measured_free_ram_mb = Some(free_ram_mb);
    }

    /// RAM free for new tasks: what reservations leave, and no more than the system has.
    #[must_use]
    pub fn free_ram_mb(&self) -> u64 {
        let by_reservations = self.ram_mb.saturating_sub(self.used_ram_mb);
        self.measured_free_ram_mb
            .map_or(by_reservations, |measured| by_reservations.min(measured))
    }

    /// How many more tasks of `need` fit now.
    #[must_use]
    pub fn fits(&self, need: Need) -> u64 {
        if self.exclusive_running {
            return 0;
        }
        if need.is_exclusive() {
            return u64::from(self.running == 0);
        }
        let by_cpu = if need.cpus > 0 {
            (self.cpus.saturating_sub(self.used_cpus)) / need.cpus as u64
        } else {
            u64::MAX
        };
        let by_ram = if need.ram_mb > 0 {
            self.free_ram_mb() / need.ram_mb as u64
        } else {
            u64::MAX
        };
        let by_gpu = if need.gpus > 0 {
            self.free_gpus(need).count() as u64 / need.gpus as u64
        } else {
            u64::MAX
        };
        let fits = by_cpu.min(by_ram).min(by_gpu);
        if fits == u64::MAX {
            MAX_UNSIZED_TASKS.saturating_sub(self.running)
        } else {
            fits
        }
    }

    /// Take the resources of one task of `need`: the indices of the GPUs it holds (all of them
    /// for a whole-host task), or `None` (and nothing taken) when it does not fit.
    pub fn reserve(&mut self, need: Need) -> Option<Vec<u32>> {
        if self.fits(need) == 0 {
            return None;
        }
        self.running += 1;
        let gpus: Vec<u32> = if need.is_exclusive() {
            self.exclusive_running = true;
            self.gpus.iter().map(|gpu| gpu.index).collect()
        } else {
            self.used_cpus += need.cpus.max(0) as u64;
            self.used_ram_mb += need.ram_mb.max(0) as u64;
            self.free_gpus(need)
                .take(usize::try_from(need.gpus.max(0)).unwrap_or(0))
                .map(|gpu| gpu.index)
                .collect()
        };
        for gpu in &mut self.gpus {
            if gpus.contains(&gpu.index) {
                gpu.held = true;
            }
        }
        Some(gpus)
    }

    /// Give back the resources of one task of `need`, which held `gpus`.
    pub fn release(&mut self, need: Need, gpus: &[u32]) {
        self.running = self.running.saturating_sub(1);
        if need.is_exclusive() {
            self.exclusive_running = false;
        } else {
            self.used_cpus = self.used_cpus.saturating_sub(need.cpus.max(0) as u64);
            self.used_ram_mb = self.used_ram_mb.saturating_sub(need.ram_mb.max(0) as u64);
        }
        for gpu in &mut self.gpus {
            if gpus.contains(&gpu.index) {
                gpu.held = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn need(cpus: i64, ram_mb: i64) -> Need {
        Need {
            cpus,
            ram_mb,
            gpus: 0,
            gpu_ram_mb: 0,
        }
    }

    #[test]
    fn tasks_hold_distinct_gpus_and_gpu_memory_is_respected() {
        let mut capacity =
            Capacity::new(16, 65_536).with_gpus([(0, 8192), (1, 24_576), (2, 24_576)]);
        let one = Need {
            gpus: 1,
            ..need(1, 0)
        };
        let big = Need {
            gpu_ram_mb: 16_384,
            ..one
        };
        assert_eq!(capacity.fits(one), 3);
        assert_eq!(capacity.fits(big), 2);
        let first = capacity.reserve(big).expect("a big GPU is free");
        let second = capacity.reserve(big).expect("another big GPU is free");
        assert_ne!(first, second);
        assert!(
            !first.contains(&0) && !second.contains(&0),
            "the small GPU is left"
        );
        assert_eq!(capacity.fits(big), 0);
        assert_eq!(capacity.reserve(big), None);
        assert_eq!(capacity.reserve(one), Some(vec![0]));
        assert_eq!(capacity.fits(one), 0);
        capacity.release(big, &first);
        assert_eq!(capacity.fits(big), 1);
        assert_eq!(capacity.reserve(big), Some(first));
        let two = Need { gpus: 2, ..one };
        assert_eq!(
            Capacity::new(4, 0)
                .with_gpus([(0, 0), (1, 0), (2, 0)])
                .fits(two),
            1
        );
    }

    #[test]
    fn fits_counts_the_tightest_resource() {
        let capacity = Capacity::new(8, 16_384);
        let cases = [
            (need(1, 0), 8),
            (need(2, 0), 4),
            (need(1, 4096), 4),
            (need(3, 1024), 2),
            (need(16, 0), 0),
            (need(0, 0), MAX_UNSIZED_TASKS),
            (need(-1, -1), 1),
        ];
        for (task_need, expected) in cases {
            assert_eq!(capacity.fits(task_need), expected, "{task_need:?}");
        }
    }

    #[test]
    fn reservations_shrink_and_releases_restore_the_room() {
        let mut capacity = Capacity::new(2, 4096);
        assert!(capacity.reserve(need(1, 1024)).is_some());
        assert_eq!(capacity.fits(need(1, 1024)), 1);
        assert!(capacity.reserve(need(1, 1024)).is_some());
        assert_eq!(capacity.fits(need(1, 1024)), 0);
        assert!(capacity.reserve(need(1, 1024)).is_none());
        assert_eq!(capacity.running(), 2);
        capacity.release(need(1, 1024), &[]);
        assert_eq!(capacity.fits(need(1, 1024)), 1);
    }

    #[test]
    fn ram_taken_by_other_programs_shrinks_what_fits() {
        let mut capacity = Capacity::new(8, 16_384);
        assert_eq!(capacity.fits(need(1, 4096)), 4);
        capacity.set_measured_free_ram(5000);
        assert_eq!(capacity.fits(need(1, 4096)), 1);
        assert_eq!(
            capacity.fits(need(1, 0)),
            8,
            "tasks that need no RAM are unaffected"
        );
        capacity.set_measured_free_ram(60_000);
        assert_eq!(
            capacity.fits(need(1, 4096)),
            4,
            "never more than was offered"
        );
    }

    #[test]
    fn an_exclusive_task_waits_for_an_empty_host_and_then_blocks_it() {
        let mut capacity = Capacity::new(4, 8192);
        assert!(capacity.reserve(need(1, 0)).is_some());
        assert_eq!(capacity.fits(need(-1, -1)), 0);
        capacity.release(need(1, 0), &[]);
        assert!(capacity.reserve(need(-1, 0)).is_some());
        assert_eq!(capacity.fits(need(1, 0)), 0);
        assert_eq!(capacity.fits(need(-1, -1)), 0);
        capacity.release(need(-1, 0), &[]);
        assert_eq!(capacity.fits(need(1, 0)), 4);
    }
}
