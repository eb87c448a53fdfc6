//! Path maps: the same storage seen from Linux, Windows and macOS under different roots. A
//! worker rewrites every path of a task that starts with another system's root into its own,
//! so a job submitted from a Windows workstation runs on Linux render nodes.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// One storage root as each operating system sees it; a map with a tag applies only on agents
/// with that tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathMap {
    /// The root on Linux, e.g. `/mnt/projects`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linux: Option<String>,
    /// The root on Windows, e.g. `P:\projects` or `\\server\projects`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows: Option<String>,
    /// The root on macOS, e.g. `/Volumes/projects`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub macos: Option<String>,
    /// Only agents with this tag use the map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl PathMap {
    /// The root for an operating system named as `std::env::consts::OS` names it.
    #[must_use]
    pub fn root_for(&self, os: &str) -> Option<&str> {
        match os {
            "linux" => self.linux.as_deref(),
            "windows" => self.windows.as_deref(),
            "macos" => self.macos.as_deref(),
            _ => None,
        }
    }

    fn roots(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("linux", self.linux.as_deref()),
            ("windows", self.windows.as_deref()),
            ("macos", self.macos.as_deref()),
        ]
        .into_iter()
        .filter_map(|(os, root)| Some((os, root?)))
    }
}

/// A rewrite: a foreign root, the local one, and whether the foreign one is a Windows path.
struct Rewrite<'a> {
    from: &'a str,
    to: &'a str,
    from_windows: bool,
}

/// Rewrites for `os` from the maps that apply to an agent with `tags`, longest roots first.
fn rewrites<'a>(maps: &'a [PathMap], os: &str, tags: &BTreeSet<String>) -> Vec<Rewrite<'a>> {
    let mut rewrites: Vec<Rewrite<'a>> = maps
        .iter()
        .filter(|map| map.tag.as_ref().is_none_or(|tag| tags.contains(tag)))
        .filter_map(|map| Some((map, map.root_for(os)?)))
        .flat_map(|(map, to)| {
            map.roots()
                .filter(move |(from_os, from)| *from_os != os && !from.is_empty() && *from != to)
                .map(move |(from_os, from)| Rewrite {
                    from,
                    to,
                    from_windows: from_os == "windows",
                })
        })
        .collect();
    rewrites.sort_by_key(|rewrite| std::cmp::Reverse(rewrite.from.len()));
    rewrites
}

/// Characters that end a path inside a longer text.
fn ends_path(character: char) -> bool {
    character.is_whitespace() || matches!(character, '"' | '\'' | ';' | ',')
}

/// Whether `text[at..]` starts with `root` followed by the end, a separator or the end of the
/// path (so `/mnt/projects` does not match `/mnt/projects2`). Windows roots match whatever the
/// case.
fn root_at(text: &str, at: usize, rewrite: &Rewrite<'_>) -> Option<usize> {
    let candidate = text.get(at..at + rewrite.from.len())?;
    let same = if rewrite.from_windows {
        candidate.eq_ignore_ascii_case(rewrite.from)
    } else {
        candidate == rewrite.from
    };
    if !same {
        return None;
    }
    let end = at + rewrite.from.len();
    match text[end..].chars().next() {
        None => Some(end),
        Some(next) if next == '/' || next == '\\' || ends_path(next) => Some(end),
        Some(_) => None,
    }
}

/// `text` with every foreign root replaced by this system's, and the separators of the rest of
/// each rewritten path turned into this system's.
#[must_use]
pub fn translate(text: &str, maps: &[PathMap], os: &str, tags: &BTreeSet<String>) -> String {
    let rewrites = rewrites(maps, os, tags);
    if rewrites.is_empty() {
        return text.to_owned();
    }
    let (separator, foreign) = if os == "windows" {
        ('\\', '/')
    } else {
        ('/', '\\')
    };
    let mut output = String::with_capacity(text.len());
    let mut at = 0;
    let mut at_boundary = true;
    while at < text.len() {
        let found = at_boundary
            .then(|| {
                rewrites
                    .iter()
                    .find_map(|rewrite| Some((rewrite, root_at(text, at, rewrite)?)))
            })
            .flatten();
        if let Some((rewrite, end)) = found {
            output.push_str(rewrite.to);
            let rest = &text[end..];
            let path_end = rest.find(ends_path).unwrap_or(rest.len());
            output.extend(rest[..path_end].chars().map(|character| {
                if character == foreign {
                    separator
                } else {
                    character
                }
            }));
            at = end + path_end;
            at_boundary = false;
            continue;
        }
        let character = text[at..].chars().next().expect("at is inside the text");
        output.push(character);
        at_boundary = ends_path(character) || character == '=';
        at += character.len_utf8();
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    fn projects() -> Vec<PathMap> {
        vec![PathMap {
            linux: Some("/mnt/projects".to_owned()),
            windows: Some(r"P:\projects".to_owned()),
            macos: Some("/Volumes/projects".to_owned()),
            tag: None,
        }]
    }

    #[test]
    fn windows_and_mac_paths_become_linux_paths() {
        let none = BTreeSet::new();
        assert_eq!(
            translate(
                r"P:\projects\shot010\beauty.exr",
                &projects(),
                "linux",
                &none
            ),
            "/mnt/projects/shot010/beauty.exr"
        );
        assert_eq!(
            translate(r"p:\Projects\a.blend", &projects(), "linux", &none),
            "/mnt/projects/a.blend"
        );
        assert_eq!(
            translate(
                "-o=/Volumes/projects/out/#### -f 1",
                &projects(),
                "linux",
                &none
            ),
            "-o=/mnt/projects/out/#### -f 1"
        );
        assert_eq!(
            translate("/mnt/projects2/x", &projects(), "linux", &none),
            "/mnt/projects2/x"
        );
        assert_eq!(
            translate("/mnt/projects/x", &projects(), "linux", &none),
            "/mnt/projects/x"
        );
        assert_eq!(translate("echo P:", &projects(), "linux", &none), "echo P:");
    }

    #[test]
    fn linux_paths_become_windows_paths() {
        assert_eq!(
            translate(
                "/mnt/projects/shot/a.exr",
                &projects(),
                "windows",
                &BTreeSet::new()
            ),
            r"P:\projects\shot\a.exr"
        );
    }

    #[test]
    fn a_tagged_map_applies_only_on_agents_with_the_tag() {
        let mut maps = projects();
        maps[0].tag = Some("paris".to_owned());
        let text = r"P:\projects\a";
        assert_eq!(translate(text, &maps, "linux", &BTreeSet::new()), text);
        let tags = BTreeSet::from(["paris".to_owned()]);
        assert_eq!(translate(text, &maps, "linux", &tags), "/mnt/projects/a");
    }
}
