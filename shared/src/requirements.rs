//! What a task needs from a worker, the canonical class key that routes it, and the check
//! that a worker's capabilities satisfy it.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a requirement is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequirementsError {
    /// A tag name with characters outside `[A-Za-z0-9_-]`, or empty, or too long.
    #[error("invalid tag `{0}`: use 1 to 48 characters from A-Z, a-z, 0-9, `_` and `-`")]
    InvalidTag(String),
    /// A software name with characters outside `[A-Za-z0-9_-]`, or empty, or too long.
    #[error("invalid software name `{0}`: use 1 to 48 characters from A-Z, a-z, 0-9, `_` and `-`")]
    InvalidSoftwareName(String),
    /// A version that is not dot-separated numbers.
    #[error("invalid version `{0}`: use dot-separated numbers such as `3.4` or `2024.1.2`")]
    InvalidVersion(String),
    /// A software requirement whose minimum is above its maximum.
    #[error("software `{software}`: minimum version {min} is above maximum version {max}")]
    EmptyVersionRange {
        /// The software concerned.
        software: String,
        /// Its minimum version.
        min: Version,
        /// Its maximum version.
        max: Version,
    },
    /// A software requirement string that does not read `name`, `name>=1.2`, `name<=2` or both.
    #[error(
        "invalid software requirement `{0}`: write `name`, `name>=min`, `name<=max` or `name>=min<=max`"
    )]
    InvalidSoftwareRequirement(String),
    /// A CPU count that is neither -1 (whole host) nor within 0..=4096.
    #[error("`cpus` must be -1 (whole host) or between 0 and 4096, got {0}")]
    CpusOutOfRange(i64),
    /// A GPU count outside 0..=64.
    #[error("`gpus` must be between 0 and 64, got {0}")]
    GpusOutOfRange(i64),
    /// A GPU memory amount outside 0..=16 TiB in MB, or given without `gpus`.
    #[error("`gpu_ram` must be between 0 and 16777216 MB, and goes with `gpus`, got {0}")]
    GpuRamOutOfRange(i64),
    /// A RAM amount that is neither -1 (whole host) nor within 0..=16 TiB in MB.
    #[error("`ram` must be -1 (whole host) or between 0 and 16777216 MB, got {0}")]
    RamOutOfRange(i64),
    /// The same tag is both required and excluded.
    #[error("tag `{0}` is both required and excluded")]
    ContradictoryTag(String),
    /// Too many tags or software requirements to form a routable class key.
    #[error("at most {limit} tags and software requirements together, got {count}")]
    TooManyRequirements {
        /// How many were given.
        count: usize,
        /// The most allowed.
        limit: usize,
    },
}

const MAX_NAME_LEN: usize = 48;
const MAX_REQUIREMENT_ITEMS: usize = 32;

/// Most GPUs one task may need.
pub const MAX_GPUS: i64 = 64;
/// Longest class key before it is shortened with a hash, so queue names stay under AMQP's 255 bytes.
const MAX_CLASS_KEY_LEN: usize = 160;
/// RAM requirements are rounded up to this many MB so near-identical jobs share a class.
pub const RAM_GRANULARITY_MB: i64 = 512;

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-')
}

/// Validate a tag name.
pub fn validate_tag(tag: &str) -> Result<(), RequirementsError> {
    if valid_name(tag) {
        Ok(())
    } else {
        Err(RequirementsError::InvalidTag(tag.to_owned()))
    }
}

/// A software version: dot-separated numbers, compared numerically part by part.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version(Vec<u64>);

impl Version {
    /// Parse `3`, `3.4`, `2024.1.2`; surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Self, RequirementsError> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.len() > 32 {
            return Err(RequirementsError::InvalidVersion(text.to_owned()));
        }
        trimmed
            .split('.')
            .map(|part| part.parse::<u64>())
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
            .map_err(|_| RequirementsError::InvalidVersion(text.to_owned()))
    }

    /// The numeric parts.
    #[must_use]
    pub fn parts(&self) -> &[u64] {
        &self.0
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.0.len().max(other.0.len());
        for part_idx in 0..len {
            let ours = self.0.get(part_idx).copied().unwrap_or(0);
            let theirs = other.0.get(part_idx).copied().unwrap_or(0);
            match ours.cmp(&theirs) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (part_idx, part) in self.0.iter().enumerate() {
            if part_idx > 0 {
                formatter.write_str(".")?;
            }
            write!(formatter, "{part}")?;
        }
        Ok(())
    }
}

