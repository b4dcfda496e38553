//! The example provider's memory under unauthenticated traffic: RSS of the
//! provider process before and after 20,000 cookieless `GET /authorize`
//! requests, each of which parks an authorization request in a new
//! browser session.
//!
//! ```text
//! cargo bench -p authlete --bench sessions
//! ```
//!
//! The provider runs in a child process (this binary again, with
//! `--provider`), so that its resident memory is its own: the stand-in for
//! Authlete stays in the parent, where Authlete's own state would be in
//! production (on Authlete's servers). The parent's growth is printed too,
//! for the stand-in's tickets. A report, not a pass/fail test: the numbers
//! go into BENCHMARKS.md.

#[path = "../examples/authorization_server/main.rs"]
#[allow(dead_code)]
mod example;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use authlete::testing::{MOCK_ACCESS_TOKEN, MOCK_SERVICE_ID, MockAuthlete, MockClient};

const REQUESTS: usize = 20_000;
const WARM_UP: usize = 500;
const IN_FLIGHT: usize = 16;
const REDIRECT_URI: &str = "https://client.example/cb";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--provider") {
        let authlete = args.get(at + 1).cloned().unwrap_or_default();
        return provider(&authlete);
    }
    // `cargo bench` passes `--bench`; a filter that is not ours means another
    // bench target was asked for.
    if args.iter().any(|a| !a.starts_with('-') && a != "sessions") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(measure());
}

/// The child: the example provider, in front of the stand-in at
/// `authlete`, printing its address once it listens.
fn provider(authlete: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let client = authlete::Client::builder()
            .service_id(MOCK_SERVICE_ID)
            .access_token(MOCK_ACCESS_TOKEN)
            .base_url(authlete)
            .build()
            .expect("a client for the stand-in");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let app = example::app(client, &format!("http://{address}"))
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        println!("listening {address}");
        let _ = axum::serve(listener, app).await;
    });
}

/// Resident memory of process `pid` in KiB, from `/proc`.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

async fn measure() {
    let stand_in = MockAuthlete::start().await.expect("the stand-in starts");
    // As the example's `main` runs it: the request record bounded.
    stand_in.record_at_most(100);
    stand_in.register(
        MockClient::new(example::DEMO_CLIENT_ID)
            .secret(example::DEMO_CLIENT_SECRET)
            .redirect_uri(REDIRECT_URI),
    );
    let mut child = Command::new(std::env::current_exe().expect("this binary"))
        .args(["--provider", &stand_in.uri()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the provider starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the provider says where it listens");
    let address = line
        .trim()
        .strip_prefix("listening ")
        .expect("an address")
        .to_owned();
    let url = format!(
        "http://{address}/authorize?response_type=code&client_id={}&scope=openid&state=s&redirect_uri={REDIRECT_URI}",
        example::DEMO_CLIENT_ID
    );
    let http = reqwest::Client::new();
    let pid = child.id();
    let me = std::process::id();

    send(&http, &url, WARM_UP).await;
    let (provider_before, stand_in_before) = (rss_kib(pid), rss_kib(me));
    send(&http, &url, REQUESTS).await;
    let (provider_after, stand_in_after) = (rss_kib(pid), rss_kib(me));
    let _ = child.kill();
    let _ = child.wait();

    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "{REQUESTS} cookieless GET /authorize after {WARM_UP} to warm up, {IN_FLIGHT} in flight"
    );
    println!(
        "provider RSS: {:.1} MiB -> {:.1} MiB (+{:.1} MiB, ratio {:.3})",
        mib(provider_before),
        mib(provider_after),
        mib(provider_after.saturating_sub(provider_before)),
        provider_after as f64 / provider_before.max(1) as f64
    );
    println!(
        "stand-in (parent) RSS: {:.1} MiB -> {:.1} MiB (+{:.1} MiB)",
        mib(stand_in_before),
        mib(stand_in_after),
        mib(stand_in_after.saturating_sub(stand_in_before)),
    );
}

/// `count` GETs of `url` without cookies, `IN_FLIGHT` at a time; each must
/// get the login page.
async fn send(http: &reqwest::Client, url: &str, count: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let (http, url, next) = (http.clone(), url.to_owned(), Arc::clone(&next));
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < count {
                    let response = http.get(&url).send().await.expect("an answer");
                    assert_eq!(response.status(), 200, "the login page");
                    let _ = response.bytes().await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("a worker");
    }
}
