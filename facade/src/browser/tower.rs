//! [`secure_page_headers`](super::secure_page_headers) as `tower`
//! middleware (feature `tower`): every HTML response of the wrapped
//! service gets them, whoever wrote the page.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::header::CONTENT_TYPE;
use http::{Request, Response};
use tower::{Layer, Service};

use super::secure_page_headers;

/// A `tower::Layer` adding the page headers to every `text/html`
/// response: put it around the routes that serve pages (or the whole
/// router: JSON, JWT and empty responses pass through untouched, so the
/// discovery document stays cacheable).
#[derive(Debug, Clone, Copy, Default)]
pub struct SecurePagesLayer;

impl<S> Layer<S> for SecurePagesLayer {
    type Service = SecurePagesService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SecurePagesService { inner }
    }
}

/// The service [`SecurePagesLayer`] makes.
#[derive(Debug, Clone)]
pub struct SecurePagesService<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for SecurePagesService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let answer = self.inner.call(request);
        Box::pin(async move {
            let mut response = answer.await?;
            if is_html(&response) {
                secure_page_headers(response.headers_mut());
            }
            Ok(response)
        })
    }
}

fn is_html<B>(response: &Response<B>) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt as _;

    async fn through_layer(content_type: &'static str) -> Response<String> {
        let service = tower::service_fn(move |_: Request<()>| async move {
            let mut response = Response::new(String::new());
            response
                .headers_mut()
                .insert(CONTENT_TYPE, http::HeaderValue::from_static(content_type));
            Ok::<_, std::convert::Infallible>(response)
        });
        let response = SecurePagesLayer
            .layer(service)
            .oneshot(Request::new(()))
            .await;
        match response {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }

    #[tokio::test]
    async fn html_gets_the_headers_and_json_does_not() {
        let page = through_layer("text/html; charset=utf-8").await;
        assert_eq!(page.headers()["x-frame-options"], "DENY");
        assert_eq!(page.headers()["cache-control"], "no-store");
        let json = through_layer("application/json").await;
        assert!(json.headers().get("x-frame-options").is_none());
        assert!(json.headers().get("cache-control").is_none());
    }
}