impl FromStr for Version {
    type Err = RequirementsError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A piece of software a task needs, optionally within a version range (both ends inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SoftwareRequirement {
    /// Software name as workers report it, e.g. `blender`.
    pub software: String,
    /// Lowest acceptable version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<Version>,
    /// Highest acceptable version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_version: Option<Version>,
}

impl SoftwareRequirement {
    /// Parse the compact form `name`, `name>=min`, `name<=max` or `name>=min<=max`.
    pub fn parse(text: &str) -> Result<Self, RequirementsError> {
        let invalid = || RequirementsError::InvalidSoftwareRequirement(text.to_owned());
        let trimmed = text.trim();
        let name_end = trimmed.find(['>', '<']).unwrap_or(trimmed.len());
        let software = trimmed[..name_end].trim().to_owned();
        let mut rest = &trimmed[name_end..];
        let mut min_version = None;
        let mut max_version = None;
        while !rest.is_empty() {
            let (bound, after) = if let Some(after) = rest.strip_prefix(">=") {
                (&mut min_version, after)
            } else if let Some(after) = rest.strip_prefix("<=") {
                (&mut max_version, after)
            } else {
                return Err(invalid());
            };
            if bound.is_some() {
                return Err(invalid());
            }
            let version_end = after.find(['>', '<']).unwrap_or(after.len());
            *bound = Some(Version::parse(&after[..version_end]).map_err(|_| invalid())?);
            rest = &after[version_end..];
        }
        let requirement = Self {
            software,
            min_version,
            max_version,
        };
        requirement.validate()?;
        Ok(requirement)
    }

    /// Check the name and that the range is not empty.
    pub fn validate(&self) -> Result<(), RequirementsError> {
        if !valid_name(&self.software) {
            return Err(RequirementsError::InvalidSoftwareName(
                self.software.clone(),
            ));
        }
        if let (Some(min), Some(max)) = (&self.min_version, &self.max_version)
            && min > max
        {
            return Err(RequirementsError::EmptyVersionRange {
                software: self.software.clone(),
                min: min.clone(),
                max: max.clone(),
            });
        }
        Ok(())
    }

    /// Whether `version` lies in the range.
    #[must_use]
    pub fn accepts(&self, version: &Version) -> bool {
        self.min_version.as_ref().is_none_or(|min| version >= min)
            && self.max_version.as_ref().is_none_or(|max| version <= max)
    }

    fn key_segment(&self) -> String {
        let mut segment = format!("sw-{}", self.software);
        if let Some(min) = &self.min_version {
            segment.push_str(&format!(">={min}"));
        }
        if let Some(max) = &self.max_version {
            segment.push_str(&format!("<={max}"));
        }
        segment
    }
}

impl fmt::Display for SoftwareRequirement {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.software)?;
        if let Some(min) = &self.min_version {
            write!(formatter, ">={min}")?;
        }
        if let Some(max) = &self.max_version {
            write!(formatter, "<={max}")?;
        }
        Ok(())
    }
}

/// Everything that decides which workers may run a task: tags, excluded tags, software, and
/// the resources one task occupies. Built through [`Requirements::new`], which normalises it so
/// equal requirements always give the same [`ClassKey`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Requirements {
    /// Tags the worker must have.
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// Tags the worker must not have.
    #[serde(default)]
    pub negated_tags: BTreeSet<String>,
    /// Software the worker must have, sorted by name.
    #[serde(default)]
    pub software: Vec<SoftwareRequirement>,
    /// CPUs one task occupies; -1 means the whole host.
    pub cpus: i64,
    /// RAM in MB one task occupies, rounded up to [`RAM_GRANULARITY_MB`]; -1 means the whole host.
    pub ram_mb: i64,
    /// GPUs one task needs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gpus: i64,
    /// Memory each of those GPUs must have, MB (0: any), rounded up to [`RAM_GRANULARITY_MB`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gpu_ram_mb: i64,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
const fn is_zero(value: &i64) -> bool {
    *value == 0
}

