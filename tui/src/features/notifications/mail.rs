//! Which notifications also come by e-mail, and to which address: the person's own choice,
//! filled from what the server has saved.

use infogroups_shared::names::Lang;
use infogroups_shared::pb::{self, NotificationKind as K};
use infogroups_shared::validate::FieldError;

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{Field, FieldKind, FormPopup, FormSpec, choice_of, value};

/// The kinds a person may take by mail, with the field that asks for each.
const KINDS: [(K, &str, W); 7] = [
    (K::NewAssignment, "kind_new", W::NoteNew),
    (K::Reminder, "kind_reminder", W::NoteReminder),
    (K::Overdue, "kind_overdue", W::NoteOverdue),
    (K::ExtensionDecided, "kind_extension", W::NoteExtension),
    (K::ReportSubmitted, "kind_report", W::NoteReport),
    (K::Meeting, "kind_meeting", W::NoteMeeting),
    (K::ProtocolLate, "kind_protocol_late", W::NoteProtocolLate),
];

/// The mail preferences form.
#[derive(Debug, Clone, PartialEq)]
pub struct MailForm {
    /// What is saved now.
    pub saved: pb::MailPreferences,
    /// The control sector may take the daily digest.
    pub digest: bool,
}

fn yes_no(lang: Lang, yes: bool) -> (Vec<String>, usize) {
    (
        vec![W::No.get(lang).to_string(), W::Yes.get(lang).to_string()],
        usize::from(yes),
    )
}

fn choice(name: &'static str, label: W, lang: Lang, yes: bool) -> Field {
    let (options, chosen) = yes_no(lang, yes);
    let mut f = Field::choice(name, label, options);
    f.choice = chosen;
    f
}

impl FormSpec for MailForm {
    fn fields(&self, lang: Lang) -> Vec<Field> {
        let mut out = vec![
            Field::new("email", W::FieldEmail, FieldKind::Line, false)
                .with(self.saved.email.clone()),
        ];
        for (kind, name, label) in KINDS {
            out.push(choice(
                name,
                label,
                lang,
                self.saved.kinds.contains(&(kind as i32)),
            ));
        }
        if self.digest {
            out.push(choice(
                "control_digest",
                W::FieldControlDigest,
                lang,
                self.saved.control_digest,
            ));
        }
        out
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let kinds = KINDS
            .iter()
            .filter(|(_, name, _)| choice_of(fields, name) == 1)
            .map(|(kind, _, _)| *kind as i32)
            .collect();
        Ok(Call::SetMailPreferences(pb::MailPreferences {
            email: value(fields, "email").to_string(),
            kinds,
            control_digest: self.digest && choice_of(fields, "control_digest") == 1,
        }))
    }

    fn done(&self) -> W {
        W::DoneMailSaved
    }
}

/// The form over what the server has saved for the person.
pub fn form(saved: pb::MailPreferences, control_sector: bool, lang: Lang) -> FormPopup {
    FormPopup::new(
        MailForm {
            saved,
            digest: control_sector,
        },
        W::MailTitle.get(lang).to_string(),
        vec![W::MailIntro.get(lang).to_string()],
        lang,
    )
}
