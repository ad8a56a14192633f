//! Prometheus metrics, kept in memory and rendered in the text exposition format at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Latency bucket bounds, seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Families {
    requests: BTreeMap<(String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    graphql_errors: BTreeMap<String, u64>,
    counters: BTreeMap<&'static str, u64>,
    gauges: BTreeMap<&'static str, f64>,
}

/// The process's metrics registry; cheap to clone, every clone counts into the same families.
#[derive(Clone, Default)]
pub struct Metrics {
    families: Arc<Mutex<Families>>,
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Families> {
        self.families.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Count one HTTP request on `route` with `status`, taking `elapsed`.
    pub fn observe_request(&self, route: &str, status: u16, elapsed: Duration) {
        let mut f = self.lock();
        *f.requests.entry((route.to_string(), status)).or_default() += 1;
        let h = f.latency.entry(route.to_string()).or_default();
        let secs = elapsed.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
        h.sum += secs;
        h.count += 1;
    }

    /// Count a GraphQL error by its `extensions.code`.
    pub fn graphql_error(&self, code: &str) {
        *self.lock().graphql_errors.entry(code.to_string()).or_default() += 1;
    }

    /// Add to a named counter (name must be a valid Prometheus metric name).
    pub fn incr(&self, name: &'static str, by: u64) {
        *self.lock().counters.entry(name).or_default() += by;
    }

    /// Set a named gauge.
    pub fn set_gauge(&self, name: &'static str, value: f64) {
        self.lock().gauges.insert(name, value);
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let f = self.lock();
        let mut out = String::new();
        let _ = writeln!(out, "# TYPE xyd_http_requests_total counter");
        for ((route, status), n) in &f.requests {
            let _ = writeln!(out, "xyd_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}");
        }
        let _ = writeln!(out, "# TYPE xyd_http_request_duration_seconds histogram");
        for (route, h) in &f.latency {
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ =
                    writeln!(out, "xyd_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}");
            }
            let _ =
                writeln!(out, "xyd_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "xyd_http_request_duration_seconds_sum{{route=\"{route}\"}} {}", h.sum);
            let _ = writeln!(out, "xyd_http_request_duration_seconds_count{{route=\"{route}\"}} {}", h.count);
        }
        let _ = writeln!(out, "# TYPE xyd_graphql_errors_total counter");
        for (code, n) in &f.graphql_errors {
            let _ = writeln!(out, "xyd_graphql_errors_total{{code=\"{code}\"}} {n}");
        }
        for (name, n) in &f.counters {
            let _ = writeln!(out, "# TYPE {name} counter\n{name} {n}");
        }
        for (name, v) in &f.gauges {
            let _ = writeln!(out, "# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}