impl Requirements {
    /// Validate and normalise requirements.
    pub fn new(
        tags: impl IntoIterator<Item = String>,
        negated_tags: impl IntoIterator<Item = String>,
        mut software: Vec<SoftwareRequirement>,
        cpus: i64,
        ram_mb: i64,
    ) -> Result<Self, RequirementsError> {
        let tags: BTreeSet<String> = tags.into_iter().collect();
        let negated_tags: BTreeSet<String> = negated_tags.into_iter().collect();
        for tag in tags.iter().chain(&negated_tags) {
            validate_tag(tag)?;
        }
        if let Some(tag) = tags.intersection(&negated_tags).next() {
            return Err(RequirementsError::ContradictoryTag(tag.clone()));
        }
        for requirement in &software {
            requirement.validate()?;
        }
        software.sort_by(|left, right| left.software.cmp(&right.software));
        software.dedup();
        let count = tags.len() + negated_tags.len() + software.len();
        if count > MAX_REQUIREMENT_ITEMS {
            return Err(RequirementsError::TooManyRequirements {
                count,
                limit: MAX_REQUIREMENT_ITEMS,
            });
        }
        if cpus != -1 && !(0..=4096).contains(&cpus) {
            return Err(RequirementsError::CpusOutOfRange(cpus));
        }
        if ram_mb != -1 && !(0..=16_777_216).contains(&ram_mb) {
            return Err(RequirementsError::RamOutOfRange(ram_mb));
        }
        let ram_mb = if ram_mb > 0 {
            (ram_mb + RAM_GRANULARITY_MB - 1) / RAM_GRANULARITY_MB * RAM_GRANULARITY_MB
        } else {
            ram_mb
        };
        Ok(Self {
            tags,
            negated_tags,
            software,
            cpus,
            ram_mb,
            gpus: 0,
            gpu_ram_mb: 0,
        })
    }

    /// The same requirements with `gpus` GPUs of at least `gpu_ram_mb` MB each per task.
    pub fn with_gpus(mut self, gpus: i64, gpu_ram_mb: i64) -> Result<Self, RequirementsError> {
        if !(0..=MAX_GPUS).contains(&gpus) {
            return Err(RequirementsError::GpusOutOfRange(gpus));
        }
        if !(0..=16_777_216).contains(&gpu_ram_mb) || (gpus == 0 && gpu_ram_mb > 0) {
            return Err(RequirementsError::GpuRamOutOfRange(gpu_ram_mb));
        }
        self.gpus = gpus;
        self.gpu_ram_mb = if gpu_ram_mb > 0 {
            (gpu_ram_mb + RAM_GRANULARITY_MB - 1) / RAM_GRANULARITY_MB * RAM_GRANULARITY_MB
        } else {
            0
        };
        Ok(self)
    }

    /// How many of `gpus` (each one's memory, MB) a task of these requirements may use.
    #[must_use]
    pub fn usable_gpus(&self, gpus: &[u64]) -> i64 {
        gpus.iter()
            .filter(|ram_mb| self.gpu_ram_mb <= 0 || **ram_mb as i64 >= self.gpu_ram_mb)
            .count() as i64
    }

    /// Whether a task needs the whole host.
    #[must_use]
    pub const fn is_exclusive(&self) -> bool {
        self.cpus == -1 || self.ram_mb == -1
    }

    /// The canonical, readable routing key of this requirement class.
    #[must_use]
    pub fn class_key(&self) -> ClassKey {
        let mut segments: Vec<String> = self.tags.iter().cloned().collect();
        segments.extend(self.negated_tags.iter().map(|tag| format!("!{tag}")));
        segments.extend(self.software.iter().map(SoftwareRequirement::key_segment));
        segments.push(if self.cpus == -1 {
            "cpuall".to_owned()
        } else {
            format!("cpu{}", self.cpus)
        });
        match self.ram_mb {
            -1 => segments.push("ramall".to_owned()),
            0 => {}
            ram_mb if ram_mb % 1024 == 0 => segments.push(format!("ram{}g", ram_mb / 1024)),
            ram_mb => segments.push(format!("ram{ram_mb}m")),
        }
        if self.gpus > 0 {
            segments.push(format!("gpus{}", self.gpus));
            match self.gpu_ram_mb {
                0 => {}
                ram_mb if ram_mb % 1024 == 0 => segments.push(format!("gpuram{}g", ram_mb / 1024)),
                ram_mb => segments.push(format!("gpuram{ram_mb}m")),
            }
        }
        ClassKey::shortened(segments.join("."))
    }

