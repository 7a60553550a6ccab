//! The meeting's steps after it is held: the confirmations (signed, held, handed over,
//! acknowledged, notified), the protocol's main fields, and the publication and informing
//! recorded as done.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::{self, FieldError};

use crate::features::meetings::forms::plan::members_checklist;
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{Field, FieldKind as K, FormSpec, Target, kept_as, picked_ids, value};

/// A step on a meeting that needs only a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingStep {
    /// The leader signs the protocol.
    Sign,
    /// The secretary sends the protocol for signature.
    SendForSignature,
    /// The meeting took place.
    MarkHeld,
    /// The signed protocol goes to the control sector.
    HandOver,
    /// The control sector has it.
    Acknowledge,
    /// Notify members and participants.
    Notify,
}

/// The confirmation of a step on a meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingStepForm {
    /// Which.
    pub step: MeetingStep,
    /// The meeting.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
}

impl FormSpec for MeetingStepForm {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        Vec::new()
    }

    fn call(&self, _fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let r = pb::MeetingStepRequest {
            meeting_id: self.id,
            expected_version: self.version,
        };
        Ok(match self.step {
            MeetingStep::Sign => Call::SignProtocol(r),
            MeetingStep::SendForSignature => Call::SendForSignature(r),
            MeetingStep::MarkHeld => Call::MarkHeld(r),
            MeetingStep::HandOver => Call::HandOver(r),
            MeetingStep::Acknowledge => Call::Acknowledge(r),
            MeetingStep::Notify => Call::Notify(pb::NotifyParticipantsRequest {
                meeting_id: self.id,
                expected_version: self.version,
            }),
        })
    }

    fn done(&self) -> W {
        match self.step {
            MeetingStep::Sign => W::DoneSigned,
            MeetingStep::SendForSignature => W::DoneSent,
            MeetingStep::MarkHeld => W::DoneHeld,
            MeetingStep::HandOver => W::DoneHandedOver,
            MeetingStep::Acknowledge => W::DoneAcknowledged,
            MeetingStep::Notify => W::DoneNotified,
        }
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Meeting(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// The control sector sends a handed-over protocol back to the secretary, saying why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReturnProtocolForm {
    /// The meeting.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
}

impl FormSpec for ReturnProtocolForm {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("return_protocol", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        vec![Field::new("reason", W::FieldReason, K::Text, true)]
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::ReturnProtocol(pb::ReturnProtocolRequest {
            meeting_id: self.id,
            expected_version: self.version,
            reason: value(fields, "reason").to_string(),
        }))
    }

    fn done(&self) -> W {
        W::DoneReturnedProtocol
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Meeting(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Save the protocol's main fields (the rest of it is kept as it was).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProtocolForm {
    /// The meeting.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
    /// The protocol as it was.
    #[serde(with = "crate::ui::form_engine::kept::boxed")]
    pub base: Box<pb::Protocol>,
    /// The group's people the checklist of those present offers (id, shown).
    pub members: Vec<(u64, String)>,
}

impl FormSpec for ProtocolForm {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("protocol", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        let base = &self.base;
        vec![
            Field::new("number", W::FieldProtocolNumber, K::Line, true).with(base.number.clone()),
            Field::new("start_time", W::FieldStart, K::Line, false).with(base.start_time.clone()),
            Field::new("end_time", W::FieldEnd, K::Line, false).with(base.end_time.clone()),
            Field::new("residents_attending", W::FieldResidents, K::Line, true).with(
                if base.residents_attending == 0 {
                    String::new()
                } else {
                    base.residents_attending.to_string()
                },
            ),
            members_checklist(&self.members)
                .ticking(base.members_present.iter().map(u64::to_string)),
            Field::new("information_given", W::FieldInformation, K::Text, false)
                .with(base.information_given.clone()),
        ]
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let v = |name| value(fields, name).to_string();
        let residents = value(fields, "residents_attending");
        let residents = residents.parse::<u32>().map_err(|_| {
            FieldError::new(
                "residents_attending",
                "целое число жителей",
                "a whole number of residents",
            )
        })?;
        let mut p = (*self.base).clone();
        p.number = v("number");
        p.start_time = v("start_time");
        p.end_time = v("end_time");
        p.residents_attending = residents;
        p.information_given = v("information_given");
        p.members_present = picked_ids(fields, "members_present");
        Ok(Call::SaveProtocol(pb::SaveProtocolRequest {
            meeting_id: self.id,
            expected_version: self.version,
            protocol: Some(p),
        }))
    }

    fn done(&self) -> W {
        W::DoneProtocol
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Meeting(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Record a publication as done.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicationForm {
    /// The meeting.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
    /// Which publication.
    pub kind: pb::PublicationKind,
    /// Its drafted text (kept).
    pub draft: String,
}

impl FormSpec for PublicationForm {
    fn fields(&self, lang: Lang) -> Vec<Field> {
        vec![
            Field::new("place", W::FieldPlace, K::Line, true).with(lang.pick(
                "официальный сайт администрации",
                "the administration's website",
            )),
            Field::new("link", W::FieldLink, K::Line, false),
        ]
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let v = |name| value(fields, name).to_string();
        Ok(Call::RecordPublication(pb::RecordPublicationRequest {
            meeting_id: self.id,
            expected_version: self.version,
            publication: Some(pb::Publication {
                kind: self.kind as i32,
                draft_text: self.draft.clone(),
                published: true,
                place: v("place"),
                date: Some(validate::from_naive(ctx.today)),
                link: v("link"),
            }),
        }))
    }

    fn done(&self) -> W {
        W::DoneRecorded
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Meeting(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Record informing the residents as done.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InformingForm {
    /// The meeting.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
}

impl FormSpec for InformingForm {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("informing", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        vec![Field::new("method", W::FieldMethod, K::Text, true)]
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::RecordInforming(pb::RecordInformingRequest {
            meeting_id: self.id,
            expected_version: self.version,
            informing: Some(pb::InformingTask {
                done: true,
                method: value(fields, "method").to_string(),
                date: Some(validate::from_naive(ctx.today)),
                // Who recorded it is the server's: the caller.
                recorded_by: 0,
            }),
        }))
    }

    fn done(&self) -> W {
        W::DoneRecorded
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Meeting(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}
