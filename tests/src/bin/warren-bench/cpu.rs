//! Where the machine's CPU goes during a measurement: every process's CPU time read from
//! `/proc` at the start and at the end, summed by kind (RabbitMQ, the master, the workers and the
//! task processes they ran, the database, Celery, Redis), beside the machine's own total.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use anyhow::Context as _;

/// Linux reports CPU times in clock ticks of USER_HZ, which is 100 on every architecture.
const TICKS_PER_SECOND: f64 = 100.0;

/// One process's CPU seconds: its own, and those of its children it has waited for.
#[derive(Clone, Copy, Debug, Default)]
struct ProcessCpu {
    own: f64,
    children: f64,
}

/// Every live process's CPU time, and the machine's busy time, at one moment.
pub struct Snapshot {
    at: Instant,
    machine_busy: f64,
    processes: HashMap<u32, (String, ProcessCpu)>,
}

/// CPU seconds a process has used so far (user + system, its own).
pub fn process_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    Ok(parse_stat(&stat)?.1.own)
}

/// A `/proc/<pid>/stat` line's command name and CPU times.
fn parse_stat(stat: &str) -> anyhow::Result<(String, ProcessCpu)> {
    let (head, rest) = stat.rsplit_once(')').context("a /proc stat line")?;
    let name = head
        .split_once('(')
        .map(|(_, name)| name.to_owned())
        .unwrap_or_default();
    // Fields after the parenthesised command name: utime, stime, cutime and cstime are the
    // 14th to 17th of the line.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |idx: usize| -> anyhow::Result<f64> {
        Ok(fields
            .get(idx)
            .context("a /proc stat field")?
            .parse::<f64>()?
            / TICKS_PER_SECOND)
    };
    Ok((
        name,
        ProcessCpu {
            own: ticks(11)? + ticks(12)?,
            children: ticks(13)? + ticks(14)?,
        },
    ))
}

/// The machine's busy CPU seconds so far (user, nice, system, irq and softirq of all cores).
fn machine_busy_seconds() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/stat")?;
    let line = stat
        .lines()
        .find(|line| line.starts_with("cpu "))
        .context("no cpu line in /proc/stat")?;
    let ticks: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    // user nice system idle iowait irq softirq ...
    let busy = [0, 1, 2, 5, 6]
        .iter()
        .filter_map(|idx| ticks.get(*idx))
        .sum::<f64>();
    Ok(busy / TICKS_PER_SECOND)
}

impl Snapshot {
    /// Read every process now. Processes that end between two reads are missed, and their time
    /// shows as "other" (unless their parent waited for them: then it is the parent's children
    /// time).
    pub fn take() -> anyhow::Result<Self> {
        let mut processes = HashMap::new();
        for entry in std::fs::read_dir("/proc")? {
            let Ok(pid) = entry?.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            // A process may end while it is being read.
            if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                && let Ok(parsed) = parse_stat(&stat)
            {
                processes.insert(pid, parsed);
            }
        }
        Ok(Self {
            at: Instant::now(),
            machine_busy: machine_busy_seconds()?,
            processes,
        })
    }

    /// CPU seconds used since `earlier`, by kind, plus "other" (the rest of the machine's busy
    /// time) and the machine's busy share of its cores.
    pub fn since(&self, earlier: &Self) -> Usage {
        let mut by_kind: BTreeMap<&'static str, f64> = BTreeMap::new();
        for (pid, (name, now)) in &self.processes {
            let before = earlier
                .processes
                .get(pid)
                .filter(|(earlier_name, _)| earlier_name == name)
                .map(|(_, cpu)| *cpu)
                .unwrap_or_default();
            let (own_kind, children_kind) = kinds(name);
            *by_kind.entry(own_kind).or_default() += (now.own - before.own).max(0.0);
            if let Some(kind) = children_kind {
                *by_kind.entry(kind).or_default() += (now.children - before.children).max(0.0);
            }
        }
        by_kind.remove(IGNORED);
        let machine = self.machine_busy - earlier.machine_busy;
        let counted: f64 = by_kind.values().sum();
        by_kind.insert("other", (machine - counted).max(0.0));
        let seconds = self.at.duration_since(earlier.at).as_secs_f64();
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Usage {
            by_kind,
            machine,
            busy_share: machine / (seconds * cores as f64),
        }
    }
}

/// Children's time that is already counted as some process's own, or ends up in "other".
const IGNORED: &str = "";

/// The kind a process's own time counts as, and the kind its waited-for children's time counts
/// as (none where the children are counted on their own, as the database's backends are).
fn kinds(name: &str) -> (&'static str, Option<&'static str>) {
    match name {
        "beam.smp" | "erl_child_setup" | "epmd" | "inet_gethost" => ("RabbitMQ", None),
        "warren-master" => ("master", None),
        "warren-worker" => ("workers", Some("task processes")),
        "postgres" | "mariadbd" | "mysqld" => ("database", None),
        "redis-server" => ("Redis", None),
        "warren-bench" => ("benchmark driver", None),
        "celery" => ("Celery", Some("task processes")),
        name if name.starts_with("python") => ("Celery", Some("task processes")),
        _ => (IGNORED, None),
    }
}

/// CPU used over a measurement.
pub struct Usage {
    /// CPU seconds by kind, with "other" for the rest of the machine's busy time.
    pub by_kind: BTreeMap<&'static str, f64>,
    /// The machine's busy CPU seconds.
    pub machine: f64,
    /// Busy share of all cores, 0 to 1.
    pub busy_share: f64,
}

impl Usage {
    /// One line: CPU milliseconds per task by kind, largest first, and the machine's load.
    pub fn per_task_line(&self, tasks: f64) -> String {
        let mut kinds: Vec<(&str, f64)> = self
            .by_kind
            .iter()
            .map(|(kind, seconds)| (*kind, *seconds))
            .filter(|(_, seconds)| *seconds > 0.0)
            .collect();
        kinds.sort_by(|a, b| b.1.total_cmp(&a.1));
        let parts: Vec<String> = kinds
            .iter()
            .map(|(kind, seconds)| format!("{kind} {:.2}", seconds * 1000.0 / tasks))
            .collect();
        format!(
            "CPU ms per task {:.2}: {}; machine {:.0} % busy",
            self.machine * 1000.0 / tasks,
            parts.join(", "),
            self.busy_share * 100.0
        )
    }

    /// CPU milliseconds per task of one kind.
    pub fn per_task(&self, kind: &str, tasks: f64) -> f64 {
        self.by_kind.get(kind).copied().unwrap_or(0.0) * 1000.0 / tasks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_line_with_spaces_and_parentheses_in_its_name_parses() {
        let line = "42 (a (b) c) S 1 42 42 0 -1 4194304 100 0 0 0 250 50 30 20 20 0 1 0 1 1 1";
        let (name, cpu) = parse_stat(line).expect("a well-formed line");
        assert_eq!(name, "a (b) c");
        assert!((cpu.own - 3.0).abs() < 1e-9, "{cpu:?}");
        assert!((cpu.children - 0.5).abs() < 1e-9, "{cpu:?}");
    }
}