    /// Whether a worker with these capabilities may run tasks with these requirements.
    #[must_use]
    pub fn satisfied_by(&self, capabilities: &AgentCapabilities) -> bool {
        let cpus_fit = self.cpus <= 0 || self.cpus <= i64::from(capabilities.cpus);
        let ram_fits = self.ram_mb <= 0 || self.ram_mb <= capabilities.ram_mb as i64;
        let gpus_fit = self.gpus <= 0 || self.usable_gpus(&capabilities.gpus) >= self.gpus;
        cpus_fit
            && ram_fits
            && gpus_fit
            && self.tags.is_subset(&capabilities.tags)
            && self.negated_tags.is_disjoint(&capabilities.tags)
            && self.software.iter().all(|requirement| {
                capabilities
                    .software
                    .get(&requirement.software)
                    .is_some_and(|versions| {
                        versions.iter().any(|version| requirement.accepts(version))
                    })
            })
    }
}

/// A requirement class's routing key, e.g. `gpu.linux.sw-blender>=3.4.cpu4.ram16g`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClassKey(String);

impl ClassKey {
    fn shortened(full: String) -> Self {
        if full.len() <= MAX_CLASS_KEY_LEN {
            return Self(full);
        }
        let mut cut = MAX_CLASS_KEY_LEN - 18;
        while !full.is_char_boundary(cut) {
            cut -= 1;
        }
        Self(format!("{}~{:016x}", &full[..cut], fnv1a(full.as_bytes())))
    }

    /// Wrap a key read back from storage or a message.
    #[must_use]
    pub fn from_stored(key: String) -> Self {
        Self(key)
    }

    /// The key as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClassKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// A stable 64-bit hash, so shortened keys are the same on every machine and release.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What a worker offers: its tags, installed software and the resources it may hand out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentCapabilities {
    /// The worker's tags.
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// Installed software: name to versions found.
    #[serde(default)]
    pub software: BTreeMap<String, Vec<Version>>,
    /// CPUs available to tasks.
    pub cpus: u32,
    /// RAM in MB available to tasks.
    pub ram_mb: u64,
    /// The GPUs offered to tasks: each one's memory, MB (0: unknown).
    #[serde(default)]
    pub gpus: Vec<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirements(
        tags: &[&str],
        negated: &[&str],
        software: &[&str],
        cpus: i64,
        ram_mb: i64,
    ) -> Requirements {
        Requirements::new(
            tags.iter().map(|tag| (*tag).to_owned()),
            negated.iter().map(|tag| (*tag).to_owned()),
            software
                .iter()
                .map(|text| SoftwareRequirement::parse(text).expect("valid software"))
                .collect(),
            cpus,
            ram_mb,
        )
        .expect("valid requirements")
    }

    #[test]
    fn class_keys_are_canonical_and_readable() {
        let cases = [
            (requirements(&[], &[], &[], 1, 0), "cpu1"),
            (
                requirements(&["linux", "gpu"], &[], &["blender>=3.4"], 4, 16384),
                "gpu.linux.sw-blender>=3.4.cpu4.ram16g",
            ),
            (
                requirements(&["gpu", "linux"], &[], &["blender>=3.4"], 4, 16000),
                "gpu.linux.sw-blender>=3.4.cpu4.ram16g",
            ),
            (
                requirements(
                    &[],
                    &["windows"],
                    &["nuke<=14", "houdini>=19.5<=20"],
                    2,
                    3000,
                ),
                "!windows.sw-houdini>=19.5<=20.sw-nuke<=14.cpu2.ram3g",
            ),
            (requirements(&[], &[], &[], -1, -1), "cpuall.ramall"),
            (requirements(&[], &[], &[], 1, 100), "cpu1.ram512m"),
        ];
        for (requirements, expected) in cases {
            assert_eq!(requirements.class_key().as_str(), expected);
        }
    }

    #[test]
    fn very_long_class_keys_are_shortened_stably() {
        let tags: Vec<String> = (0..20)
            .map(|tag_idx| format!("a-rather-long-tag-name-{tag_idx}"))
            .collect();
        let long = Requirements::new(tags.clone(), Vec::new(), Vec::new(), 1, 0)
            .expect("valid requirements");
        let key = long.class_key();
        assert!(key.as_str().len() <= MAX_CLASS_KEY_LEN, "{key}");
        assert!(key.as_str().contains('~'));
        let again = Requirements::new(tags.into_iter().rev(), Vec::new(), Vec::new(), 1, 0)
            .expect("valid requirements");
        assert_eq!(again.class_key(), key);
    }

