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
//! three alike), median calls per second, and the median of each round's
//! facade/raw and generated/raw with the range they spanned: a ratio taken
//! within one round compares measurements made seconds apart, which the
//! shared machine's drift affects far less than medians taken separately.

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

#[derive(Clone, Copy, Debug)]
enum Variant {
    Facade,
    Generated,
    Raw,
}

/// Calls per second of one variant, on a fresh runtime, server and client,
/// so that no variant's idle connections or timers weigh on another's.
fn measure(variant: Variant, calls: usize, in_flight: usize) -> f64 {
    let rt = runtime();
    rt.block_on(async {
        let server = support::start().await;
        let c = support::clients(&server);
        let mut result = 0.0;
        // The first pass warms the pool and the allocator; the second counts.
        for n in [calls / 4, calls] {
            result = match variant {
                Variant::Facade => rate(n, in_flight, || support::via_facade(&c.facade)).await,
                Variant::Generated => {
                    rate(n, in_flight, || support::via_generated(&c.generated)).await
                }
                Variant::Raw => rate(n, in_flight, || support::via_raw(&c.raw, &c.raw_url)).await,
            };
        }
        result
    })
}

/// The ratio table: interleaved rounds in rotating order; medians of the
/// rates, and medians (with min–max) of the ratios taken within each round.
fn ratio_table() {
    let rounds = rounds();
    println!(
        "\nratio table ({rounds} interleaved rounds, each variant on a fresh runtime, server and client; \
         rates are medians, ratios are the median of the per-round ratios [min–max])"
    );
    print_head();
    for (mode, calls, in_flight) in [
        ("sequential", 4_000, 1),
        ("64 in flight", 12_800, IN_FLIGHT),
    ] {
        let (mut f, mut g, mut r) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            for slot in 0..3 {
                match (round + slot) % 3 {
                    0 => f.push(measure(Variant::Facade, calls, in_flight)),
                    1 => g.push(measure(Variant::Generated, calls, in_flight)),
                    _ => r.push(measure(Variant::Raw, calls, in_flight)),
                }
            }
        }
        print_row(mode, f, g, r, None);
    }
}

/// The order in which the paired table's four variants take turns, over
/// and over: each follows each of the others exactly once (the last turn
/// leads back to the first).
///
/// A call runs faster after a call through the same code, which it finds
/// still in the caches: in a plain rotation (0 1 2 3, 1 2 3 0, ...) the
/// control always followed the floor, and measured 1.011 of it one call at
/// a time (1.005–1.021 over six runs), where in blocks of 50 calls it
/// measured 0.999. In this order every variant follows its twin (the
/// facade and the generated client share the generated code, the floor and
/// the control all of theirs) as often as any other.
const TURNS: [usize; 12] = [0, 1, 0, 2, 0, 3, 1, 2, 1, 3, 2, 3];

/// The paired table: one runtime, one server, the clients side by side,
/// their calls (one at a time) or batches (64 in flight) taking turns in
/// the order of [`TURNS`], each timed on its own; a round is `per_round`
/// calls or batches of each variant, and its ratio compares the time each
/// variant spent within it. Noise that lasts longer than one call or batch
/// (another process, a frequency change) then falls on all of them alike,
/// which rounds of whole seconds per variant cannot promise on a shared
/// machine. The first round warms the pools and is not counted.
///
/// A fourth variant is the control: the floor again, through a second
/// `reqwest::Client` of its own. On a fair harness its ratio to the floor
/// is 1; how far it strays is the size of difference the table cannot
/// tell from nothing.
///
/// `PAIRED_CONTROL=timeout` gives the control's requests reqwest's own
/// timeout of [`authlete::DEFAULT_TIMEOUT`], the facade's default deadline:
/// its column is then what that deadline costs a call written by hand, and
/// the facade/control ratios printed after the table, round by round,
/// compare like with like. The floor stays without one.
///
/// `PAIRED_BLOCK=n` (1 when unset) makes each turn `n` calls or batches of
/// one variant instead of one, so that a variant mostly runs after itself
/// rather than after the others; `per_round` stays about the count per
/// variant, and a turn is at most a third of it (13 batches with 64 in
/// flight), so that each round still passes through [`TURNS`].
fn paired_table() {
    let rounds = rounds();
    let block = env_number("PAIRED_BLOCK")
        .filter(|n| (1..=1_000).contains(n))
        .unwrap_or(1);
    let control_timeout = std::env::var("PAIRED_CONTROL")
        .is_ok_and(|v| v == "timeout")
        .then_some(authlete::DEFAULT_TIMEOUT);
    println!(
        "\npaired table ({rounds} rounds; calls or batches of the four variants take turns within a round, \
         up to {block} at a time, each after each of the others equally often; rates are medians, ratios are the median of the per-round ratios [min–max]; \
         control is a second raw client{})",
        if control_timeout.is_some() {
            ", with reqwest's timeout of the facade's default deadline"
        } else {
            ""
        }
    );
    print_head();
    let mut like_for_like = Vec::new();
    let rt = runtime();
    rt.block_on(async {
        let server = support::start().await;
        let c = support::clients(&server);
        let control = support::plain_reqwest();
        for (mode, per_round, in_flight) in
            [("sequential", 1_000, 1), ("64 in flight", 40, IN_FLIGHT)]
        {
            // Whole passes through `TURNS`, in which each variant has three.
            let block = block.min(per_round / 3);
            let passes = per_round / block / 3;
            let per_round = passes * 3 * block;
            let (mut f, mut g, mut r, mut k) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for round in 0..=rounds {
                let mut spent = [Duration::ZERO; 4];
                for turn in 0..passes * TURNS.len() {
                    let variant = TURNS[turn % TURNS.len()];
                    let started = Instant::now();
                    for _ in 0..block {
                        match variant {
                            0 => {
                                join_all((0..in_flight).map(|_| support::via_facade(&c.facade)))
                                    .await
                            }
                            1 => {
                                join_all(
                                    (0..in_flight).map(|_| support::via_generated(&c.generated)),
                                )
                                .await
                            }
                            // The floor, or the control: the same code, another client.
                            _ => {
                                let (raw, timeout) = if variant == 2 {
                                    (&c.raw, None)
                                } else {
                                    (&control, control_timeout)
                                };
                                join_all(
                                    (0..in_flight)
                                        .map(|_| support::via_raw_within(raw, &c.raw_url, timeout)),
                                )
                                .await
                            }
                        };
                    }
                    spent[variant] += started.elapsed();
                }
                if round == 0 {
                    continue;
                }
                let rate = |d: Duration| (per_round * in_flight) as f64 / d.as_secs_f64();
                f.push(rate(spent[0]));
                g.push(rate(spent[1]));
                r.push(rate(spent[2]));
                k.push(rate(spent[3]));
            }
            if control_timeout.is_some() {
                let ratios = f.iter().zip(&k).map(|(f, k)| f / k).collect();
                like_for_like.push(format!("{mode}: {}", spread(ratios)));
            }
            print_row(mode, f, g, r, Some(k));
        }
    });
    if !like_for_like.is_empty() {
        println!("\nfacade/control, both with a deadline of the facade's default:");
        for line in like_for_like {
            println!("- {line}");
        }
    }
}

