//! Metrics in the Prometheus text format: lock-free histograms updated where things happen,
//! and a writer that renders counters, gauges and histograms for a `/metrics` answer.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// A histogram with fixed upper bounds; observations are counted in the first bucket they fit.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    /// One count per bound, plus one for `+Inf`.
    buckets: Vec<AtomicU64>,
    /// The sum of observations, in millionths.
    sum_micros: AtomicU64,
}

impl Histogram {
    /// An empty histogram with these ascending upper bounds.
    #[must_use]
    pub fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            buckets: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
        }
    }

    /// Count one observation.
    pub fn observe(&self, value: f64) {
        let index = self
            .bounds
            .iter()
            .position(|bound| value <= *bound)
            .unwrap_or(self.bounds.len());
        self.buckets[index].fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((value.max(0.0) * 1e6) as u64, Ordering::Relaxed);
    }

    /// How many observations so far.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.buckets
            .iter()
            .map(|bucket| bucket.load(Ordering::Relaxed))
            .sum()
    }
}

/// Bounds for durations in seconds, from half a millisecond to a minute; fine enough below
/// 100 ms that percentiles read from the buckets are within a few tenths of a millisecond.
pub const SECONDS_BOUNDS: &[f64] = &[
    0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05,
    0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// Bounds for sizes that grow by powers of two, up to 4096.
pub const SIZE_BOUNDS: &[f64] = &[
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0,
];

/// Writes metrics in the Prometheus text exposition format (version 0.0.4).
#[derive(Debug, Default)]
pub struct MetricsText {
    text: String,
}

/// The content type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('"', "\\\"")
}

fn labels(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let inner: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{name}=\"{}\"", escape_label(value)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

impl MetricsText {
    /// An empty document.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn header(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {help}");
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    /// A counter with one unlabelled value.
    pub fn counter(&mut self, name: &str, help: &str, value: u64) {
        self.header(name, "counter", help);
        let _ = writeln!(self.text, "{name} {value}");
    }

    /// A counter with one value per label set.
    pub fn counter_family(&mut self, name: &str, help: &str, values: &[(&[(&str, &str)], u64)]) {
        self.header(name, "counter", help);
        for (pairs, value) in values {
            let _ = writeln!(self.text, "{name}{} {value}", labels(pairs));
        }
    }

    /// A gauge with one unlabelled value.
    pub fn gauge(&mut self, name: &str, help: &str, value: f64) {
        self.gauge_family(name, help, &[(&[], value)]);
    }

    /// A gauge with one value per label set.
    pub fn gauge_family(&mut self, name: &str, help: &str, values: &[(&[(&str, &str)], f64)]) {
        self.header(name, "gauge", help);
        for (pairs, value) in values {
            let _ = writeln!(self.text, "{name}{} {value}", labels(pairs));
        }
    }

    /// A histogram.
    pub fn histogram(&mut self, name: &str, help: &str, histogram: &Histogram) {
        self.header(name, "histogram", help);
        let mut cumulative = 0;
        for (bound, bucket) in histogram.bounds.iter().zip(&histogram.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(self.text, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        cumulative += histogram.buckets[histogram.bounds.len()].load(Ordering::Relaxed);
        let _ = writeln!(self.text, "{name}_bucket{{le=\"+Inf\"}} {cumulative}");
        let sum = histogram.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(self.text, "{name}_sum {sum}");
        let _ = writeln!(self.text, "{name}_count {cumulative}");
    }

    /// The document.
    #[must_use]
    pub fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_render_cumulative_buckets_with_sum_and_count() {
        let histogram = Histogram::new(&[0.1, 1.0]);
        histogram.observe(0.05);
        histogram.observe(0.5);
        histogram.observe(7.0);
        assert_eq!(histogram.count(), 3);
        let mut text = MetricsText::new();
        text.histogram("lat_seconds", "Latency.", &histogram);
        text.gauge_family(
            "tasks",
            "Tasks.",
            &[(&[("queue", "a\"b"), ("state", "done")], 2.0)],
        );
        text.counter("events_total", "Events.", 9);
        assert_eq!(
            text.finish(),
            "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n\
             lat_seconds_bucket{le=\"0.1\"} 1\nlat_seconds_bucket{le=\"1\"} 2\n\
             lat_seconds_bucket{le=\"+Inf\"} 3\nlat_seconds_sum 7.55\nlat_seconds_count 3\n\
             # HELP tasks Tasks.\n# TYPE tasks gauge\ntasks{queue=\"a\\\"b\",state=\"done\"} 2\n\
             # HELP events_total Events.\n# TYPE events_total counter\nevents_total 9\n"
        );
    }
}
