//! One layer in front of every service checks each call: the bearer token against the store and
//! the caller's role against the method → role table. Handlers find the caller in the request's
//! extensions ([`caller`]); none of them checks anything itself.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::body::Body;
use tonic::{Request, Status};
use tower_layer::Layer;
use tower_service::Service;

use super::error::{permission_denied, unauthenticated};
use crate::auth::token_sha256;
use crate::model::{Principal, Role};
use crate::store::Store;

/// The package whose every method needs a token; health and reflection
/// stay open.
const PACKAGE: &str = "claimdb.v1.";

/// The role each method needs: `(service, method, role)`. A method of
/// [`PACKAGE`] that is missing here is refused, never let through.
const METHOD_ROLES: &[(&str, &str, Role)] = &[
    ("ArticleService", "CreateArticle", Role::Admin),
    ("ArticleService", "ImportArticles", Role::Admin),
    ("ArticleService", "GetArticle", Role::Reader),
    ("ArticleService", "ListArticles", Role::Reader),
    ("ClaimService", "ExtractClaims", Role::Reader),
    ("ClaimService", "GetClaim", Role::Reader),
    ("ClaimService", "ListClaims", Role::Reader),
    ("ClaimService", "SearchClaims", Role::Reader),
    ("ClaimService", "FindSimilarClaims", Role::Reader),
    ("ClaimService", "UpdateClaim", Role::Reviewer),
    ("ClaimService", "WatchClaims", Role::Reader),
    ("ReviewService", "AcquireClaim", Role::Reviewer),
    ("ReviewService", "ReleaseClaim", Role::Reviewer),
    ("ReviewService", "SubmitReview", Role::Reviewer),
    ("ReviewService", "ListReviews", Role::Reader),
    ("ReviewService", "GetClaimHistory", Role::Reader),
    ("ReviewService", "GetReviewStats", Role::Admin),
    ("ReviewService", "ListAuditEvents", Role::Admin),
    ("ReviewService", "GetCaller", Role::Reader),
    ("ReviewService", "GetQueueCounts", Role::Reviewer),
    ("ClaimReviewService", "ExportClaimReviews", Role::Reader),
    ("ClaimReviewService", "ImportClaimReviews", Role::Admin),
];

/// What a call to `path` (`/{package}.{Service}/{Method}`) needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Outside claimdb's package: health checks and reflection.
    Open,
    /// A claimdb method: a token whose role includes this one.
    Role { method: &'static str, role: Role },
    /// A claimdb path the table does not know.
    Unknown,
}

fn access(path: &str) -> Access {
    let Some(rest) = path.strip_prefix('/').and_then(|rest| rest.strip_prefix(PACKAGE)) else {
        return Access::Open;
    };
    let Some((service, method)) = rest.split_once('/') else {
        return Access::Unknown;
    };
    METHOD_ROLES
        .iter()
        .find(|(known_service, known_method, _)| *known_service == service && *known_method == method)
        .map_or(Access::Unknown, |&(_, method, role)| Access::Role {
            method,
            role,
        })
}

/// Whether `path` is a method of claimdb's services (one the table knows).
pub fn is_claimdb_method(path: &str) -> bool {
    matches!(access(path), Access::Role { .. })
}

/// Who called, if their `authorization: Bearer <token>` is known and their
/// role includes `required`. `method` names the RPC in error messages.
async fn authenticate(
    store: &dyn Store,
    headers: &http::HeaderMap,
    method: &str,
    required: Role,
) -> Result<Principal, Status> {
    let header = headers.get("authorization").ok_or_else(|| {
        unauthenticated(
            "TOKEN_MISSING",
            "missing authorization metadata: send `authorization: Bearer <token>`",
        )
    })?;
    let header = header
        .to_str()
        .map_err(|_| unauthenticated("TOKEN_MALFORMED", "authorization metadata is not ASCII text"))?;
    let token = header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            unauthenticated(
                "TOKEN_MALFORMED",
                "authorization metadata must be `Bearer <token>`",
            )
        })?;
    let principal = store
        .find_token(token_sha256(token))
        .await?
        .ok_or_else(|| unauthenticated("TOKEN_UNKNOWN", "unknown token"))?;
    if !principal.role.includes(required) {
        return Err(permission_denied(format!(
            "{method} needs the {required} role; token {:?} has the {} role",
            principal.name, principal.role
        )));
    }
    Ok(principal)
}

/// The caller of a request that passed [`AuthLayer`].
pub fn caller<T>(request: &Request<T>) -> Result<Principal, Status> {
    request.extensions().get::<Principal>().cloned().ok_or_else(|| {
        tracing::error!("a request reached its handler without a caller");
        Status::internal("internal error: the caller is unknown")
    })
}

/// Puts [`Auth`] in front of a service.
#[derive(Clone)]
pub struct AuthLayer {
    store: Arc<dyn Store>,
}

impl AuthLayer {
    pub fn new(store: Arc<dyn Store>) -> AuthLayer {
        AuthLayer { store }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Auth<S> {
        Auth {
            inner,
            store: Arc::clone(&self.store),
        }
    }
}

/// Answers a call that fails the checks with its status; passes the others
/// on with the caller in the request's extensions.
#[derive(Clone)]
pub struct Auth<S> {
    inner: S,
    store: Arc<dyn Store>,
}

impl<S, B> Service<http::Request<B>> for Auth<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        // The service that was polled ready serves this call; a fresh clone
        // stays behind for the next one (tower's rule for cloned services).
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let store = Arc::clone(&self.store);
        Box::pin(async move {
            match access(request.uri().path()) {
                Access::Open => {}
                Access::Unknown => {
                    let path = request.uri().path().to_owned();
                    return Ok(Status::unimplemented(format!("no method {path}")).into_http());
                }
                Access::Role { method, role } => {
                    match authenticate(&*store, request.headers(), method, role).await {
                        Ok(principal) => {
                            request.extensions_mut().insert(principal);
                        }
                        Err(status) => return Ok(status.into_http()),
                    }
                }
            }
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use prost::Message;

    use super::*;
    use crate::api::pb;

    #[test]
    fn every_rpc_of_the_package_has_a_role() {
        let files = prost_types::FileDescriptorSet::decode(pb::FILE_DESCRIPTOR_SET).unwrap();
        let mut rpcs = BTreeSet::new();
        for file in files.file.iter().filter(|file| file.package() == "claimdb.v1") {
            for service in &file.service {
                for method in &service.method {
                    rpcs.insert(format!("/{PACKAGE}{}/{}", service.name(), method.name()));
                }
            }
        }
        assert_eq!(rpcs.len(), METHOD_ROLES.len());
        for path in &rpcs {
            assert!(matches!(access(path), Access::Role { .. }), "{path}");
        }
    }

    #[test]
    fn only_claimdb_paths_are_checked() {
        assert_eq!(access("/grpc.health.v1.Health/Check"), Access::Open);
        assert_eq!(
            access("/claimdb.v1.ReviewService/GetReviewStats"),
            Access::Role {
                method: "GetReviewStats",
                role: Role::Admin
            }
        );
        assert_eq!(access("/claimdb.v1.ReviewService/DropTables"), Access::Unknown);
        assert_eq!(access("/claimdb.v1.Nothing"), Access::Unknown);
    }
}
