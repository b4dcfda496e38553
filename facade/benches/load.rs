//! 100,000 token-fail calls with 256 in flight through clones of one client,
//! against the local hyper server: errors, latency distribution, throughput,
//! peak memory and the number of connections the server accepted.
//!
//! ```text
//! cargo bench -p authlete --bench load
//! ```
//!
//! A report, not a pass/fail test: the numbers go into BENCHMARKS.md.

#[path = "support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const CALLS: usize = 100_000;
const IN_FLIGHT: usize = 256;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that is not ours means
    // another bench target was asked for, so stay quiet.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && a != "load")
    {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let server = support::start().await;
        let client = support::clients(&server).facade;
        let rss_before = support::peak_rss_kib();
        let next = Arc::new(AtomicUsize::new(0));
        let errors = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let workers: Vec<_> = (0..IN_FLIGHT)
            .map(|_| {
                let client = client.clone();
                let next = next.clone();
                let errors = errors.clone();
                tokio::spawn(async move {
                    let mut latencies = Vec::with_capacity(CALLS / IN_FLIGHT + 1);
                    while next.fetch_add(1, Ordering::Relaxed) < CALLS {
                        let t = Instant::now();
                        let ok = client
                            .tokens()
                            .fail("load-ticket", authlete::TokenFailReason::InvalidResourceOwnerCredentials)
                            .send()
                            .await
                            .is_ok();
                        latencies.push(t.elapsed());
                        if !ok {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies = Vec::with_capacity(CALLS);
        for worker in workers {
            latencies.extend(worker.await.expect("worker finished"));
        }
        let elapsed = started.elapsed();
        latencies.sort_unstable();
        let alive = tokio::runtime::Handle::current().metrics().num_alive_tasks();

        println!("load: {CALLS} token-fail calls, {IN_FLIGHT} in flight, one client cloned per task");
        println!("| calls | errors | calls/s | p50 | p99 | max | peak RSS | connections accepted | tasks alive after |");
        println!("|---|---|---|---|---|---|---|---|---|");
        println!(
            "| {} | {} | {:.0} | {:?} | {:?} | {:?} | {} | {} | {} |",
            latencies.len(),
            errors.load(Ordering::Relaxed),
            latencies.len() as f64 / elapsed.as_secs_f64(),
            percentile(&latencies, 0.50),
            percentile(&latencies, 0.99),
            latencies.last().copied().unwrap_or_default(),
            support::peak_rss_kib()
                .map(|k| format!("{:.1} MiB (before: {:.1} MiB)", k as f64 / 1024.0, rss_before.unwrap_or(0) as f64 / 1024.0))
                .unwrap_or_else(|| "n/a".into()),
            server.connections(),
            alive,
        );
    });
}
