//! Job email templates: a subject and a body per event (`done`, `failed`, `deleted`), for the
//! whole farm and per job type, read from a directory at start (`--email-templates`):
//!
//! ```text
//! templates/done.txt            the farm's "done" email
//! templates/blender/failed.txt  the "failed" email of blender jobs
//! ```
//!
//! A file's first line is `Subject: ...`; the body follows after a blank line. `{name}` is
//! replaced by a value of the job (see [`PLACEHOLDERS`]); `{{` and `}}` are braces. An
//! unknown placeholder, or a file without a subject, stops the master at start with the file's
//! name, so a typo is not found by the first user who is mailed.

use std::collections::HashMap;
use std::path::Path;

/// The events emails are sent for.
pub const EVENTS: [&str; 3] = ["done", "failed", "deleted"];

/// What a template may name.
pub const PLACEHOLDERS: [&str; 15] = [
    "id",
    "title",
    "event",
    "user",
    "queue",
    "jobtype",
    "submitted",
    "started",
    "finished",
    "total",
    "done",
    "failed",
    "cancelled",
    "link",
    "failed_tasks",
];

/// The subject and body of emails with no template of their own.
const DEFAULT: &str = "Subject: [Warren] job {id} \"{title}\" {event}\n\n\
Job {id} \"{title}\" is {event}.\n\n\
Submitted: {submitted}\nStarted:   {started}\nFinished:  {finished}\n\
Tasks: {total} ({done} done, {failed} failed, {cancelled} cancelled)\n\nJob: {link}\n{failed_tasks}";

/// A template that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The directory or a file cannot be read.
    #[error("cannot read email templates at {path}: {error}")]
    Read {
        /// What could not be read.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// A file is not a template.
    #[error("email template {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// One email's subject and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    subject: String,
    body: String,
}

impl Template {
    /// Parse `text` (from `origin`, for errors): a subject line, a blank line, the body; every
    /// placeholder must be known.
    fn parse(origin: &str, text: &str) -> Result<Self, TemplateError> {
        let invalid = |message: String| TemplateError::Invalid {
            path: origin.to_owned(),
            message,
        };
        let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
        let subject = first
            .strip_prefix("Subject:")
            .ok_or_else(|| invalid("the first line must be `Subject: ...`".to_owned()))?
            .trim()
            .to_owned();
        let body = rest.strip_prefix('\n').unwrap_or(rest).to_owned();
        let known: HashMap<&str, String> = PLACEHOLDERS
            .iter()
            .map(|name| (*name, String::new()))
            .collect();
        render(&subject, &known).map_err(invalid)?;
        render(&body, &known).map_err(invalid)?;
        Ok(Self { subject, body })
    }

    /// The subject and body with `values` put in.
    ///
    /// # Errors
    /// A placeholder without a value.
    pub fn render(&self, values: &HashMap<&str, String>) -> Result<(String, String), String> {
        Ok((render(&self.subject, values)?, render(&self.body, values)?))
    }
}

