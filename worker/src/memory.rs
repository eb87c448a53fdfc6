//! Resident memory of a task's process group, read from `/proc` (Linux). Elsewhere nothing is
//! measured and `ram_max` is not enforced.

use std::path::Path;

/// Total resident memory, in MB, of the processes in process group `pgid`; `None` when it
/// cannot be measured (no `/proc`).
#[must_use]
pub fn group_rss_mb(pgid: u32) -> Option<u64> {
    let entries = std::fs::read_dir("/proc").ok()?;
    let mut total_kb: u64 = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|name| name.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let dir = Path::new("/proc").join(pid);
        if process_group(&dir) != Some(pgid) {
            continue;
        }
        total_kb += resident_kb(&dir).unwrap_or(0);
    }
    Some(total_kb.div_ceil(1024))
}

/// The process group of the process whose `/proc` directory is `dir`.
fn process_group(dir: &Path) -> Option<u32> {
    let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
    // The command name may hold spaces and parentheses; fields resume after the last `)`.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(2)?.parse().ok()
}

fn resident_kb(dir: &Path) -> Option<u64> {
    let status = std::fs::read_to_string(dir.join("status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_group_uses_some_memory() {
        let pgid = process_group(Path::new("/proc/self")).expect("Linux has /proc");
        let rss = group_rss_mb(pgid).expect("measurable");
        assert!(rss > 0, "a running test process holds memory");
    }
}
