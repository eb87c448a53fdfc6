//! Software discovery: run each configured check's command (without a shell, with a timeout) and
//! read versions from its output with the check's regular expression.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use warren_api::{DiscoveryCheck, SoftwareDefinition};
use warren_shared::Version;

use crate::config::SoftwareCheck;
use crate::users::RunAs;

/// How long a check's command may run.
const CHECK_TIMEOUT: Duration = Duration::from_secs(15);

/// Installed software found by `checks`: name to the versions seen. A check whose command is
/// missing, fails to start, times out or prints no match finds nothing.
pub async fn discover(checks: &[SoftwareCheck]) -> BTreeMap<String, Vec<Version>> {
    let mut found: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    for check in checks {
        let versions = run_check(check).await;
        tracing::info!(software = %check.name, versions = ?versions.iter().map(ToString::to_string).collect::<Vec<_>>(), "software check");
        if !versions.is_empty() {
            let entry = found.entry(check.name.clone()).or_default();
            for version in versions {
                if !entry.contains(&version) {
                    entry.push(version);
                }
            }
            entry.sort();
        }
    }
    found
}

async fn run_check(check: &SoftwareCheck) -> Vec<Version> {
    match run(&check.name, &check.command, None).await {
        Some((_, text)) => versions_in(&check.regex, &text),
        None => Vec::new(),
    }
}

/// Run a check's command without a shell: whether it exited with status 0, and its standard
/// output and error together; `None` when it could not run or timed out.
async fn run(software: &str, command: &[String], run_as: Option<&RunAs>) -> Option<(bool, String)> {
    let (program, arguments) = command.split_first()?;
    let mut process = tokio::process::Command::new(program);
    if let Some(run_as) = run_as {
        process.uid(run_as.uid).gid(run_as.gid);
    }
    let output = process
        .args(arguments)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(CHECK_TIMEOUT, output).await {
        Ok(Ok(output)) => output,
        Ok(Err(error)) => {
            tracing::debug!(software, %error, "software check could not run");
            return None;
        }
        Err(_) => {
            tracing::warn!(software, "software check timed out");
            return None;
        }
    };
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Some((output.status.success(), text))
}

/// Who runs the catalogue's checks: they come from the farm's admins, not from this node's
/// configuration, so a worker running as root that does not allow root tasks runs them as
/// `nobody`; `Err` when it cannot (then the catalogue is not checked here).
pub fn catalogue_user(allow_root_tasks: bool) -> Result<Option<RunAs>, String> {
    if allow_root_tasks || !crate::users::running_as_root() {
        return Ok(None);
    }
    crate::users::resolve(Some("nobody"), Some("nogroup"), false)
        .or_else(|_| crate::users::resolve(Some("nobody"), None, false))
}

/// The catalogue's versions this machine has: each version's check for this operating system
/// (`std::env::consts::OS`) is run (as `run_as`, see `catalogue_user`), after its path, when
/// one is given, is found to exist. A version without a check for this system, or whose regular
/// expression does not compile, is not there.
pub async fn discover_catalogue(
    catalogue: &[SoftwareDefinition],
    run_as: Option<&RunAs>,
) -> BTreeMap<String, Vec<Version>> {
    let os = std::env::consts::OS;
    let mut found: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    for software in catalogue {
        for version in &software.versions {
            let Some(check) = version.checks.get(os) else {
                continue;
            };
            let Ok(parsed) = Version::parse(&version.version) else {
                continue;
            };
            let path = version.paths.get(os);
            if let Some(path) = path
                && !tokio::fs::try_exists(path).await.unwrap_or(false)
            {
                tracing::info!(software = %software.name, version = %version.version, path, "catalogue software not installed here");
                continue;
            }
            let command: Vec<String> = check
                .command
                .iter()
                .map(|part| match path {
                    Some(path) => part.replace("{path}", path),
                    None => part.clone(),
                })
                .collect();
            let present = match run(&software.name, &command, run_as).await {
                Some((succeeded, text)) => output_matches(check, succeeded, &text),
                None => false,
            };
            tracing::info!(software = %software.name, version = %version.version, present, "catalogue software check");
            if present {
                found.entry(software.name.clone()).or_default().push(parsed);
            }
        }
    }
    for versions in found.values_mut() {
        versions.sort();
        versions.dedup();
    }
    found
}

