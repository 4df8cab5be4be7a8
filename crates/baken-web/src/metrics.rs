//! Request counters for `/metrics` (Prometheus text format). Per process, as Prometheus
//! expects: it scrapes each instance.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

#[derive(Debug, Default)]
pub struct Metrics {
    requests_2xx: AtomicU64,
    requests_3xx: AtomicU64,
    requests_4xx: AtomicU64,
    requests_5xx: AtomicU64,
    in_flight: AtomicU64,
    duration_micros: AtomicU64,
}

pub(crate) async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let m = &state.metrics;
    m.in_flight.fetch_add(1, Ordering::Relaxed);
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    m.duration_micros.fetch_add(micros, Ordering::Relaxed);
    m.in_flight.fetch_sub(1, Ordering::Relaxed);
    let counter = match res.status().as_u16() {
        200..=299 => &m.requests_2xx,
        300..=399 => &m.requests_3xx,
        400..=499 => &m.requests_4xx,
        _ => &m.requests_5xx,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    res
}

impl Metrics {
    /// The counters in Prometheus text exposition format.
    pub fn render(&self, backend: &str, db_up: bool) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        out.push_str("# HELP baken_http_requests_total HTTP requests answered, by status class.\n");
        out.push_str("# TYPE baken_http_requests_total counter\n");
        for (class, c) in [
            ("2xx", &self.requests_2xx),
            ("3xx", &self.requests_3xx),
            ("4xx", &self.requests_4xx),
            ("5xx", &self.requests_5xx),
        ] {
            out.push_str(&format!(
                "baken_http_requests_total{{status=\"{class}\"}} {}\n",
                get(c)
            ));
        }
        out.push_str("# HELP baken_http_requests_in_flight Requests being handled now.\n");
        out.push_str("# TYPE baken_http_requests_in_flight gauge\n");
        out.push_str(&format!(
            "baken_http_requests_in_flight {}\n",
            get(&self.in_flight)
        ));
        out.push_str(
            "# HELP baken_http_request_duration_seconds_sum Time spent answering requests.\n",
        );
        out.push_str("# TYPE baken_http_request_duration_seconds_sum counter\n");
        out.push_str(&format!(
            "baken_http_request_duration_seconds_sum {:.6}\n",
            get(&self.duration_micros) as f64 / 1e6
        ));
        out.push_str("# HELP baken_database_up Whether the database answered.\n");
        out.push_str("# TYPE baken_database_up gauge\n");
        out.push_str(&format!(
            "baken_database_up{{backend=\"{backend}\"}} {}\n",
            u8::from(db_up)
        ));
        out
    }
}