/// `text` with each `{name}` replaced by its value; `{{` and `}}` are braces.
fn render(text: &str, values: &HashMap<&str, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let Some(name) = tail.strip_prefix('{') {
            let end = name
                .find('}')
                .ok_or_else(|| "a `{` without its `}` (write `{{` for a brace)".to_owned())?;
            let key = &name[..end];
            let value = values.get(key).ok_or_else(|| {
                format!(
                    "unknown placeholder `{{{key}}}`: use {}",
                    PLACEHOLDERS.map(|name| format!("{{{name}}}")).join(", ")
                )
            })?;
            out.push_str(value);
            rest = &name[end + 1..];
        } else {
            return Err("a `}` without its `{` (write `}}` for a brace)".to_owned());
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The farm's templates and each job type's.
#[derive(Debug, Clone)]
pub struct Templates {
    /// By job type (`None`: the farm's) and event.
    by_key: HashMap<(Option<String>, &'static str), Template>,
    default: Template,
}

impl Default for Templates {
    fn default() -> Self {
        Self {
            by_key: HashMap::new(),
            default: Template::parse("(built in)", DEFAULT)
                .expect("the built-in email template is valid"),
        }
    }
}

impl Templates {
    /// Read `dir`: `<event>.txt` for the farm, `<jobtype>/<event>.txt` per job type.
    ///
    /// # Errors
    /// An unreadable directory or file, or a file that is not a valid template.
    pub fn load(dir: &Path) -> Result<Self, TemplateError> {
        let read_error = |path: &Path, error| TemplateError::Read {
            path: path.display().to_string(),
            error,
        };
        let mut templates = Self::default();
        let mut load_from = |folder: &Path, jobtype: Option<String>| -> Result<(), TemplateError> {
            for event in EVENTS {
                let path = folder.join(format!("{event}.txt"));
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        let template = Template::parse(&path.display().to_string(), &text)?;
                        templates.by_key.insert((jobtype.clone(), event), template);
                    }
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => return Err(read_error(&path, error)),
                }
            }
            Ok(())
        };
        load_from(dir, None)?;
        for entry in std::fs::read_dir(dir).map_err(|error| read_error(dir, error))? {
            let entry = entry.map_err(|error| read_error(dir, error))?;
            if entry.path().is_dir() {
                let name = entry.file_name().to_string_lossy().into_owned();
                load_from(&entry.path(), Some(name))?;
            }
        }
        Ok(templates)
    }

    /// The template for `event` of a job of `jobtype`: the job type's, else the farm's, else
    /// the built-in one.
    #[must_use]
    pub fn find(&self, jobtype: &str, event: &str) -> &Template {
        let event = EVENTS
            .into_iter()
            .find(|known| *known == event)
            .unwrap_or("done");
        self.by_key
            .get(&(Some(jobtype.to_owned()), event))
            .or_else(|| self.by_key.get(&(None, event)))
            .unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> HashMap<&'static str, String> {
        PLACEHOLDERS
            .iter()
            .map(|name| (*name, format!("<{name}>")))
            .collect()
    }

    #[test]
    fn placeholders_and_braces_are_filled_in() {
        let template =
            Template::parse("t", "Subject: {title} {{ok}}\n\nJob {id}: {link}\n").expect("valid");
        let (subject, body) = template.render(&values()).expect("renders");
        assert_eq!(subject, "<title> {ok}");
        assert_eq!(body, "Job <id>: <link>\n");
    }

    #[test]
    fn a_bad_template_is_refused_with_what_is_wrong() {
        for (text, wanted) in [
            ("no subject\n\nbody", "Subject:"),
            ("Subject: x\n\n{job_id}", "unknown placeholder `{job_id}`"),
            ("Subject: {title\n\nbody", "without its `}`"),
            ("Subject: x\n\nbody }", "without its `{`"),
        ] {
            let error = Template::parse("done.txt", text)
                .expect_err(text)
                .to_string();
            assert!(
                error.contains(wanted) && error.contains("done.txt"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_job_types_template_wins_over_the_farms_which_wins_over_the_built_in_one() {
        let dir = tempfile::tempdir().expect("a directory");
        std::fs::write(dir.path().join("done.txt"), "Subject: farm {id}\n\nfarm").expect("write");
        std::fs::create_dir(dir.path().join("blender")).expect("mkdir");
        std::fs::write(
            dir.path().join("blender/done.txt"),
            "Subject: blender {id}\n\nb",
        )
        .expect("write");
        let templates = Templates::load(dir.path()).expect("loads");
        let subject = |jobtype, event| {
            templates
                .find(jobtype, event)
                .render(&values())
                .expect("renders")
                .0
        };
        assert_eq!(subject("blender", "done"), "blender <id>");
        assert_eq!(subject("command", "done"), "farm <id>");
        assert_eq!(
            subject("command", "failed"),
            "[Warren] job <id> \"<title>\" <event>"
        );
        std::fs::write(dir.path().join("failed.txt"), "Subject: {oops}\n").expect("write");
        assert!(Templates::load(dir.path()).is_err());
    }
}
