//! Job types: the declarative spec stored per version, and the expansion of argv templates
//! (`{frame}`, `{start}`, `{end}`, `{by}`, `{tile}`, `{data.key}`) into the commands of one task.
//!
//! Commands are argv vectors executed without a shell, so nothing in job data can inject
//! shell syntax.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use warren_shared::{CommandSpec, FrameBatch};

/// Why a job's data does not fit its job type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The `command` job type needs `data.argv`.
    #[error("`data.argv` must be a non-empty array of strings")]
    MissingArgv,
    /// A template names a data key the job does not have.
    #[error("the command uses `{{data.{0}}}` but `data` has no `{0}`")]
    MissingDataKey(String),
    /// The spec stored for the job type is unreadable.
    #[error("the job type's spec is invalid: {0}")]
    InvalidSpec(String),
}

/// A job type version's declarative spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobTypeSpec {
    /// Built-in behaviour; `command` takes its argv from `data.argv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builtin: Option<String>,
    /// Argv template, for declarative job types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub argv: Option<Vec<String>>,
    /// Extra environment.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Working directory template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// Exit codes that mean success; `[0]` when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success_exit_codes: Vec<i32>,
    /// Largest batch the job type accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_batch: Option<i64>,
    /// Limits (licences) every task of the job type holds while it runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<String>,
    /// Commands run in sequence by every task (e.g. prepare, render, post); each phase runs
    /// once per frame when its argv mentions `{frame}`. Replaces `argv` when given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<Phase>,
    /// Software every job of the type needs, in the compact form (`blender>=4.0`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub software_requirements: Vec<String>,
    /// A regular expression over the task's output: one capture is a percentage, two are
    /// "done" and "total"; the worker reports the task's progress from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_regex: Option<String>,
    /// Regular expressions over the task's output: a matching line fails the task even if its
    /// process exits successfully.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_regexes: Vec<String>,
}

impl JobTypeSpec {
    /// Check a spec given by a user: phases or argv (unless built in), placeholders, regular
    /// expressions, software requirements and limits. Returns what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.builtin.is_some() {
            return Err(
                "`builtin` job types come with Warren; define `phases` or `argv`".to_owned(),
            );
        }
        match (&self.argv, self.phases.is_empty()) {
            (Some(_), false) => return Err("give `phases` or `argv`, not both".to_owned()),
            (None, true) => return Err("a job type needs `phases` (or a single `argv`)".to_owned()),
            _ => {}
        }
        for (phase_idx, phase) in self.phases.iter().enumerate() {
            if !matches!(phase.argv.first(), Some(ArgTemplate::Text(program)) if !program.is_empty())
            {
                return Err(format!(
                    "phase {} needs a program as the first argument of its argv",
                    phase_idx + 1
                ));
            }
            for arg in &phase.argv {
                if let ArgTemplate::IfData { if_data, argv } = arg
                    && (argv.is_empty() || !is_placeholder(&format!("data.{if_data}")))
                {
                    return Err(format!(
                        "phase {}: an `if_data` group needs a data key name and arguments",
                        phase_idx + 1
                    ));
                }
            }
        }
        if self
            .argv
            .as_ref()
            .is_some_and(|argv| argv.first().is_none_or(String::is_empty))
        {
            return Err("phase 1 has an empty argv".to_owned());
        }
        for phase in &self.phases {
            if phase.name.trim().is_empty() || phase.name.len() > 64 {
                return Err("every phase needs a name of 1 to 64 characters".to_owned());
            }
        }
        if self.phases.len() > 16 {
            return Err("a job type has at most 16 phases".to_owned());
        }
        if let Some(pattern) = &self.progress_regex {
            let regex = regex::Regex::new(pattern).map_err(|error| {
                format!("`progress_regex` is not a regular expression: {error}")
            })?;
            if !(1..=2).contains(&(regex.captures_len() - 1)) {
                return Err(
                    "`progress_regex` needs one capture (a percentage) or two (done and total)"
                        .to_owned(),
                );
            }
        }
        for pattern in &self.error_regexes {
            regex::Regex::new(pattern)
                .map_err(|error| format!("`error_regexes` holds an invalid expression: {error}"))?;
        }
        for requirement in &self.software_requirements {
            warren_shared::SoftwareRequirement::parse(requirement)
                .map_err(|error| error.to_string())?;
        }
        if self.max_batch.is_some_and(|max| max < 1) {
            return Err("`max_batch` must be at least 1".to_owned());
        }
        if self.success_exit_codes.len() > 64 {
            return Err("at most 64 success exit codes".to_owned());
        }
        Ok(())
    }
}

