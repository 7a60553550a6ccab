//! The errors RPC handlers return, and how each becomes a gRPC status with a Russian and an
//! English message.

use infogroups_shared::validate::FieldError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::store::StoreError;

/// Why a request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A field of the request is invalid.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// No valid token.
    #[error("unauthenticated: {en}")]
    Unauthenticated {
        /// Russian.
        ru: String,
        /// English.
        en: String,
    },
    /// The policy refused.
    #[error("permission denied: {0}")]
    Denied(#[from] crate::policy::Denied),
    /// The entity does not exist or the caller may not see it.
    #[error("{kind} {id} not found")]
    NotFound {
        /// Entity kind.
        kind: &'static str,
        /// Id asked for.
        id: u64,
    },
    /// The client's version is stale.
    #[error("stale version: expected {expected}, current {current}")]
    Stale {
        /// What the client sent.
        expected: u64,
        /// What the store has.
        current: u64,
    },
    /// The workflow does not allow this step now.
    #[error("{en}")]
    Precondition {
        /// Russian.
        ru: String,
        /// English.
        en: String,
    },
    /// Too many failed attempts.
    #[error("too many failed attempts, retry in {retry_after_secs} s")]
    Throttled {
        /// Seconds until the next attempt is accepted.
        retry_after_secs: u64,
    },
    /// The entity already exists (a unique name is taken).
    #[error("{en}")]
    AlreadyExists {
        /// Russian.
        ru: String,
        /// English.
        en: String,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The server is shutting down.
    #[error("the server is shutting down")]
    ShuttingDown,
}

impl ApiError {
    /// A workflow refusal.
    pub fn precondition(ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Precondition {
            ru: ru.into(),
            en: en.into(),
        }
    }

    /// A missing or invalid token.
    pub fn unauthenticated(ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Unauthenticated {
            ru: ru.into(),
            en: en.into(),
        }
    }
}

/// A status with an English message and its Russian translation as a `LocalizedMessage` detail.
pub fn localized(code: Code, ru: &str, en: &str) -> Status {
    let mut details = ErrorDetails::new();
    details.set_localized_message("ru-RU", ru);
    Status::with_error_details(code, en, details)
}

impl From<ApiError> for Status {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Invalid(f) => f.to_status(),
            ApiError::Unauthenticated { ru, en } => localized(Code::Unauthenticated, &ru, &en),
            ApiError::Denied(d) => localized(Code::PermissionDenied, &d.ru, &d.en),
            ApiError::NotFound { kind, id } => localized(
                Code::NotFound,
                &format!("запись не найдена ({kind} {id})"),
                &format!("{kind} {id} not found"),
            ),
            ApiError::Stale { expected, current } => localized(
                Code::Aborted,
                &format!(
                    "запись уже изменена другим пользователем (версия {current}, у вас {expected}); обновите и повторите"
                ),
                &format!(
                    "the record was changed by someone else (version {current}, you had {expected}); reload and retry"
                ),
            ),
            ApiError::Precondition { ru, en } => localized(Code::FailedPrecondition, &ru, &en),
            ApiError::Throttled { retry_after_secs } => {
                // RetryInfo lets a client wait exactly as long as it must.
                let mut details = ErrorDetails::new();
                details.set_localized_message(
                    "ru-RU",
                    format!(
                        "слишком много неудачных попыток; повторите через {retry_after_secs} с"
                    ),
                );
                details.set_retry_info(Some(std::time::Duration::from_secs(retry_after_secs)));
                Status::with_error_details(
                    Code::ResourceExhausted,
                    format!("too many failed attempts; retry in {retry_after_secs} s"),
                    details,
                )
            }
            ApiError::AlreadyExists { ru, en } => localized(Code::AlreadyExists, &ru, &en),
            ApiError::Store(err) => {
                tracing::error!(error = %err, "storage failure");
                localized(
                    Code::Unavailable,
                    "хранилище недоступно; повторите позже",
                    "storage unavailable; retry later",
                )
            }
            ApiError::ShuttingDown => localized(
                Code::Unavailable,
                "сервер останавливается; повторите позже",
                "the server is shutting down; retry later",
            ),
        }
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
