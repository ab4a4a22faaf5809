//! Checks the bearer token of each call and whether its role may call the method.

use tonic::{Request, Status};

use super::error::{permission_denied, unauthenticated};
use crate::auth::token_sha256;
use crate::model::{Principal, Role};
use crate::store::Store;

/// Who called, if their `authorization: Bearer <token>` is known and their
/// role includes `required`. `method` names the RPC in error messages.
pub async fn authorize<T>(
    store: &dyn Store,
    request: &Request<T>,
    method: &str,
    required: Role,
) -> Result<Principal, Status> {
    let header = request.metadata().get("authorization").ok_or_else(|| {
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