/// One step of a job type's tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// What the step is, e.g. `render`.
    pub name: String,
    /// Argv template.
    pub argv: Vec<ArgTemplate>,
}

/// One argument of a phase's argv template, or a group given only when the job's data holds a
/// key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ArgTemplate {
    /// An argument, with placeholders.
    Text(String),
    /// Arguments given only when `data` has `if_data`, e.g.
    /// `{"if_data": "engine", "argv": ["-E", "{data.engine}"]}`.
    IfData {
        /// The `data` key that must be present.
        if_data: String,
        /// The arguments, with placeholders.
        argv: Vec<String>,
    },
}

impl From<&str> for ArgTemplate {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

/// `argv` with each `if_data` group kept when `data` has its key and left out otherwise.
fn resolve_args(argv: &[ArgTemplate], data: &Value) -> Vec<String> {
    argv.iter()
        .flat_map(|arg| match arg {
            ArgTemplate::Text(text) => vec![text.clone()],
            ArgTemplate::IfData { if_data, argv } if data.get(if_data).is_some() => argv.clone(),
            ArgTemplate::IfData { .. } => Vec::new(),
        })
        .collect()
}

impl JobTypeSpec {
    /// Parse a stored spec.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        serde_json::from_str(text).map_err(|error| TemplateError::InvalidSpec(error.to_string()))
    }

    /// The argv templates a task of a job with `data` runs, in order.
    pub fn phase_templates(&self, data: &Value) -> Result<Vec<Vec<String>>, TemplateError> {
        if !self.phases.is_empty() {
            return Ok(self
                .phases
                .iter()
                .map(|phase| resolve_args(&phase.argv, data))
                .collect());
        }
        self.argv_template(data).map(|argv| vec![argv])
    }

    /// The single argv template of a job type without phases.
    fn argv_template(&self, data: &Value) -> Result<Vec<String>, TemplateError> {
        if let Some(argv) = &self.argv {
            return Ok(argv.clone());
        }
        let argv: Vec<String> = data
            .get("argv")
            .and_then(Value::as_array)
            .ok_or(TemplateError::MissingArgv)?
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or(TemplateError::MissingArgv)?;
        if argv.is_empty() || argv[0].is_empty() {
            return Err(TemplateError::MissingArgv);
        }
        Ok(argv)
    }

    /// Exit codes that count as success.
    #[must_use]
    pub fn success_codes(&self) -> Vec<i32> {
        if self.success_exit_codes.is_empty() {
            vec![0]
        } else {
            self.success_exit_codes.clone()
        }
    }
}

/// Values available to templates for one task.
struct TemplateValues<'a> {
    frame: Option<i64>,
    tile: Option<i32>,
    batch: &'a FrameBatch,
    data: &'a Value,
}

/// Whether an argv template runs once per frame.
#[must_use]
pub fn runs_per_frame(argv: &[String]) -> bool {
    argv.iter().any(|arg| arg.contains("{frame}"))
}

/// Check that every `{data.key}` in the templates exists in `data`.
pub fn validate_templates(phases: &[Vec<String>], data: &Value) -> Result<(), TemplateError> {
    for arg in phases.iter().flatten() {
        for name in placeholders(arg) {
            if let Some(key) = name.strip_prefix("data.")
                && data.get(key).is_none()
            {
                return Err(TemplateError::MissingDataKey(key.to_owned()));
            }
        }
    }
    Ok(())
}

