//! The reviewer console's listener: serves the console's built files (embedded in the binary from
//! `web/dist`) and passes every gRPC-Web call on to the same services, layers and auth as the
//! gRPC port. Only files the build made are served, with a strict Content-Security-Policy. The
//! console calls its own origin, so no cross-origin call is allowed unless an operator names
//! the origins of their own front-ends (`--web-allow-origin`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{HeaderName, HeaderValue, Method, StatusCode, header};
use include_dir::{Dir, include_dir};
use tonic::body::Body;
use tower_layer::Layer;
use tower_service::Service;

/// The console as `npm run build` in `web/` left it.
static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web/dist");

/// What every file of the console may do: its own scripts and styles, calls
/// to its own origin, nothing inline, nothing from elsewhere, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// CORS for gRPC-Web calls from `origins` only (each `scheme://host[:port]`),
/// with the headers a gRPC-Web client sends and reads; `None` when there are
/// none, so that every cross-origin call is refused.
pub fn cors(origins: &[HeaderValue]) -> Option<tower_http::cors::CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let request_headers = [
        "authorization",
        "content-type",
        "x-grpc-web",
        "x-user-agent",
        "grpc-timeout",
    ];
    let response_headers = ["grpc-status", "grpc-message", "grpc-status-details-bin"];
    Some(
        tower_http::cors::CorsLayer::new()
            .allow_origin(tower_http::cors::AllowOrigin::list(origins.iter().cloned()))
            .allow_methods([Method::POST])
            .allow_headers(request_headers.map(HeaderName::from_static))
            .expose_headers(response_headers.map(HeaderName::from_static))
            .max_age(std::time::Duration::from_secs(24 * 60 * 60)),
    )
}

/// Checks an origin for `--web-allow-origin`: an http(s) scheme and host,
/// an optional port, and nothing more (no path, no `*`).
pub fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    let url = url::Url::parse(text).map_err(|err| format!("{text:?} is not an origin: {err}"))?;
    let origin = url.origin();
    if !matches!(url.scheme(), "http" | "https") || !origin.is_tuple() {
        return Err(format!("{text:?} is not an http(s) origin"));
    }
    let serialised = origin.ascii_serialization();
    if serialised != text.trim_end_matches('/') {
        return Err(format!("{text:?} is not just an origin: write {serialised:?}"));
    }
    HeaderValue::from_str(&serialised).map_err(|err| format!("{text:?}: {err}"))
}

/// Answers requests for the console's files before they reach the gRPC
/// layers; gRPC-Web and gRPC calls go on.
#[derive(Debug, Clone, Copy, Default)]
pub struct AssetsLayer;

impl<S> Layer<S> for AssetsLayer {
    type Service = Assets<S>;

    fn layer(&self, inner: S) -> Assets<S> {
        Assets { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Assets<S> {
    inner: S,
}

impl<S, B> Service<http::Request<B>> for Assets<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if is_grpc(&request) {
            return Box::pin(self.inner.call(request));
        }
        let response = asset_response(request.method(), request.uri().path());
        Box::pin(async move { Ok(response) })
    }
}

/// Whether the request is a gRPC-Web call or a plain gRPC one (by its
/// content type, `application/grpc-web…` or `application/grpc…`).
fn is_grpc<B>(request: &http::Request<B>) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/grpc"))
}

/// The answer to a plain HTTP request: a file of the console, or why not.
fn asset_response(method: &Method, path: &str) -> http::Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        // Also a cross-origin preflight (OPTIONS): refused, with no CORS
        // headers, so a page elsewhere cannot call this server.
        let mut response = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served here\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let Some(file) = find(path) else {
        return plain(StatusCode::NOT_FOUND, "no such file\n");
    };
    let mut response = if method == Method::HEAD {
        http::Response::new(Body::empty())
    } else {
        http::Response::new(Body::new(http_body_util::Full::new(bytes::Bytes::from_static(
            file.contents(),
        ))))
    };
    let headers = response.headers_mut();
    secure(headers);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(file.path())),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.contents().len()));
    // The build names every file under assets/ by a hash of its contents,
    // so they never change; the page itself is checked on every load.
    let cache = if file.path().starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// The embedded file a path names: `/` is the page; anything else must be a
/// file of the build, by its exact name.
fn find(path: &str) -> Option<&'static include_dir::File<'static>> {
    let relative = path.strip_prefix('/')?;
    let relative = if relative.is_empty() {
        "index.html"
    } else {
        relative
    };
    if relative
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return None;
    }
    ASSETS.get_file(relative)
}

/// A short text answer, with the same security headers as the files.
fn plain(status: StatusCode, text: &'static str) -> http::Response<Body> {
    let mut response = http::Response::new(Body::new(http_body_util::Full::new(bytes::Bytes::from_static(
        text.as_bytes(),
    ))));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    secure(headers);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The headers every answer of this listener carries.
fn secure(headers: &mut http::HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// The media type of a file the build makes, by its extension.
fn content_type(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|extension| extension.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") | Some("map") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_its_files_are_found_and_nothing_else() {
        assert!(find("/").is_some_and(|file| file.path().to_str() == Some("index.html")));
        assert!(find("/index.html").is_some());
        let script = ASSETS
            .get_dir("assets")
            .and_then(|dir| {
                dir.files()
                    .find(|file| content_type(file.path()).starts_with("text/javascript"))
            })
            .expect("the build has a script");
        assert!(find(&format!("/{}", script.path().display())).is_some());
        for path in [
            "/../Cargo.toml",
            "/assets/../index.html",
            "//index.html",
            "/nothing.js",
            "index.html",
        ] {
            assert!(find(path).is_none(), "{path}");
        }
    }

    #[test]
    fn only_plain_origins_may_be_allowed() {
        assert_eq!(
            parse_origin("https://desk.example").unwrap(),
            "https://desk.example"
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:5173/").unwrap(),
            "http://127.0.0.1:5173"
        );
        for bad in [
            "*",
            "desk.example",
            "https://desk.example/path",
            "ftp://desk.example",
            "null",
            "",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
        assert!(cors(&[]).is_none());
    }

    #[test]
    fn only_get_and_head_are_answered_and_every_answer_has_the_policy() {
        let page = asset_response(&Method::GET, "/");
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache");
        for response in [
            page,
            asset_response(&Method::OPTIONS, "/"),
            asset_response(&Method::POST, "/claimdb.v1.ClaimService/GetClaim"),
            asset_response(&Method::GET, "/missing"),
        ] {
            assert_eq!(
                response.headers()[header::CONTENT_SECURITY_POLICY],
                CONTENT_SECURITY_POLICY
            );
            assert!(
                response
                    .headers()
                    .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                    .is_none()
            );
        }
        assert_eq!(
            asset_response(&Method::OPTIONS, "/").status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(
            asset_response(&Method::GET, "/missing").status(),
            StatusCode::NOT_FOUND
        );
    }
}
