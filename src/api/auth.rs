//! One layer in front of every service checks each call: the bearer token against the store and
//! the caller's role against the method → role table. Handlers find the caller in the request's
//! extensions ([`caller`]); none of them checks anything itself.
//!
//! GetClaim, a point read, is checked in the read itself (issue 16): the layer checks the
//! header's form and hands the handler a [`Credential`], whose token the store looks up in the
//! claim's own read transaction ([`crate::store::TokenRead`]), one transaction per call instead
//! of two; [`Credential::admit`] applies the same rules to what it found. The layer still
//! answers for every call: an answer that leaves such a handler without the token checked (a
//! request that could not be decoded, a malformed name, a failed read) is held until the layer
//! has checked the token itself, so an unknown caller learns nothing else.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tonic::body::Body;
use tonic::{Request, Status};
use tower_layer::Layer;
use tower_service::Service;

use super::error::{permission_denied, unauthenticated};
use crate::auth::token_sha256;
use crate::model::{Principal, Role};
use crate::store::{Store, StoreError, TokenRead};

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

/// The methods whose handler checks the token in its own read, through a
/// [`Credential`]: `(service, method)`.
const CHECKED_IN_THEIR_READ: &[(&str, &str)] = &[("ClaimService", "GetClaim")];

/// What a call to `path` (`/{package}.{Service}/{Method}`) needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Outside claimdb's package: health checks and reflection.
    Open,
    /// A claimdb method: a token whose role includes this one, checked by
    /// the layer, or by the handler in its read when `in_read`.
    Role {
        method: &'static str,
        role: Role,
        in_read: bool,
    },
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
        .map_or(Access::Unknown, |&(service, method, role)| Access::Role {
            method,
            role,
            in_read: CHECKED_IN_THEIR_READ.contains(&(service, method)),
        })
}

/// Whether `path` is a method of claimdb's services (one the table knows).
pub fn is_claimdb_method(path: &str) -> bool {
    matches!(access(path), Access::Role { .. })
}

/// The SHA-256 of the token in `authorization: Bearer <token>`, if the
/// header has that form.
fn bearer_token_sha256(headers: &http::HeaderMap) -> Result<[u8; 32], Status> {
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
    Ok(token_sha256(token))
}

/// The caller the store found for a token, if their role includes
/// `required`. `method` names the RPC in error messages.
fn admit(found: Option<Principal>, method: &str, required: Role) -> Result<Principal, Status> {
    let principal = found.ok_or_else(unknown_token)?;
    if !principal.role.includes(required) {
        return Err(permission_denied(format!(
            "{method} needs the {required} role; token {:?} has the {} role",
            principal.name, principal.role
        )));
    }
    Ok(principal)
}

fn unknown_token() -> Status {
    unauthenticated("TOKEN_UNKNOWN", "unknown token")
}

/// Who called, if their `authorization: Bearer <token>` is known and their
/// role includes `required`. `method` names the RPC in error messages.
async fn authenticate(
    store: &dyn Store,
    headers: &http::HeaderMap,
    method: &str,
    required: Role,
) -> Result<Principal, Status> {
    let token_sha256 = bearer_token_sha256(headers)?;
    admit(store.find_token(token_sha256).await?, method, required)
}

/// A call's token, well formed but not yet looked up, for a handler that
/// looks it up in its own read ([`CHECKED_IN_THEIR_READ`]).
#[derive(Debug, Clone)]
pub struct Credential {
    token_sha256: [u8; 32],
    method: &'static str,
    role: Role,
    /// Set once [`Credential::admit`] has judged the token, whichever way.
    checked: Arc<AtomicBool>,
}

impl Credential {
    /// The SHA-256 the store looks the token up by.
    pub fn token_sha256(&self) -> [u8; 32] {
        self.token_sha256
    }

    /// The caller and the value of a read made with the token's check, if
    /// the token is known and its role allows the method: the rules of
    /// every other call.
    pub fn admit<T>(&self, read: TokenRead<T>) -> Result<(Principal, Result<T, StoreError>), Status> {
        self.checked.store(true, Ordering::Release);
        let TokenRead::Known { caller, value } = read else {
            return Err(unknown_token());
        };
        Ok((admit(Some(caller), self.method, self.role)?, value))
    }
}