/// Whether a catalogue check's output says the version is there.
fn output_matches(check: &DiscoveryCheck, succeeded: bool, text: &str) -> bool {
    if check.expect.is_none() && check.regex.is_none() {
        return succeeded;
    }
    let expected = check
        .expect
        .as_ref()
        .is_none_or(|expect| text.contains(expect.as_str()));
    let matched = check
        .regex
        .as_ref()
        .is_none_or(|pattern| regex::Regex::new(pattern).is_ok_and(|regex| regex.is_match(text)));
    expected && matched
}

/// Both findings together: every name with the versions either found.
#[must_use]
pub fn merge(
    mut local: BTreeMap<String, Vec<Version>>,
    catalogue: BTreeMap<String, Vec<Version>>,
) -> BTreeMap<String, Vec<Version>> {
    for (name, versions) in catalogue {
        let entry = local.entry(name).or_default();
        entry.extend(versions);
        entry.sort();
        entry.dedup();
    }
    local
}

/// Every version matched by `regex`'s first group in `text`.
#[must_use]
pub fn versions_in(regex: &regex::Regex, text: &str) -> Vec<Version> {
    let mut versions: Vec<Version> = regex
        .captures_iter(text)
        .filter_map(|captures| captures.get(1))
        .filter_map(|found| Version::parse(found.as_str()).ok())
        .collect();
    versions.sort();
    versions.dedup();
    versions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_from_the_first_group() {
        let regex = regex::Regex::new(r"Blender (\d+\.\d+)").expect("valid regex");
        let versions = versions_in(
            &regex,
            "Blender 4.1.0\n\tbuild date: 2024\nBlender 3.6 (LTS)\n",
        );
        assert_eq!(
            versions.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec!["3.6", "4.1"]
        );
        assert!(versions_in(&regex, "command not found").is_empty());
    }

    #[tokio::test]
    async fn catalogue_checks_need_their_path_and_their_expected_output() {
        let os = std::env::consts::OS.to_owned();
        let version = |number: &str, command: &[&str], expect: Option<&str>, path: Option<&str>| {
            warren_api::SoftwareVersionDefinition {
                version: number.to_owned(),
                checks: BTreeMap::from([(
                    os.clone(),
                    DiscoveryCheck {
                        command: command.iter().map(|part| (*part).to_owned()).collect(),
                        expect: expect.map(str::to_owned),
                        regex: None,
                    },
                )]),
                paths: path
                    .map(|path| BTreeMap::from([(os.clone(), path.to_owned())]))
                    .unwrap_or_default(),
            }
        };
        let catalogue = vec![SoftwareDefinition {
            name: "tool".to_owned(),
            versions: vec![
                version("1.0", &["echo", "Tool 1.0"], Some("Tool 1.0"), None),
                version("2.0", &["echo", "Tool 1.0"], Some("Tool 2.0"), None),
                version("3.0", &["{path}"], None, Some("/bin/true")),
                version("4.0", &["{path}"], None, Some("/nonexistent/tool")),
                version("5.0", &["false"], None, None),
            ],
        }];
        let found = discover_catalogue(&catalogue, None).await;
        assert_eq!(
            found
                .get("tool")
                .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>()),
            Some(vec!["1.0".to_owned(), "3.0".to_owned()])
        );
    }

    #[tokio::test]
    async fn a_missing_program_finds_nothing_and_a_real_one_is_read() {
        let missing = SoftwareCheck {
            name: "ghost".to_owned(),
            command: vec!["/nonexistent/ghost".to_owned()],
            regex: regex::Regex::new(r"(\d+)").expect("valid regex"),
        };
        let echo = SoftwareCheck {
            name: "echo".to_owned(),
            command: vec!["echo".to_owned(), "Tool 2.5.1".to_owned()],
            regex: regex::Regex::new(r"Tool (\d+\.\d+\.\d+)").expect("valid regex"),
        };
        let found = discover(&[missing, echo]).await;
        assert!(!found.contains_key("ghost"));
        assert_eq!(
            found
                .get("echo")
                .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>()),
            Some(vec!["2.5.1".to_owned()])
        );
    }
}