/// `RATIO_ROUNDS`, 11 when unset.
fn rounds() -> usize {
    env_number("RATIO_ROUNDS").unwrap_or(11)
}

/// A count set in the environment, if it is set to one.
fn env_number(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// The columns of both tables (the ratio table has no control).
fn print_head() {
    println!(
        "| mode | facade calls/s | generated calls/s | raw calls/s | facade/raw | generated/raw | control/raw |"
    );
    println!("|---|---|---|---|---|---|---|");
}

/// One row of a table: the rates' medians, and the ratios to raw taken
/// round by round.
fn print_row(mode: &str, f: Vec<f64>, g: Vec<f64>, r: Vec<f64>, control: Option<Vec<f64>>) {
    let per_round = |xs: &[f64]| -> Vec<f64> { xs.iter().zip(&r).map(|(x, r)| x / r).collect() };
    let (fr, gr) = (per_round(&f), per_round(&g));
    let kr = control.map_or_else(|| "–".to_owned(), |k| spread(per_round(&k)));
    println!(
        "| {mode} | {:.0} | {:.0} | {:.0} | {} | {} | {kr} |",
        median(f),
        median(g),
        median(r.clone()),
        spread(fr),
        spread(gr),
    );
}

/// `median [min–max]` of some ratios.
fn spread(xs: Vec<f64>) -> String {
    let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("**{:.3}** [{min:.2}–{max:.2}]", median(xs))
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    targets = bench_calls
}

/// `PROFILE_ONLY=facade|generated|raw`: make only that kind of call, 64 in
/// flight (or `PROFILE_IN_FLIGHT`), for 5 seconds (or exactly
/// `PROFILE_CALLS` calls, for instruction counting under valgrind), so a
/// profiler sees one variant at a time.
fn profile_only(which: &str) {
    let budget = env_number("PROFILE_CALLS");
    let in_flight = env_number("PROFILE_IN_FLIGHT")
        .filter(|n| (1..=640).contains(n))
        .unwrap_or(IN_FLIGHT);
    let batch = 640 / in_flight * in_flight;
    let rt = runtime();
    rt.block_on(async {
        let server = support::start().await;
        let c = support::clients(&server);
        let until = Instant::now() + Duration::from_secs(5);
        let mut calls = 0usize;
        while budget.map_or(Instant::now() < until, |b| calls < b) {
            calls += batch;
            match which {
                "facade" => rate(batch, in_flight, || support::via_facade(&c.facade)).await,
                "generated" => {
                    rate(batch, in_flight, || support::via_generated(&c.generated)).await
                }
                _ => rate(batch, in_flight, || support::via_raw(&c.raw, &c.raw_url)).await,
            };
        }
        println!("{which}: {calls} calls in 5 s");
    });
}

fn main() {
    if let Ok(which) = std::env::var("PROFILE_ONLY") {
        return profile_only(&which);
    }
    // `RATIO_ONLY=1 cargo bench --bench calls` skips criterion, for quick before/after checks.
    if std::env::var_os("RATIO_ONLY").is_none() {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
    if std::env::var_os("PAIRED_ONLY").is_none() {
        ratio_table();
    }
    paired_table();
}
