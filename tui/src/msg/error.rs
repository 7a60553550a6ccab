//! A failed call as the user should read it: the server's code, its texts in both languages and
//! the field it names. Plain data carried in messages, so screens and forms show it without
//! knowing the connection it came over.

use infogroups_shared::names::Lang;
use infogroups_shared::validate::FieldError;
use tonic::{Code, Status};
use tonic_types::StatusExt;

use crate::strings;

/// A failed call, as the user should read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcError {
    /// The gRPC code (decides what the client does: back to login, reload, show).
    pub code: Code,
    /// The server's Russian text, when it sent one.
    pub ru: Option<String>,
    /// The server's English text (or the transport's).
    pub en: String,
    /// The invalid field, for `InvalidArgument`.
    pub field: Option<Box<FieldError>>,
}

impl RpcError {
    /// Reads what a status says.
    pub fn from_status(status: &Status) -> Self {
        let field = FieldError::from_status(status).map(Box::new);
        let ru = status
            .get_error_details()
            .localized_message()
            .map(|m| m.message.clone());
        Self {
            code: status.code(),
            ru,
            en: status.message().to_string(),
            field,
        }
    }

    /// An error with both texts (tests, local failures).
    pub fn new(code: Code, ru: &str, en: &str) -> Self {
        Self {
            code,
            ru: Some(ru.to_string()),
            en: en.to_string(),
            field: None,
        }
    }

    /// Whether the server could not be reached at all (no answer of its own).
    pub fn is_unreachable(&self) -> bool {
        self.ru.is_none() && matches!(self.code, Code::Unavailable | Code::DeadlineExceeded)
    }

    /// Whether the session is over and the user must sign in again.
    pub fn is_session_over(&self) -> bool {
        self.code == Code::Unauthenticated
    }

    /// What to show, in `lang`; `server` names the server when it cannot be reached.
    pub fn message(&self, lang: Lang, server: &str) -> String {
        if self.is_unreachable() {
            return strings::unreachable(lang, server);
        }
        if let Some(f) = &self.field {
            return lang.pick(&f.ru, &f.en).to_string();
        }
        match (lang, &self.ru) {
            (Lang::Ru, Some(ru)) => ru.clone(),
            _ if self.en.is_empty() => strings::failed(lang, &format!("{:?}", self.code)),
            _ => self.en.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_texts_are_read_in_the_users_language() {
        let status = infogroups_shared::validate::FieldError::new(
            "text",
            "обязательное поле",
            "is required",
        )
        .to_status();
        let e = RpcError::from_status(&status);
        assert_eq!(e.code, Code::InvalidArgument);
        assert_eq!(e.field.as_ref().map(|f| f.field.as_str()), Some("text"));
        assert_eq!(e.message(Lang::Ru, "x"), "обязательное поле");
        assert_eq!(e.message(Lang::En, "x"), "is required");
    }

    #[test]
    fn a_transport_failure_reads_as_an_unreachable_server() {
        let e = RpcError::from_status(&Status::unavailable("tcp connect error"));
        assert!(e.is_unreachable());
        assert!(e.message(Lang::Ru, "http://h:1").contains("http://h:1"));
        let shutting_down = RpcError::new(Code::Unavailable, "сервер останавливается", "stopping");
        assert!(!shutting_down.is_unreachable());
    }
}
