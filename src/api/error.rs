//! Turns failures into gRPC statuses with `google.rpc` details (AIP-193): a code, a message that
//! names the field, `BadRequest` field violations and one `ErrorInfo`.

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

use crate::ingest::FieldProblem;
use crate::review::filter::SyntaxError;
use crate::review::rules::Problem;
use crate::store::StoreError;

/// The `ErrorInfo.domain` of every error claimdb sends.
pub const ERROR_DOMAIN: &str = "claimdb";

/// The longest message a status carries, in bytes: every message repeats
/// little of the caller's input ([`crate::text::quoted_excerpt`]), and this
/// bound keeps the `grpc-message` and details trailers well under the
/// 16 KiB of headers a client reads even if one does not.
const MAX_MESSAGE_BYTES: usize = 1024;

fn status(code: Code, reason: &str, message: String, mut details: ErrorDetails) -> Status {
    details.set_error_info(reason, ERROR_DOMAIN, HashMap::new());
    Status::with_error_details(code, crate::text::truncate(&message, MAX_MESSAGE_BYTES), details)
}

/// What tonic answers a request it could not read, in the codes gRPC's
/// status code guide gives a server: a message that does not decode (or
/// never came) is the caller's mistake, `INVALID_ARGUMENT`, where tonic
/// says `INTERNAL`; a message over the size limit is `RESOURCE_EXHAUSTED`,
/// where tonic says `OUT_OF_RANGE`. Every other status comes back as it was.
/// A compressed-flag without an encoding stays `INTERNAL`, as the gRPC
/// compression spec requires.
pub fn request_status(status: Status) -> Status {
    const UNDECODABLE: [&str; 3] = [
        "failed to decode Protobuf message",
        "Missing request message",
        "Unexpected EOF decoding stream",
    ];
    let message = status.message();
    if status.code() == Code::Internal && UNDECODABLE.iter().any(|start| message.starts_with(start)) {
        let message = format!("the request message does not decode: {message}");
        return self::status(
            Code::InvalidArgument,
            "MALFORMED_REQUEST",
            message,
            ErrorDetails::new(),
        );
    }
    if status.code() == Code::OutOfRange && message.starts_with("Error, decoded message length too large") {
        let message = format!("the request message is too large: {message}");
        return self::status(
            Code::ResourceExhausted,
            "MESSAGE_TOO_LARGE",
            message,
            ErrorDetails::new(),
        );
    }
    status
}

/// The server lacks a setting the call needs (its operator's to fix, not
/// the caller's): `FAILED_PRECONDITION`, naming the setting.
pub fn not_configured(message: String) -> Status {
    status(
        Code::FailedPrecondition,
        "NOT_CONFIGURED",
        message,
        ErrorDetails::new(),
    )
}

/// One field is wrong: `INVALID_ARGUMENT`.
pub fn invalid_field(field: &str, description: impl Into<String>) -> Status {
    let description = crate::text::truncate(&description.into(), MAX_MESSAGE_BYTES);
    status(
        Code::InvalidArgument,
        "INVALID_FIELD",
        format!("{field} {description}"),
        ErrorDetails::with_bad_request_violation(field, description),
    )
}

/// Problems found in a submitted article, with `prefix` naming where the
/// article stands in the request (e.g. `article.`). All of them are
/// reported; the code is `RESOURCE_EXHAUSTED` when size is the only problem.
pub fn field_problems(prefix: &str, problems: &[FieldProblem]) -> Status {
    let violations: Vec<FieldViolation> = problems
        .iter()
        .map(|problem| FieldViolation::new(format!("{prefix}{}", problem.field), problem.description.clone()))
        .collect();
    let message = field_problems_message(prefix, problems);
    let (code, reason) = if problems.iter().all(|problem| problem.too_large) {
        (Code::ResourceExhausted, "TOO_LARGE")
    } else {
        (Code::InvalidArgument, "INVALID_FIELD")
    };
    status(code, reason, message, ErrorDetails::with_bad_request(violations))
}

/// Problems found in a review or a claim correction: `INVALID_ARGUMENT`
/// with one field violation each.
pub fn review_problems(problems: &[Problem]) -> Status {
    let violations: Vec<FieldViolation> = problems
        .iter()
        .map(|problem| FieldViolation::new(problem.field.clone(), problem.description.clone()))
        .collect();
    let message = violations
        .iter()
        .map(|violation| format!("{} {}", violation.field, violation.description))
        .collect::<Vec<_>>()
        .join("; ");
    status(
        Code::InvalidArgument,
        "INVALID_FIELD",
        message,
        ErrorDetails::with_bad_request(violations),
    )
}