/// The commands one task runs: each phase in order, once per frame when it mentions `{frame}`.
pub fn expand_phases(
    phases: &[Vec<String>],
    data: &Value,
    batch: &FrameBatch,
    tile: Option<i32>,
) -> Result<Vec<CommandSpec>, TemplateError> {
    let mut commands = Vec::new();
    for argv in phases {
        commands.extend(expand_commands(argv, data, batch, tile)?);
    }
    Ok(commands)
}

/// The commands of one phase: one per frame when the template mentions `{frame}`, else one.
pub fn expand_commands(
    argv: &[String],
    data: &Value,
    batch: &FrameBatch,
    tile: Option<i32>,
) -> Result<Vec<CommandSpec>, TemplateError> {
    if runs_per_frame(argv) {
        batch
            .frames()
            .map(|frame| {
                let values = TemplateValues {
                    frame: Some(frame),
                    tile,
                    batch,
                    data,
                };
                Ok(CommandSpec {
                    argv: expand_all(argv, &values)?,
                    frame: Some(frame),
                })
            })
            .collect()
    } else {
        let values = TemplateValues {
            frame: None,
            tile,
            batch,
            data,
        };
        Ok(vec![CommandSpec {
            argv: expand_all(argv, &values)?,
            frame: None,
        }])
    }
}

fn expand_all(argv: &[String], values: &TemplateValues<'_>) -> Result<Vec<String>, TemplateError> {
    argv.iter().map(|arg| expand(arg, values)).collect()
}

/// The names inside `{..}` that look like placeholders.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('{').filter_map(move |(open, _)| {
        let rest = &text[open + 1..];
        let close = rest.find('}')?;
        let name = &rest[..close];
        is_placeholder(name).then_some(name)
    })
}

fn is_placeholder(name: &str) -> bool {
    matches!(name, "frame" | "start" | "end" | "by" | "tile")
        || name.strip_prefix("data.").is_some_and(|key| {
            !key.is_empty()
                && key
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-')
        })
}

fn expand(text: &str, values: &TemplateValues<'_>) -> Result<String, TemplateError> {
    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        output.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let replaced = after.find('}').and_then(|close| {
            let name = &after[..close];
            is_placeholder(name).then_some((name, close))
        });
        match replaced {
            Some((name, close)) => {
                output.push_str(&value_of(name, values)?);
                rest = &after[close + 1..];
            }
            None => {
                output.push('{');
                rest = after;
            }
        }
    }
    output.push_str(rest);
    Ok(output)
}

