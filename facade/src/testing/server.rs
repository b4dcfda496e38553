//! The mock's HTTP side: accept connections on 127.0.0.1, record each
//! request, apply scripted replies and faults, and hand the rest to the
//! emulated behaviour.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::behaviour;
use super::reply::Reply;
use super::{MockReply, RecordedRequest, Shared, State, lock};
use crate::operations::{self, OperationInfo};

/// A running stand-in for Authlete; it stops when dropped.
#[derive(Debug)]
pub struct MockAuthlete {
    pub(super) local_addr: SocketAddr,
    pub(super) state: Shared,
    stop: watch::Sender<bool>,
}

impl Drop for MockAuthlete {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Why a connection is closed without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

impl MockAuthlete {
    /// Starts the mock on a random port of 127.0.0.1.
    pub async fn start() -> std::io::Result<MockAuthlete> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let local_addr = listener.local_addr()?;
        let state: Shared = Arc::new(std::sync::Mutex::new(State::default()));
        let (stop, mut stopped) = watch::channel(false);
        let shared = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let state = shared.clone();
                        let mut stop_conn = stopped.clone();
                        tokio::spawn(async move {
                            let service = service_fn(move |request| serve(state.clone(), request));
                            let connection = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service);
                            tokio::select! {
                                _ = connection => {}
                                _ = stop_conn.changed() => {}
                            }
                        });
                    }
                }
            }
        });
        Ok(MockAuthlete {
            local_addr,
            state,
            stop,
        })
    }
}

async fn serve(
    state: Shared,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let operation = recognise(&parts.method, parts.uri.path());
    let recorded = RecordedRequest {
        operation,
        method: parts.method.clone(),
        path_and_query,
        headers: parts.headers.clone(),
        body,
    };
    let scripted = {
        let mut state = lock(&state);
        state.record(recorded.clone());
        operation.and_then(|op| state.scripts.get_mut(op.id).and_then(|q| q.pop_front()))
    };
    let reply = match scripted {
        Some(reply) => play(&state, reply, &recorded).await?,
        None => behaviour::respond(&state, &recorded),
    };
    Ok(render(reply))
}

/// Carries out a scripted reply; `Err` closes the connection.
async fn play(
    state: &Shared,
    reply: MockReply,
    request: &RecordedRequest,
) -> Result<Reply, Dropped> {
    let mut reply = reply;
    loop {
        return match reply {
            MockReply::Json { status, body } => Ok(Reply::json(status, body)),
            MockReply::Raw {
                status,
                content_type,
                body,
            } => Ok(Reply {
                status,
                content_type: Some(content_type),
                body: body.into_bytes(),
            }),
            MockReply::MalformedBody => Ok(Reply {
                status: 200,
                content_type: Some("application/json".into()),
                body: br#"{"action": "OK", "responseCon"#.to_vec(),
            }),
            MockReply::DropConnection => Err(Dropped),
            MockReply::Delay(delay, inner) => {
                tokio::time::sleep(delay).await;
                match inner {
                    Some(next) => {
                        reply = *next;
                        continue;
                    }
                    None => Ok(behaviour::respond(state, request)),
                }
            }
        };
    }
}

fn render(reply: Reply) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = reply.content_type
        && let Ok(value) = http::HeaderValue::from_str(&ct)
    {
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, value);
    }
    response
        .headers_mut()
        .insert("request-id", http::HeaderValue::from_static("mock-request"));
    response
}

/// Which operation of the table a method and a path name; `{serviceId}`
/// matches only the mock's own service.
fn recognise(method: &http::Method, path: &str) -> Option<&'static OperationInfo> {
    operations::ALL
        .iter()
        .find(|op| op.method == method.as_str() && path_matches(op.path, path))
}

fn path_matches(template: &str, path: &str) -> bool {
    let mut template = template.split('/');
    let mut path = path.split('/');
    loop {
        match (template.next(), path.next()) {
            (None, None) => return true,
            (Some("{serviceId}"), Some(segment)) if segment != super::MOCK_SERVICE_ID => {
                return false;
            }
            (Some(t), Some(segment)) if t.starts_with('{') && t.ends_with('}') => {
                if segment.is_empty() {
                    return false;
                }
            }
            (Some(t), Some(segment)) if t == segment => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_their_templates_segment_by_segment() {
        let t = "/api/{serviceId}/auth/token/delete/{accessTokenIdentifier}";
        assert!(path_matches(t, "/api/715948317/auth/token/delete/abc"));
        assert!(!path_matches(t, "/api/715948317/auth/token/delete/"));
        assert!(!path_matches(t, "/api/715948317/auth/token/delete/a/b"));
        assert!(!path_matches(t, "/api/999/auth/token/delete/abc"));
        assert!(!path_matches(
            "/api/{serviceId}/auth/token",
            "/api/715948317/auth/token/issue"
        ));
    }

    #[test]
    fn every_operation_of_the_table_is_recognised_by_its_own_path() {
        for op in operations::ALL {
            let path = op
                .path
                .replace("{serviceId}", super::super::MOCK_SERVICE_ID)
                .split('/')
                .map(|s| if s.starts_with('{') { "x" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let method = http::Method::from_bytes(op.method.as_bytes()).expect("a method");
            assert_eq!(
                recognise(&method, &path).map(|o| o.id),
                Some(op.id),
                "{path}"
            );
        }
    }
}