/// A malformed filter, order or query expression: `INVALID_ARGUMENT` naming
/// the field and the position of the error.
pub fn syntax_error(field: &str, err: &SyntaxError) -> Status {
    invalid_field(field, err.to_string())
}

/// The message of [`field_problems`]: each field with its problem, e.g.
/// `article.body must not be empty or only whitespace; article.source_url ...`.
pub fn field_problems_message(prefix: &str, problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|problem| format!("{prefix}{} {}", problem.field, problem.description))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The server has as many calls under way as it takes: `UNAVAILABLE` (which
/// gRPC clients may retry) with a `RetryInfo` saying when to try again.
pub fn overloaded(retry_after: std::time::Duration) -> Status {
    status(
        Code::Unavailable,
        "OVERLOADED",
        format!(
            "the server is busy with other calls; retry in {} ms",
            retry_after.as_millis()
        ),
        ErrorDetails::with_retry_info(Some(retry_after)),
    )
}

/// The call ran past the server's deadline for calls: `DEADLINE_EXCEEDED`.
pub fn deadline_exceeded(deadline: std::time::Duration) -> Status {
    status(
        Code::DeadlineExceeded,
        "DEADLINE_EXCEEDED",
        format!(
            "the call took longer than the server's {} s deadline",
            deadline.as_secs_f64()
        ),
        ErrorDetails::new(),
    )
}

/// The caller has used up a quota of the server's (not of the store's):
/// `RESOURCE_EXHAUSTED`.
pub fn quota_exceeded(message: String) -> Status {
    status(
        Code::ResourceExhausted,
        "RESOURCE_EXHAUSTED",
        message,
        ErrorDetails::new(),
    )
}

/// The caller sent no usable credentials: `UNAUTHENTICATED`.
pub fn unauthenticated(reason: &str, message: impl Into<String>) -> Status {
    status(Code::Unauthenticated, reason, message.into(), ErrorDetails::new())
}

/// The caller's role may not do this: `PERMISSION_DENIED`.
pub fn permission_denied(message: impl Into<String>) -> Status {
    status(
        Code::PermissionDenied,
        "ROLE_NOT_ALLOWED",
        message.into(),
        ErrorDetails::new(),
    )
}

impl From<StoreError> for Status {
    fn from(err: StoreError) -> Status {
        match err {
            StoreError::NotFound(name) => {
                let details = ErrorDetails::with_resource_info(
                    name.split('/').next().unwrap_or_default(),
                    name.clone(),
                    "",
                    format!("{name} does not exist"),
                );
                status(Code::NotFound, "NOT_FOUND", format!("{name} not found"), details)
            }
            StoreError::AlreadyExists(name) => status(
                Code::AlreadyExists,
                "ALREADY_EXISTS",
                format!("{name} already exists"),
                ErrorDetails::new(),
            ),
            StoreError::EtagMismatch(message) => {
                status(Code::Aborted, "ETAG_MISMATCH", message, ErrorDetails::new())
            }
            StoreError::HeldByOther(message) | StoreError::WrongState(message) => status(
                Code::FailedPrecondition,
                "FAILED_PRECONDITION",
                message,
                ErrorDetails::new(),
            ),
            StoreError::QuotaExceeded(message) => status(
                Code::ResourceExhausted,
                "RESOURCE_EXHAUSTED",
                message,
                ErrorDetails::new(),
            ),
            StoreError::Invalid(message) => status(
                Code::InvalidArgument,
                "INVALID_ARGUMENT",
                message,
                ErrorDetails::new(),
            ),
            StoreError::Closed => status(
                Code::Unavailable,
                "SHUTTING_DOWN",
                "the server is shutting down".into(),
                ErrorDetails::new(),
            ),
            StoreError::DiskFull => status(
                Code::ResourceExhausted,
                "DISK_FULL",
                "the server's disk is full; nothing was written".into(),
                ErrorDetails::new(),
            ),
            StoreError::InUse(message) => {
                status(Code::Unavailable, "DATABASE_IN_USE", message, ErrorDetails::new())
            }
            StoreError::Cancelled => status(
                Code::Cancelled,
                "CANCELLED",
                "the request was cancelled or its deadline passed".into(),
                ErrorDetails::new(),
            ),
            StoreError::Busy(message) => {
                tracing::warn!("database busy: {message}");
                status(
                    Code::Unavailable,
                    "DATABASE_BUSY",
                    "the database is busy; try again".into(),
                    ErrorDetails::new(),
                )
            }
            StoreError::Backend(_) | StoreError::Corrupt(_) => {
                // The details stay in the server's log: they may show SQL or
                // stored data the caller has no business seeing.
                tracing::error!("storage error: {err}");
                status(
                    Code::Internal,
                    "STORAGE_ERROR",
                    "internal storage error".into(),
                    ErrorDetails::new(),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_name_the_field_in_message_and_details() {
        let status = invalid_field("page_size", "must be between 0 and 1000");
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(status.message(), "page_size must be between 0 and 1000");
        let details = status.get_error_details();
        let violations = &details.bad_request().unwrap().field_violations;
        assert_eq!(violations[0].field, "page_size");
        assert_eq!(details.error_info().unwrap().domain, ERROR_DOMAIN);
    }

    #[test]
    fn size_alone_is_a_resource_limit() {
        let too_large = FieldProblem {
            field: "body",
            description: "is too large".into(),
            too_large: true,
        };
        let malformed = FieldProblem {
            field: "source_url",
            description: "must be a URL".into(),
            too_large: false,
        };
        let size_only = field_problems("article.", std::slice::from_ref(&too_large));
        assert_eq!(size_only.code(), Code::ResourceExhausted);
        let both = field_problems("article.", &[too_large, malformed]);
        assert_eq!(both.code(), Code::InvalidArgument);
        assert_eq!(
            both.message(),
            "article.body is too large; article.source_url must be a URL"
        );
    }

    // See: #14 (defect 7).
    #[test]
    fn tonic_read_errors_get_the_codes_of_the_guide_and_long_messages_are_cut() {
        let undecodable = request_status(Status::internal(
            "failed to decode Protobuf message: invalid wire type",
        ));
        assert_eq!(undecodable.code(), Code::InvalidArgument);
        let too_large = request_status(Status::out_of_range(
            "Error, decoded message length too large: found 5 bytes, the limit is: 4 bytes",
        ));
        assert_eq!(too_large.code(), Code::ResourceExhausted);
        let ours = request_status(Status::internal("internal storage error"));
        assert_eq!(ours.code(), Code::Internal);
        let long = invalid_field("name", "x".repeat(20_000));
        assert!(
            long.message().len() <= MAX_MESSAGE_BYTES,
            "{}",
            long.message().len()
        );
        let details = long.get_error_details();
        let violations = &details.bad_request().unwrap().field_violations;
        assert!(violations[0].description.len() <= MAX_MESSAGE_BYTES);
    }

    #[test]
    fn not_found_names_the_resource() {
        let status = Status::from(StoreError::NotFound("claims/7".into()));
        assert_eq!(status.code(), Code::NotFound);
        assert_eq!(status.message(), "claims/7 not found");
    }

    #[test]
    fn each_store_error_has_its_code() {
        let cases = [
            (StoreError::AlreadyExists("tokens/1".into()), Code::AlreadyExists),
            (StoreError::EtagMismatch("stale".into()), Code::Aborted),
            (StoreError::HeldByOther("held".into()), Code::FailedPrecondition),
            (StoreError::WrongState("revoked".into()), Code::FailedPrecondition),
            (
                StoreError::QuotaExceeded("too many".into()),
                Code::ResourceExhausted,
            ),
            (StoreError::Invalid("bad".into()), Code::InvalidArgument),
            (StoreError::Busy("locked".into()), Code::Unavailable),
            (StoreError::Closed, Code::Unavailable),
            (StoreError::Cancelled, Code::Cancelled),
            (StoreError::DiskFull, Code::ResourceExhausted),
            (StoreError::InUse("served".into()), Code::Unavailable),
            (StoreError::Corrupt("bad row".into()), Code::Internal),
            (StoreError::Backend("disk I/O error".into()), Code::Internal),
        ];
        for (err, code) in cases {
            assert_eq!(Status::from(err).code(), code);
        }
        // A backend's own words never reach the caller.
        let hidden = Status::from(StoreError::Backend("no such table: claims".into()));
        assert_eq!(hidden.message(), "internal storage error");
    }
}
