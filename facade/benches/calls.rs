//! Token-fail calls three ways in one run: through the facade, through the
//! generated client, and through a hand-written reqwest POST (the floor),
//! sequentially and with 64 calls in flight, against a local hyper server.
//!
//! ```text
//! cargo bench -p authlete --bench calls
//! ```
//!
//! Criterion prints time and throughput per variant. Because criterion does
//! not compare variants, the run ends with a ratio table of its own: the
//! three variants measured in interleaved rounds (so machine noise hits all
//! three alike), median calls per second, and facade/raw and generated/raw.

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use futures::future::join_all;

const IN_FLIGHT: usize = 64;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn bench_calls(c: &mut Criterion) {
    let rt = runtime();
    let server = rt.block_on(support::start());
    let clients = rt.block_on(async { support::clients(&server) });

    let mut group = c.benchmark_group("token_fail/sequential");
    group.throughput(Throughput::Elements(1));
    group.bench_function("facade", |b| {
        b.to_async(&rt)
            .iter(|| support::via_facade(&clients.facade))
    });
    group.bench_function("generated", |b| {
        b.to_async(&rt)
            .iter(|| support::via_generated(&clients.generated))
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| support::via_raw(&clients.raw, &clients.raw_url))
    });
    group.finish();

    let mut group = c.benchmark_group("token_fail/64_in_flight");
    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    group.bench_function("facade", |b| {
        b.to_async(&rt)
            .iter(|| join_all((0..IN_FLIGHT).map(|_| support::via_facade(&clients.facade))))
    });
    group.bench_function("generated", |b| {
        b.to_async(&rt)
            .iter(|| join_all((0..IN_FLIGHT).map(|_| support::via_generated(&clients.generated))))
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&rt).iter(|| {
            join_all((0..IN_FLIGHT).map(|_| support::via_raw(&clients.raw, &clients.raw_url)))
        })
    });
    group.finish();
}

/// Calls per second of `calls` calls made `in_flight` at a time.
async fn rate<F, Fut>(calls: usize, in_flight: usize, call: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let started = Instant::now();
    for _ in 0..calls / in_flight {
        join_all((0..in_flight).map(|_| call())).await;
    }
    calls as f64 / started.elapsed().as_secs_f64()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The ratio table: interleaved rounds, medians, ratios to the floor.
fn ratio_table() {
    let rt = runtime();
    rt.block_on(async {
        let server = support::start().await;
        let c = support::clients(&server);
        const ROUNDS: usize = 15;
        println!("\nratio table (median of {ROUNDS} interleaved rounds)");
        println!("| mode | facade calls/s | generated calls/s | raw calls/s | facade/raw | generated/raw |");
        println!("|---|---|---|---|---|---|");
        for (mode, calls, in_flight) in [("sequential", 2_000, 1), ("64 in flight", 12_800, IN_FLIGHT)] {
            // Warm the pools and the allocator first.
            rate(calls / 4, in_flight, || support::via_facade(&c.facade)).await;
            rate(calls / 4, in_flight, || support::via_generated(&c.generated)).await;
            rate(calls / 4, in_flight, || support::via_raw(&c.raw, &c.raw_url)).await;
            let (mut f, mut g, mut r) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                f.push(rate(calls, in_flight, || support::via_facade(&c.facade)).await);
                g.push(rate(calls, in_flight, || support::via_generated(&c.generated)).await);
                r.push(rate(calls, in_flight, || support::via_raw(&c.raw, &c.raw_url)).await);
            }
            let (f, g, r) = (median(f), median(g), median(r));
            println!(
                "| {mode} | {f:.0} | {g:.0} | {r:.0} | {:.3} | {:.3} |",
                f / r,
                g / r
            );
        }
        println!("server accepted {} connections in all", server.connections());
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    targets = bench_calls
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratio_table();
}
