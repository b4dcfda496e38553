//! The network and Authlete misbehaving: each fault ends in the documented
//! `Error` variant, within the deadline, without a panic, and a call that
//! spends a ticket reaches the server at most once.
//!
//! The faulty servers here speak raw HTTP/1.1 over TCP on 127.0.0.1 so that
//! they can do what no well-behaved server library would: reset mid-body,
//! lie about lengths, never finish, trickle headers.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use authlete::operations::tokens;
use authlete::{Error, RetryPolicy, TokenFailReason, TransportFailure};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a faulty server does once it has read a request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    ResetBeforeStatus,
    ResetMidBody,
    ShortBody,
    EndlessChunked,
    TrickledHeaders,
    HugeBody,
    HtmlLabelledJson,
    GzipUnasked,
    Redirect(u16),
}

struct FaultServer {
    url: String,
    requests: Arc<AtomicUsize>,
    bytes_written: Arc<AtomicUsize>,
}

/// Reads one HTTP/1.1 request (headers and a Content-Length body).
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            return false;
        };
        if n == 0 {
            return false;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let Ok(n) = stream.read(&mut chunk).await else {
                    return false;
                };
                if n == 0 {
                    return false;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return true;
        }
    }
}

async fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

async fn start(fault: Fault) -> FaultServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let requests = Arc::new(AtomicUsize::new(0));
    let bytes_written = Arc::new(AtomicUsize::new(0));
    let (count, written) = (requests.clone(), bytes_written.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let (count, written) = (count.clone(), written.clone());
            tokio::spawn(async move {
                if !read_request(&mut stream).await {
                    return;
                }
                count.fetch_add(1, Ordering::SeqCst);
                serve(fault, stream, written).await;
            });
        }
    });
    FaultServer {
        url,
        requests,
        bytes_written,
    }
}

