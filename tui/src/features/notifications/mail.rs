//! Which notifications a person gets, which of them also by e-mail, and to which address: the
//! person's own choice, filled from what the server has saved.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, NotificationKind as K};
use infogroups_shared::validate::FieldError;

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{Field, FieldKind, FormPopup, FormSpec, choice_of, value};

/// The kinds a person chooses for, in the order the form asks, each with its field's name.
const KINDS: [(K, &str); 19] = [
    (K::NewAssignment, "kind_new"),
    (K::Reminder, "kind_reminder"),
    (K::Overdue, "kind_overdue"),
    (K::ExtensionRequested, "kind_extension_requested"),
    (K::ExtensionDecided, "kind_extension"),
    (K::ReportSubmitted, "kind_report"),
    (K::ReportAccepted, "kind_report_accepted"),
    (K::ReportReturned, "kind_report_returned"),
    (K::RemovedFromControl, "kind_removed"),
    (K::WorkResumed, "kind_resumed"),
    (K::Meeting, "kind_meeting"),
    (K::QuarterAtRisk, "kind_quarter"),
    (K::ProtocolForSignature, "kind_for_signature"),
    (K::ProtocolSigned, "kind_signed"),
    (K::ProtocolHandedOver, "kind_handed_over"),
    (K::ProtocolReceived, "kind_received"),
    (K::ProtocolReturned, "kind_returned"),
    (K::ProtocolLate, "kind_protocol_late"),
    (K::Digest, "kind_digest"),
];

/// The three answers for a kind, in the order the choice offers them.
const IN_PROGRAM: usize = 0;
const BY_MAIL: usize = 1;
const OFF: usize = 2;

/// The notification settings form.
#[derive(Debug, Clone, PartialEq)]
pub struct MailForm {
    /// What is saved now.
    pub saved: pb::MailPreferences,
    /// The control sector may take the daily digest.
    pub digest: bool,
}

fn yes_no(name: &'static str, label: W, lang: Lang, yes: bool) -> Field {
    let mut f = Field::choice(
        name,
        label,
        vec![W::No.get(lang).to_string(), W::Yes.get(lang).to_string()],
    );
    f.choice = usize::from(yes);
    f
}

fn how(saved: &pb::MailPreferences, kind: K) -> usize {
    let k = kind as i32;
    if saved.muted.contains(&k) {
        OFF
    } else if saved.kinds.contains(&k) {
        BY_MAIL
    } else {
        IN_PROGRAM
    }
}

impl FormSpec for MailForm {
    fn fields(&self, lang: Lang) -> Vec<Field> {
        let mut out = vec![
            Field::new("email", W::FieldEmail, FieldKind::Line, false)
                .with(self.saved.email.clone()),
        ];
        let options = vec![
            W::NoteInProgram.get(lang).to_string(),
            W::NoteAlsoByMail.get(lang).to_string(),
            W::NoteOff.get(lang).to_string(),
        ];
        for (kind, name) in KINDS {
            let mut f = Field::choice(name, W::ColKind, options.clone());
            f.caption = Some(names::notification_kind(lang, kind).to_string());
            f.choice = how(&self.saved, kind);
            out.push(f);
        }
        if self.digest {
            out.push(yes_no(
                "control_digest",
                W::FieldControlDigest,
                lang,
                self.saved.control_digest,
            ));
        }
        out
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let chosen = |answer: usize| -> Vec<i32> {
            KINDS
                .iter()
                .filter(|(_, name)| choice_of(fields, name) == answer)
                .map(|(kind, _)| *kind as i32)
                .collect()
        };
        Ok(Call::SetMailPreferences(pb::MailPreferences {
            email: value(fields, "email").to_string(),
            kinds: chosen(BY_MAIL),
            control_digest: self.digest && choice_of(fields, "control_digest") == 1,
            muted: chosen(OFF),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_a_person_may_turn_off_is_asked_for_once() {
        for k in 1..=20 {
            let k = K::try_from(k).unwrap_or_default();
            let asked = KINDS.iter().filter(|(kind, _)| *kind == k).count();
            assert_eq!(asked, usize::from(names::notification_optional(k)), "{k:?}");
        }
    }

    #[test]
    fn the_saved_choice_comes_back_as_it_was() {
        let saved = pb::MailPreferences {
            email: "a@city.test".into(),
            kinds: vec![K::Reminder as i32],
            muted: vec![K::Digest as i32],
            control_digest: false,
        };
        assert_eq!(how(&saved, K::Reminder), BY_MAIL);
        assert_eq!(how(&saved, K::Digest), OFF);
        assert_eq!(how(&saved, K::Overdue), IN_PROGRAM);
    }
}
