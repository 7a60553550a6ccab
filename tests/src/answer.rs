//! Reading answers in tests: unwrap an accepted one, check a refused one, read its Russian text.

use tonic::{Code, Response, Status};
use tonic_types::StatusExt;

/// Unwraps an answer, failing the test with the status and what was being done.
#[track_caller]
pub fn ok<T>(answer: Result<Response<T>, Status>, what: &str) -> T {
    match answer {
        Ok(r) => r.into_inner(),
        Err(s) => panic!("{what}: {:?} {:?}", s.code(), s.message()),
    }
}

/// Asserts that `answer` was refused with `code` and an English message containing `en`;
/// returns the status for further checks.
#[track_caller]
pub fn refused<T: std::fmt::Debug>(
    answer: Result<Response<T>, Status>,
    code: Code,
    en: &str,
) -> Status {
    match answer {
        Ok(r) => panic!("expected {code:?} ({en:?}), got {:?}", r.into_inner()),
        Err(s) => {
            assert_eq!(s.code(), code, "{en:?}: {s:?}");
            assert!(
                s.message().contains(en),
                "the message {:?} does not say {en:?}",
                s.message()
            );
            s
        }
    }
}

/// The Russian message a refusal carries in its `LocalizedMessage` detail.
pub fn ru_message(s: &Status) -> String {
    s.get_error_details()
        .localized_message()
        .map(|m| m.message.clone())
        .unwrap_or_default()
}
