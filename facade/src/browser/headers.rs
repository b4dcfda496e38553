//! The headers every HTML page for a person carries, the page shell, and
//! the choice between a page and JSON.

use http::header::{
    ACCEPT, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderMap, HeaderValue, PRAGMA,
    REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{Response, StatusCode};

/// The `Content-Security-Policy` of a page made with [`page`]: nothing is
/// loaded or run (`default-src 'none'`; the pages have no script), inline
/// styles only, no `<base>` to redirect relative URLs, and no framing by
/// any site (`frame-ancestors 'none'`, the modern form of
/// `X-Frame-Options: DENY`), which is what stops clickjacking of the
/// consent button.
///
/// It has no `form-action`: browsers apply it to the redirect that follows
/// a form post, and the consent form's answer is a redirect to the client.
pub const PAGE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/// Adds what every page for a person needs: `X-Frame-Options: DENY`,
/// `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (the
/// URL of an authorization page holds the request's parameters),
/// `Cache-Control: no-store` and `Pragma: no-cache` (a page may show a
/// code or a user's name), and [`PAGE_CSP`] unless the response already
/// has a policy of its own (the auto-posting form of `form_post` has one
/// that lets its script run).
pub fn secure_page_headers(headers: &mut HeaderMap) {
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    }
}

/// A complete HTML page with `status`: `title` (escaped here) as the
/// heading and `body`, HTML the caller built (escape whatever came from
/// outside with [`escape_html`]), with [`secure_page_headers`].
pub fn page(status: StatusCode, title: &str, body: &str) -> Response<String> {
    let title = escape_html(title);
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    );
    let mut response = Response::new(html);
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html;charset=utf-8"),
    );
    secure_page_headers(response.headers_mut());
    response
}

/// `text` made safe to place in HTML text or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Whether the request's `Accept` header prefers `text/html` to
/// `application/json`: a browser's does (`text/html,…,*/*;q=0.8`); no
/// header, `*/*` or a JSON preference does not, so API clients keep
/// getting JSON.
pub fn wants_html(headers: &HeaderMap) -> bool {
    let mut html = 0.0_f32;
    let mut json = 0.0_f32;
    for value in headers.get_all(ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let (for_html, for_json) = match media.as_str() {
                "text/html" => (true, false),
                "application/json" => (false, true),
                "text/*" => (true, false),
                "application/*" => (false, true),
                "*/*" => (true, true),
                _ => (false, false),
            };
            // The most specific range decides, as RFC 9110 §12.5.1 asks;
            // here that means an exact type beats a wildcard.
            let exact = !media.contains('*');
            if for_html && (exact || html == 0.0) {
                html = if exact { q } else { html.max(q) };
            }
            if for_json && (exact || json == 0.0) {
                json = if exact { q } else { json.max(q) };
            }
        }
    }
    html > json
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_str(value).expect("header"));
        headers
    }

    #[test]
    fn browsers_get_pages_and_api_clients_json() {
        let chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,\
                        image/avif,image/webp,*/*;q=0.8";
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(wants_html(&accept(chromium)));
        assert!(wants_html(&accept(firefox)));
        assert!(wants_html(&accept("text/html")));
        assert!(!wants_html(&HeaderMap::new()));
        assert!(!wants_html(&accept("*/*")));
        assert!(!wants_html(&accept("application/json")));
        assert!(!wants_html(&accept("application/json, text/html;q=0.5")));
        assert!(!wants_html(&accept("text/html;q=0, */*")));
    }

    #[test]
    fn a_page_cannot_be_framed_sniffed_or_cached() {
        let page = page(StatusCode::BAD_REQUEST, "<Oops>", "<p>x</p>");
        assert_eq!(page.status(), 400);
        let h = page.headers();
        assert_eq!(h[X_FRAME_OPTIONS], "DENY");
        assert_eq!(h[X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[REFERRER_POLICY], "no-referrer");
        assert_eq!(h[CACHE_CONTROL], "no-store");
        assert!(h[CONTENT_SECURITY_POLICY].to_str().is_ok_and(|csp| {
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'")
        }));
        assert!(page.body().contains("<title>&lt;Oops&gt;</title>"));
    }

    #[test]
    fn an_existing_policy_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'unsafe-inline'"),
        );
        secure_page_headers(&mut headers);
        assert_eq!(
            headers[CONTENT_SECURITY_POLICY],
            "script-src 'unsafe-inline'"
        );
        assert_eq!(headers[X_FRAME_OPTIONS], "DENY");
    }

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            escape_html(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}
