//! Software discovery: run each configured check's command (without a shell, with a timeout) and
//! read versions from its output with the check's regular expression.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use warren_shared::Version;

use crate::config::SoftwareCheck;

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
    let Some((program, arguments)) = check.command.split_first() else {
        return Vec::new();
    };
    let output = tokio::process::Command::new(program)
        .args(arguments)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(CHECK_TIMEOUT, output).await {
        Ok(Ok(output)) => output,
        Ok(Err(error)) => {
            tracing::debug!(software = %check.name, %error, "software check could not run");
            return Vec::new();
        }
        Err(_) => {
            tracing::warn!(software = %check.name, "software check timed out");
            return Vec::new();
        }
    };
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    versions_in(&check.regex, &text)
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
