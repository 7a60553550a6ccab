//! E-mail from the server: documents, meeting invitations and reminders, sent through the SMTP
//! server of the `[mail]` settings from a durable outbox that survives a restart and retries.

pub mod letters;
pub mod outbox;
pub mod prefs;
pub mod reminders;
pub mod sender;
pub mod settings;

pub use settings::{MailConfig, MailFile, MailTls};

use crate::error::ApiError;
use crate::services::Ctx;

/// Refuses a request that sends mail when the server has no mail settings.
pub fn require_on(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.config.mail.is_some() {
        Ok(())
    } else {
        Err(ApiError::precondition(
            "отправка почты не настроена на сервере (раздел [mail])",
            "mail is not set up on the server (the [mail] settings)",
        ))
    }
}