fn value_of(name: &str, values: &TemplateValues<'_>) -> Result<String, TemplateError> {
    Ok(match name {
        "frame" => values.frame.unwrap_or(values.batch.first).to_string(),
        "start" => values.batch.first.to_string(),
        "end" => values.batch.last.to_string(),
        "by" => values.batch.by.to_string(),
        "tile" => values.tile.unwrap_or(0).to_string(),
        _ => {
            let key = name.strip_prefix("data.").unwrap_or(name);
            match values.data.get(key) {
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
                None => return Err(TemplateError::MissingDataKey(key.to_owned())),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn argv(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn the_blender_job_type_passes_the_engine_only_when_the_job_names_one() {
        let definition: Value =
            serde_json::from_str(include_str!("../jobtypes/blender.json")).expect("valid JSON");
        let spec: JobTypeSpec = serde_json::from_value(definition).expect("a job type spec");
        spec.validate().expect("the shipped spec is valid");
        let data = json!({"scene": "/shots/a.blend", "output": "//render/####"});
        let plain = spec.phase_templates(&data).expect("templates");
        assert!(!plain[0].contains(&"-E".to_owned()), "{plain:?}");
        let mut with_engine = data.clone();
        with_engine["engine"] = json!("CYCLES");
        let templates = spec.phase_templates(&with_engine).expect("templates");
        let batch = FrameBatch {
            index: 0,
            first: 1,
            last: 2,
            by: 1,
        };
        let commands = expand_phases(&templates, &with_engine, &batch, None).expect("commands");
        let argv = &commands[0].argv;
        let engine = argv.iter().position(|arg| arg == "-E").expect("-E given");
        assert_eq!(argv[engine + 1], "CYCLES");
        assert!(
            engine < argv.iter().position(|arg| arg == "-a").expect("-a"),
            "the engine is set before rendering: {argv:?}"
        );
        let bad = JobTypeSpec {
            phases: vec![Phase {
                name: "render".to_owned(),
                argv: vec![
                    "render".into(),
                    ArgTemplate::IfData {
                        if_data: "engine".to_owned(),
                        argv: Vec::new(),
                    },
                ],
            }],
            ..JobTypeSpec::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn frame_templates_run_once_per_frame() {
        let batch = FrameBatch {
            index: 0,
            first: 4,
            last: 6,
            by: 1,
        };
        let commands = expand_commands(&argv(&["echo", "frame-{frame}"]), &json!({}), &batch, None)
            .expect("valid template");
        let argvs: Vec<Vec<String>> = commands
            .iter()
            .map(|command| command.argv.clone())
            .collect();
        assert_eq!(
            argvs,
            vec![
                argv(&["echo", "frame-4"]),
                argv(&["echo", "frame-5"]),
                argv(&["echo", "frame-6"])
            ]
        );
        assert_eq!(
            commands
                .iter()
                .map(|command| command.frame)
                .collect::<Vec<_>>(),
            vec![Some(4), Some(5), Some(6)]
        );
    }

    #[test]
    fn range_templates_run_once_per_task() {
        let batch = FrameBatch {
            index: 0,
            first: 10,
            last: 20,
            by: 5,
        };
        let data = json!({"scene": "shot 010.blend", "samples": 64});
        let template = argv(&[
            "render",
            "-s",
            "{start}",
            "-e",
            "{end}",
            "-j",
            "{by}",
            "{data.scene}",
            "--samples={data.samples}",
            "{literal}",
            "{",
        ]);
        let commands = expand_commands(&template, &data, &batch, None).expect("valid template");
        assert_eq!(commands.len(), 1);
        assert_eq!(
            commands[0].argv,
            argv(&[
                "render",
                "-s",
                "10",
                "-e",
                "20",
                "-j",
                "5",
                "shot 010.blend",
                "--samples=64",
                "{literal}",
                "{"
            ])
        );
    }

    #[test]
    fn data_keys_must_exist() {
        assert_eq!(
            validate_templates(&[argv(&["render", "{data.scene}"])], &json!({})),
            Err(TemplateError::MissingDataKey("scene".to_owned()))
        );
        assert!(
            validate_templates(&[argv(&["render", "{data.scene}"])], &json!({"scene": "a"}))
                .is_ok()
        );
    }

    #[test]
    fn command_jobs_need_an_argv_array_of_strings() {
        let spec = JobTypeSpec {
            builtin: Some("command".to_owned()),
            ..JobTypeSpec::default()
        };
        assert_eq!(
            spec.argv_template(&json!({})),
            Err(TemplateError::MissingArgv)
        );
        assert_eq!(
            spec.argv_template(&json!({"argv": []})),
            Err(TemplateError::MissingArgv)
        );
        assert_eq!(
            spec.argv_template(&json!({"argv": "echo hi"})),
            Err(TemplateError::MissingArgv)
        );
        assert_eq!(
            spec.argv_template(&json!({"argv": ["echo", 1]})),
            Err(TemplateError::MissingArgv)
        );
        assert_eq!(
            spec.argv_template(&json!({"argv": ["echo", "hi"]})),
            Ok(argv(&["echo", "hi"]))
        );
    }
}
