//! Watching a task's output lines: progress from the job type's `progress_regex`, and failure
//! from its `error_regexes`.

use regex::{Regex, RegexSet};

/// The compiled expressions of one attempt and what they found.
#[derive(Debug, Default)]
pub struct OutputWatch {
    progress: Option<Regex>,
    errors: Option<RegexSet>,
    /// The first line that matched an error expression.
    pub error_line: Option<String>,
}

impl OutputWatch {
    /// Compile the expressions; one that does not compile is logged and ignored (the master
    /// checks them when a job type is saved).
    #[must_use]
    pub fn new(progress_regex: Option<&str>, error_regexes: &[String]) -> Self {
        let progress = progress_regex.and_then(|pattern| {
            Regex::new(pattern)
                .inspect_err(|error| tracing::warn!(%error, "ignoring an invalid progress_regex"))
                .ok()
        });
        let errors = (!error_regexes.is_empty())
            .then(|| {
                RegexSet::new(error_regexes)
                    .inspect_err(|error| tracing::warn!(%error, "ignoring invalid error_regexes"))
                    .ok()
            })
            .flatten();
        Self {
            progress,
            errors,
            error_line: None,
        }
    }

    /// Whether there is anything to look for.
    #[must_use]
    pub const fn is_active(&self) -> bool {
        self.progress.is_some() || self.errors.is_some()
    }

    /// Look at one line: the progress it reports (0.0 to 1.0), if any; an error line is kept.
    pub fn line(&mut self, text: &str) -> Option<f32> {
        if self.error_line.is_none()
            && let Some(errors) = &self.errors
            && errors.is_match(text)
        {
            self.error_line = Some(text.chars().take(500).collect());
        }
        let captures = self.progress.as_ref()?.captures(text)?;
        let number =
            |idx: usize| -> Option<f64> { captures.get(idx)?.as_str().trim().parse().ok() };
        let fraction = match (number(1), number(2)) {
            (Some(done), Some(total)) if total > 0.0 => done / total,
            (Some(percent), None) => percent / 100.0,
            _ => return None,
        };
        Some(fraction.clamp(0.0, 1.0) as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_comes_from_a_percentage_or_a_fraction() {
        let mut percent = OutputWatch::new(Some(r"(\d+(?:\.\d+)?)%"), &[]);
        assert_eq!(percent.line("rendering 25%"), Some(0.25));
        assert_eq!(percent.line("no number here"), None);
        let mut fraction = OutputWatch::new(Some(r"Sample (\d+)/(\d+)"), &[]);
        assert_eq!(fraction.line("Fra:1 | Sample 32/128"), Some(0.25));
        assert_eq!(fraction.line("Sample 1/0"), None);
        assert_eq!(fraction.line("Sample 300/128"), Some(1.0));
    }

    #[test]
    fn the_first_error_line_is_kept() {
        let mut watch = OutputWatch::new(None, &["^Error: ".to_owned(), "fault".to_owned()]);
        assert!(watch.is_active());
        let _ = watch.line("all good");
        assert_eq!(watch.error_line, None);
        let _ = watch.line("Error: cannot read scene");
        let _ = watch.line("Segmentation fault");
        assert_eq!(
            watch.error_line.as_deref(),
            Some("Error: cannot read scene")
        );
        assert!(!OutputWatch::new(Some("("), &[]).is_active());
    }
}