async fn serve(fault: Fault, mut stream: TcpStream, written: Arc<AtomicUsize>) {
    let json = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    match fault {
        Fault::ResetBeforeStatus => reset(stream).await,
        Fault::ResetMidBody => {
            let _ = stream
                .write_all(
                    format!("{json}Content-Length: 200\r\n\r\n{{\"action\":\"BAD_").as_bytes(),
                )
                .await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            reset(stream).await;
        }
        Fault::ShortBody => {
            let _ = stream
                .write_all(format!("{json}Content-Length: 200\r\nConnection: close\r\n\r\n{{\"action\":\"BAD_REQUEST\"}}").as_bytes())
                .await;
            let _ = stream.shutdown().await;
        }
        Fault::EndlessChunked => {
            let _ = stream
                .write_all(
                    format!("{json}Transfer-Encoding: chunked\r\n\r\n5\r\n{{\"act\r\n").as_bytes(),
                )
                .await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Fault::TrickledHeaders => {
            for byte in "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".bytes() {
                if stream.write_all(&[byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Fault::HugeBody => {
            let size = 50 * 1024 * 1024;
            let head = format!("{json}Content-Length: {size}\r\n\r\n{{\"responseContent\":\"");
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let block = vec![b'x'; 64 * 1024];
            let mut sent = 0;
            while sent < size {
                if stream.write_all(&block).await.is_err() {
                    break;
                }
                sent += block.len();
                written.fetch_add(block.len(), Ordering::SeqCst);
            }
        }
        Fault::HtmlLabelledJson => {
            let body = "<html><body>Bad gateway</body></html>";
            let _ = stream
                .write_all(
                    format!(
                        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await;
        }
        Fault::GzipUnasked => {
            // A gzip stream (of `{}`) sent although the client never asked for one.
            let body: &[u8] = &[
                0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xab, 0xae, 0x05, 0x00,
                0x43, 0xbf, 0xa6, 0xa3, 0x02, 0x00, 0x00, 0x00,
            ];
            let head = format!(
                "{json}Content-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(body).await;
        }
        Fault::Redirect(port) => {
            let _ = stream
                .write_all(
                    format!(
                        "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{port}/steal\r\nContent-Length: 0\r\n\r\n"
                    )
                    .as_bytes(),
                )
                .await;
        }
    }
}

fn client_for(server: &FaultServer, retry: RetryPolicy) -> authlete::Client {
    authlete::Client::builder()
        .service_id(common::SERVICE)
        .access_token(common::TOKEN)
        .base_url(&server.url)
        .timeout(Duration::from_millis(500))
        .max_response_bytes(1024 * 1024)
        .retry_policy(retry)
        .build()
        .expect("valid")
}

/// Runs `fail` (ticket-spending) and `delete` (retried) against `fault`.
async fn outcome(fault: Fault) -> (Error, usize, Error, usize) {
    let server = start(fault).await;
    let client = client_for(&server, common::fast_retries(3));
    let started = Instant::now();
    let fail = client
        .tokens()
        .fail("single-use", TokenFailReason::Unknown)
        .send()
        .await
        .expect_err("the fault makes the call fail");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{fault:?} took {:?}",
        started.elapsed()
    );
    let fail_requests = server.requests.load(Ordering::SeqCst);

    let server = start(fault).await;
    let client = client_for(&server, common::fast_retries(3));
    let delete = client
        .tokens()
        .delete("at")
        .send()
        .await
        .expect_err("fails");
    (
        fail,
        fail_requests,
        delete,
        server.requests.load(Ordering::SeqCst),
    )
}

#[tokio::test]
async fn reset_before_the_status_line_is_a_transport_error_sent_once() {
    let (fail, sent, delete, delete_sent) = outcome(Fault::ResetBeforeStatus).await;
    assert!(
        matches!(
            fail,
            Error::Transport {
                connect: false,
                failure: TransportFailure::Reset,
                ..
            }
        ),
        "{fail:?}"
    );
    assert!(
        fail.to_string().starts_with(
            "cannot reach Authlete: the connection was reset or closed (after the request was sent): "
        ),
        "{fail}"
    );
    assert_eq!(
        sent, 1,
        "the ticket reached the server once and was not re-sent"
    );
    assert!(matches!(delete, Error::Transport { .. }), "{delete:?}");
    assert_eq!(delete_sent, 3, "an idempotent call is retried");
}

#[tokio::test]
async fn reset_mid_body_is_a_transport_error_sent_once() {
    let (fail, sent, _, _) = outcome(Fault::ResetMidBody).await;
    assert!(
        matches!(
            fail,
            Error::Transport {
                connect: false,
                failure: TransportFailure::BodyCutOff,
                ..
            }
        ),
        "{fail:?}"
    );
    assert!(
        fail.to_string()
            .contains("the response body was cut off (after the request was sent)"),
        "{fail}"
    );
    assert_eq!(sent, 1);
}

#[tokio::test]
async fn a_body_shorter_than_its_length_is_a_transport_error() {
    let (fail, sent, _, _) = outcome(Fault::ShortBody).await;
    assert!(
        matches!(
            fail,
            Error::Transport {
                failure: TransportFailure::BodyCutOff,
                ..
            }
        ),
        "{fail:?}"
    );
    assert_eq!(sent, 1);
}

#[tokio::test]
async fn a_body_that_never_ends_times_out_at_the_deadline() {
    let (fail, sent, delete, _) = outcome(Fault::EndlessChunked).await;
    assert!(fail.is_timeout(), "{fail:?}");
    // The operator learns which call ran out of time, against which
    // deadline, and that it may have been acted on.
    assert_eq!(
        fail.to_string(),
        "tokens().fail (POST /api/{serviceId}/auth/token/fail) did not finish within its \
         500ms deadline; it may have reached Authlete"
    );
    assert!(
        matches!(
            fail,
            Error::Timeout {
                operation,
                deadline: Some(deadline),
            } if operation.id == tokens::FAIL.id && deadline == Duration::from_millis(500)
        ),
        "{fail:?}"
    );
    assert_eq!(sent, 1);
    assert!(delete.is_timeout(), "{delete:?}");
}

#[tokio::test]
async fn headers_slower_than_the_deadline_time_out() {
    let (fail, sent, _, _) = outcome(Fault::TrickledHeaders).await;
    assert!(fail.is_timeout(), "{fail:?}");
    assert_eq!(sent, 1);
}

#[tokio::test]
async fn a_50_mib_body_stops_at_the_limit() {
    let server = start(Fault::HugeBody).await;
    let client = client_for(&server, RetryPolicy::never());
    let error = client
        .tokens()
        .fail("t", TokenFailReason::Unknown)
        .send()
        .await
        .expect_err("too large");
    match error {
        Error::ResponseTooLarge { status, limit } => {
            assert_eq!(limit, 1024 * 1024);
            assert_eq!(status.map(|s| s.as_u16()), Some(200));
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    // The client hung up long before the server could push 50 MiB.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = server.bytes_written.load(Ordering::SeqCst);
    assert!(written < 20 * 1024 * 1024, "server wrote {written} bytes");
}

#[tokio::test]
async fn html_labelled_as_json_is_a_decode_error_with_its_status() {
    let (fail, sent, _, _) = outcome(Fault::HtmlLabelledJson).await;
    match &fail {
        Error::Decode {
            status, snippet, ..
        } => {
            assert_eq!(status.as_u16(), 500);
            assert!(snippet.contains("Bad gateway"), "{snippet}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(sent, 1);
}

#[tokio::test]
async fn json_labelled_as_html_still_decodes() {
    let server = common::server_answering(
        wiremock::ResponseTemplate::new(200)
            .set_body_raw(r#"{"action":"BAD_REQUEST"}"#, "text/html"),
    )
    .await;
    let response = common::client(&server)
        .tokens()
        .fail("t", TokenFailReason::Unknown)
        .send()
        .await
        .expect("the body is what matters for a documented status");
    assert_eq!(
        response.action(),
        Some(authlete::TokenFailAction::BadRequest)
    );
}

#[tokio::test]
async fn an_unrequested_gzip_body_is_a_decode_error() {
    let (fail, _, _, _) = outcome(Fault::GzipUnasked).await;
    assert!(
        matches!(fail, Error::Decode { status, .. } if status == 200),
        "{fail:?}"
    );
}

#[tokio::test]
async fn redirects_are_not_followed_with_the_token() {
    let elsewhere = common::server_answering(wiremock::ResponseTemplate::new(200)).await;
    let port = elsewhere.address().port();
    let (fail, sent, delete, _) = outcome(Fault::Redirect(port)).await;
    assert!(
        matches!(fail, Error::UnexpectedResponse { status, .. } if status == 302),
        "{fail:?}"
    );
    assert!(
        matches!(delete, Error::UnexpectedResponse { .. }),
        "{delete:?}"
    );
    assert_eq!(sent, 1);
    assert_eq!(
        common::hits(&elsewhere).await,
        0,
        "the other host saw nothing"
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(
            wiremock::ResponseTemplate::new(503)
                .insert_header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(204))
        .with_priority(2)
        .mount(&server)
        .await;
    common::client(&server)
        .tokens()
        .delete("at")
        .send()
        .await
        .expect("a date in the past means retry now");
    assert_eq!(common::hits(&server).await, 2);
}

#[tokio::test]
async fn a_server_that_does_not_speak_tls_fails_the_handshake_before_sending() {
    // Plain HTTP where the client expects TLS: the handshake fails, so the
    // ticket cannot have reached anyone, and the message says so.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let client = authlete::Client::builder()
        .service_id(common::SERVICE)
        .access_token(common::TOKEN)
        .base_url(format!("https://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    let error = client
        .tokens()
        .fail("ticket", TokenFailReason::Unknown)
        .send()
        .await
        .expect_err("no TLS server there");
    assert!(
        matches!(
            error,
            Error::Transport {
                connect: true,
                failure: TransportFailure::Tls,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_never_sent());
    assert!(
        error
            .to_string()
            .starts_with("cannot reach Authlete: the TLS handshake failed (nothing was sent): "),
        "{error}"
    );
}
