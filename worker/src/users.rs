//! Which user a task runs as. A worker running as root runs each task as its job's user (and
//! group), looked up in `/etc/passwd` and `/etc/group`; it refuses to run tasks as root unless
//! configured to. A worker running as anyone else runs tasks as itself.

/// The identity a task's processes take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunAs {
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
    /// Home directory, for `HOME`.
    pub home: Option<String>,
}

/// The effective user id of this process, from `/proc/self/status`.
#[must_use]
pub fn effective_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix("Uid:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Whether the worker runs as root.
#[must_use]
pub fn running_as_root() -> bool {
    effective_uid() == Some(0)
}

/// The identity for a task of a job with `user` and `group`; `Ok(None)` to run as the worker.
/// An error names why the task may not run here.
pub fn resolve(
    user: Option<&str>,
    group: Option<&str>,
    allow_root: bool,
) -> Result<Option<RunAs>, String> {
    if !running_as_root() {
        return Ok(None);
    }
    let Some(user) = user.filter(|user| !user.is_empty()) else {
        return if allow_root {
            Ok(None)
        } else {
            Err("the worker runs as root and the job names no user to run as; set the job's `user` \
                 or allow root tasks in the worker's configuration (allow_root_tasks)"
                .to_owned())
        };
    };
    let passwd = std::fs::read_to_string("/etc/passwd")
        .map_err(|error| format!("cannot read /etc/passwd: {error}"))?;
    let (uid, mut gid, home) = lookup_user(&passwd, user)
        .ok_or_else(|| format!("user `{user}` does not exist on this worker"))?;
    if let Some(group) = group.filter(|group| !group.is_empty()) {
        let groups = std::fs::read_to_string("/etc/group")
            .map_err(|error| format!("cannot read /etc/group: {error}"))?;
        gid = lookup_group(&groups, group)
            .ok_or_else(|| format!("group `{group}` does not exist on this worker"))?;
    }
    if (uid == 0 || gid == 0) && !allow_root {
        return Err(format!(
            "refusing to run a task as root (user `{user}`); allow root tasks in the worker's configuration (allow_root_tasks)"
        ));
    }
    Ok(Some(RunAs { uid, gid, home }))
}

/// `(uid, gid, home)` of a user name or numeric id in `/etc/passwd` text.
fn lookup_user(passwd: &str, user: &str) -> Option<(u32, u32, Option<String>)> {
    for line in passwd.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() < 7 {
            continue;
        }
        if fields[0] == user || fields[2] == user {
            let uid = fields[2].parse().ok()?;
            let gid = fields[3].parse().ok()?;
            return Some((uid, gid, Some(fields[5].to_owned())));
        }
    }
    user.parse().ok().map(|uid| (uid, uid, None))
}

/// The gid of a group name or numeric id in `/etc/group` text.
fn lookup_group(groups: &str, group: &str) -> Option<u32> {
    for line in groups.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() >= 3 && (fields[0] == group || fields[2] == group) {
            return fields[2].parse().ok();
        }
    }
    group.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n";
    const GROUP: &str = "root:x:0:\nrender:x:2000:alice\nalice:x:1000:\n";

    #[test]
    fn users_and_groups_resolve_by_name_or_number() {
        assert_eq!(
            lookup_user(PASSWD, "alice"),
            Some((1000, 1000, Some("/home/alice".to_owned())))
        );
        assert_eq!(lookup_user(PASSWD, "65534").map(|user| user.0), Some(65534));
        assert_eq!(lookup_user(PASSWD, "mallory"), None);
        assert_eq!(lookup_group(GROUP, "render"), Some(2000));
        assert_eq!(lookup_group(GROUP, "nogroup"), None);
    }
}
