//! E-mail from the server: documents, meeting invitations and reminders, sent through the SMTP
//! server of the `[mail]` settings from a durable outbox that survives a restart and retries.

pub mod outbox;
pub mod sender;
pub mod settings;

pub use settings::{MailConfig, MailFile, MailTls};