/// The credential of a request whose handler checks the token in its read.
pub fn credential<T>(request: &Request<T>) -> Result<Credential, Status> {
    request.extensions().get::<Credential>().cloned().ok_or_else(|| {
        tracing::error!("a request reached its handler without a credential");
        Status::internal("internal error: the caller is unknown")
    })
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
                Access::Role {
                    method,
                    role,
                    in_read: true,
                } => {
                    let credential = match bearer_token_sha256(request.headers()) {
                        Ok(token_sha256) => Credential {
                            token_sha256,
                            method,
                            role,
                            checked: Arc::new(AtomicBool::new(false)),
                        },
                        Err(status) => return Ok(status.into_http()),
                    };
                    let checked = Arc::clone(&credential.checked);
                    request.extensions_mut().insert(credential.clone());
                    let answer = inner.call(request).await?;
                    if checked.load(Ordering::Acquire) {
                        return Ok(answer);
                    }
                    // The handler answered before its read judged the
                    // token: the answer goes out only to a known caller.
                    let found = match store.find_token(credential.token_sha256).await {
                        Ok(found) => found,
                        Err(err) => return Ok(Status::from(err).into_http()),
                    };
                    return Ok(match admit(found, method, role) {
                        Ok(_) => answer,
                        Err(status) => status.into_http(),
                    });
                }
                Access::Role {
                    method,
                    role,
                    in_read: false,
                } => match authenticate(&*store, request.headers(), method, role).await {
                    Ok(principal) => {
                        request.extensions_mut().insert(principal);
                    }
                    Err(status) => return Ok(status.into_http()),
                },
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

    /// Answers every call with OK, judging its credential only when told to.
    #[derive(Clone)]
    struct Handler {
        admits_unknown: bool,
    }

    impl Service<http::Request<()>> for Handler {
        type Response = http::Response<Body>;
        type Error = std::convert::Infallible;
        type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: http::Request<()>) -> Self::Future {
            let credential = request.extensions().get::<Credential>().cloned();
            let admits_unknown = self.admits_unknown;
            Box::pin(async move {
                let credential = credential.expect("GetClaim's handler gets a credential");
                if admits_unknown {
                    let refused = credential.admit(TokenRead::<()>::UnknownToken).unwrap_err();
                    return Ok(refused.into_http());
                }
                Ok(http::Response::new(Body::empty()))
            })
        }
    }

    fn get_claim(token: &str) -> http::Request<()> {
        http::Request::builder()
            .uri("/claimdb.v1.ClaimService/GetClaim")
            .header("authorization", format!("Bearer {token}"))
            .body(())
            .unwrap()
    }

    fn code_of(response: &http::Response<Body>) -> tonic::Code {
        Status::from_header_map(response.headers()).map_or(tonic::Code::Ok, |status| status.code())
    }

    // See: #16. A handler that checks the token in its read may answer
    // before it has (a name it refuses): the layer then checks the token
    // itself, so an unknown caller never gets that answer.
    #[tokio::test]
    async fn an_answer_given_before_the_token_was_judged_waits_for_the_layers_check() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> =
            Arc::new(crate::store::SqliteStore::open(&dir.path().join("t.sqlite")).unwrap());
        store
            .create_token("reader".into(), Role::Reader, token_sha256("cdb_known"))
            .await
            .unwrap();
        let mut unjudged = AuthLayer::new(Arc::clone(&store)).layer(Handler {
            admits_unknown: false,
        });
        let answer = unjudged.call(get_claim("cdb_unknown")).await.unwrap();
        assert_eq!(code_of(&answer), tonic::Code::Unauthenticated);
        let answer = unjudged.call(get_claim("cdb_known")).await.unwrap();
        assert_eq!(code_of(&answer), tonic::Code::Ok);
        let missing = http::Request::builder()
            .uri("/claimdb.v1.ClaimService/GetClaim")
            .body(())
            .unwrap();
        let answer = unjudged.call(missing).await.unwrap();
        assert_eq!(code_of(&answer), tonic::Code::Unauthenticated);
        // A handler that judged the token answers for itself.
        let mut judging = AuthLayer::new(store).layer(Handler { admits_unknown: true });
        let answer = judging.call(get_claim("cdb_known")).await.unwrap();
        assert_eq!(code_of(&answer), tonic::Code::Unauthenticated);
    }

    #[test]
    fn only_claimdb_paths_are_checked() {
        assert_eq!(access("/grpc.health.v1.Health/Check"), Access::Open);
        assert_eq!(
            access("/claimdb.v1.ReviewService/GetReviewStats"),
            Access::Role {
                method: "GetReviewStats",
                role: Role::Admin,
                in_read: false,
            }
        );
        assert_eq!(
            access("/claimdb.v1.ClaimService/GetClaim"),
            Access::Role {
                method: "GetClaim",
                role: Role::Reader,
                in_read: true,
            }
        );
        assert_eq!(access("/claimdb.v1.ReviewService/DropTables"), Access::Unknown);
        assert_eq!(access("/claimdb.v1.Nothing"), Access::Unknown);
    }
}