    #[test]
    fn invalid_requirements_name_the_problem() {
        assert_eq!(
            Requirements::new(vec!["has space".to_owned()], Vec::new(), Vec::new(), 1, 0),
            Err(RequirementsError::InvalidTag("has space".to_owned()))
        );
        assert_eq!(
            Requirements::new(
                vec!["gpu".to_owned()],
                vec!["gpu".to_owned()],
                Vec::new(),
                1,
                0
            ),
            Err(RequirementsError::ContradictoryTag("gpu".to_owned()))
        );
        assert_eq!(
            Requirements::new(Vec::new(), Vec::new(), Vec::new(), -2, 0),
            Err(RequirementsError::CpusOutOfRange(-2))
        );
        assert_eq!(
            Requirements::new(Vec::new(), Vec::new(), Vec::new(), 1, -5),
            Err(RequirementsError::RamOutOfRange(-5))
        );
        assert!(SoftwareRequirement::parse("blender>=4<=3").is_err());
        assert!(SoftwareRequirement::parse("blender>=x").is_err());
        assert!(SoftwareRequirement::parse("blender=3").is_err());
        assert!(SoftwareRequirement::parse("").is_err());
    }

    #[test]
    fn versions_compare_numerically() {
        let version = |text: &str| Version::parse(text).expect("valid version");
        assert!(version("3.10") > version("3.9"));
        assert_eq!(version("3.4"), version("3.4"));
        assert_eq!(version("3.4").cmp(&version("3.4.0")), Ordering::Equal);
        assert!(version("2024.1") > version("4.2.1"));
        assert_eq!(version("2024.1.2").to_string(), "2024.1.2");
    }

    #[test]
    fn gpu_requirements_count_gpus_with_enough_memory_and_name_the_class() {
        let capabilities = AgentCapabilities {
            cpus: 8,
            ram_mb: 16_384,
            gpus: vec![8192, 24_576],
            ..AgentCapabilities::default()
        };
        let gpus = |count, ram| {
            requirements(&[], &[], &[], 1, 0)
                .with_gpus(count, ram)
                .expect("valid GPU requirements")
        };
        assert!(gpus(2, 0).satisfied_by(&capabilities));
        assert!(gpus(1, 16_384).satisfied_by(&capabilities));
        assert!(!gpus(2, 16_384).satisfied_by(&capabilities));
        assert!(!gpus(3, 0).satisfied_by(&AgentCapabilities::default()));
        assert_eq!(gpus(1, 16_000).class_key().as_str(), "cpu1.gpus1.gpuram16g");
        assert_eq!(gpus(0, 0).class_key().as_str(), "cpu1");
        assert!(requirements(&[], &[], &[], 1, 0).with_gpus(65, 0).is_err());
        assert!(
            requirements(&[], &[], &[], 1, 0)
                .with_gpus(0, 1024)
                .is_err()
        );
    }

    #[test]
    fn workers_qualify_by_tags_software_and_size() {
        let capabilities = AgentCapabilities {
            tags: ["linux", "gpu"]
                .iter()
                .map(|tag| (*tag).to_owned())
                .collect(),
            software: BTreeMap::from([(
                "blender".to_owned(),
                vec![Version::parse("3.6").expect("valid version")],
            )]),
            cpus: 8,
            ram_mb: 32768,
            gpus: vec![8192, 24_576],
        };
        let cases = [
            (requirements(&[], &[], &[], 1, 0), true),
            (requirements(&["gpu"], &[], &[], 1, 0), true),
            (requirements(&["mac"], &[], &[], 1, 0), false),
            (requirements(&[], &["gpu"], &[], 1, 0), false),
            (requirements(&[], &["windows"], &[], 1, 0), true),
            (requirements(&[], &[], &["blender>=3.4"], 1, 0), true),
            (requirements(&[], &[], &["blender>=4"], 1, 0), false),
            (requirements(&[], &[], &["blender<=3.5"], 1, 0), false),
            (requirements(&[], &[], &["maya"], 1, 0), false),
            (requirements(&[], &[], &[], 16, 0), false),
            (requirements(&[], &[], &[], 8, 40000), false),
            (requirements(&[], &[], &[], -1, -1), true),
        ];
        for (requirements, expected) in cases {
            assert_eq!(
                requirements.satisfied_by(&capabilities),
                expected,
                "{requirements:?}"
            );
        }
    }
}
