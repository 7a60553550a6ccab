//! The meeting's preparation forms (regulation 3.6.1–3.6.3, 3.6.6): the venue agreement, moving or cancelling it, the preparation checklist, the territory brief, and
//! an amendment to a signed protocol. Fields are named after the request's fields so the
//! server's errors land under the right one.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{
    Field, FieldKind as K, FormSpec, Target, choice_of, date_field, kept_as, user_id, value,
};

/// A preparation step on an existing meeting.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Prep {
    /// Record the venue agreement; `venues` are the choice's options.
    Venue {
        /// The venues offered (id, name).
        venues: Vec<(u64, String)>,
    },
    /// Announce the meeting (venue agreed, participants notified).
    Announce,
    /// Move to another date, time or venue.
    Move {
        /// The venues offered (id, name).
        venues: Vec<(u64, String)>,
    },
    /// Cancel, with the reason.
    Cancel,
    /// Tick the preparation checklist.
    Checklist {
        /// The items as they were (titles and who is responsible are kept).
        #[serde(with = "crate::ui::form_engine::kept::list")]
        items: Vec<pb::ChecklistItem>,
    },
    /// Edit the territory brief (its figures are kept as drafted).
    Brief {
        /// The brief as drafted or last saved.
        #[serde(with = "crate::ui::form_engine::kept::boxed")]
        base: Box<pb::Brief>,
    },
    /// Record an amendment to the signed protocol.
    Amend,
    /// Add a question raised at the meeting to the protocol (3.6.5).
    Question {
        /// The protocol as it was.
        #[serde(with = "crate::ui::form_engine::kept::boxed")]
        base: Box<pb::Protocol>,
    },
    /// Add a decision to the protocol.
    Decision {
        /// The protocol as it was.
        #[serde(with = "crate::ui::form_engine::kept::boxed")]
        base: Box<pb::Protocol>,
    },
    /// Invite an outside participant or change one's state (3.5.4, 3.8.2).
    Participant {
        /// The participants as they were.
        #[serde(with = "crate::ui::form_engine::kept::list")]
        existing: Vec<pb::Participant>,
        /// The outside organisations, as the choice offers them after «—».
        organisations: Vec<(u64, String)>,
    },
    /// Issue an assignment on one of the protocol's decisions (3.6.7).
    FromDecision {
        /// One id for every send of this form.
        request_id: String,
        /// The meeting's group.
        group_id: u64,
        /// The meeting's territory.
        territory_id: u64,
        /// The decisions' texts, in full (the choice shows them numbered and shortened).
        decisions: Vec<String>,
    },
}

impl Prep {
    /// A choice changed from option `before`: fields that follow it follow (an assignment's text
    /// follows the decision chosen, unless it was edited).
    pub fn chosen(&self, fields: &mut [Field], before: usize) {
        let Prep::FromDecision { decisions, .. } = self else {
            return;
        };
        let now = choice_of(fields, "basis.decision_index");
        let Some(text) = fields.iter_mut().find(|f| f.name == "text") else {
            return;
        };
        let untouched = text.input.text().trim().is_empty()
            || decisions
                .get(before)
                .is_some_and(|d| d == text.input.text());
        if untouched && let Some(d) = decisions.get(now) {
            text.input.set(d.clone());
        }
    }

    /// What to say when the step was recorded.
    fn done(&self) -> W {
        match self {
            Prep::Venue { .. } => W::DoneVenue,
            Prep::Announce => W::DoneAnnounced,
            Prep::Move { .. } => W::DoneMoved,
            Prep::Cancel => W::DoneCancelled,
            Prep::Checklist { .. } | Prep::Brief { .. } => W::DoneSavedMeeting,
            Prep::Amend => W::DoneAmended,
            Prep::Question { .. } => W::DoneQuestion,
            Prep::Decision { .. } => W::DoneDecision,
            Prep::FromDecision { .. } => W::DoneIssued,
            Prep::Participant { .. } => W::DoneParticipant,
        }
    }
}

/// A participant's states, as the choice offers them.
const PARTICIPANT_STATES: [pb::ParticipantStatus; 4] = [
    pb::ParticipantStatus::Invited,
    pb::ParticipantStatus::Confirmed,
    pb::ParticipantStatus::Declined,
    pb::ParticipantStatus::Attended,
];

fn participant_state_name(lang: Lang, s: pb::ParticipantStatus) -> &'static str {
    match s {
        pb::ParticipantStatus::Invited => lang.pick("приглашён", "invited"),
        pb::ParticipantStatus::Confirmed => lang.pick("подтвердил участие", "confirmed"),
        pb::ParticipantStatus::Declined => lang.pick("отказался", "declined"),
        pb::ParticipantStatus::Attended => lang.pick("присутствовал", "attended"),
        pb::ParticipantStatus::Unspecified => "—",
    }
}

/// How a participant is named in the choice.
pub fn participant_label(p: &pb::Participant, organisations: &[(u64, String)]) -> String {
    let org = organisations
        .iter()
        .find(|(id, _)| *id == p.organisation_id)
        .map(|(_, n)| n.as_str());
    match (p.name.trim(), org) {
        ("", Some(o)) => o.to_string(),
        (name, Some(o)) => format!("{name} ({o})"),
        (name, None) => name.to_string(),
    }
}

/// How a question was answered at the meeting, as the choice offers it.
const ANSWER_MODES: [pb::AnswerMode; 3] = [
    pb::AnswerMode::OnTheSpot,
    pb::AnswerMode::Explained,
    pb::AnswerMode::OnControl,
];

fn answer_mode_name(lang: Lang, m: pb::AnswerMode) -> &'static str {
    match m {
        pb::AnswerMode::OnTheSpot => lang.pick("ответ дан на месте", "answered on the spot"),
        pb::AnswerMode::Explained => lang.pick("дано разъяснение", "explained"),
        pb::AnswerMode::OnControl => lang.pick("взято на контроль", "taken on control"),
        pb::AnswerMode::Unspecified => "—",
    }
}

/// The agreement states offered, in order.
const AGREEMENT: [pb::AgreementStatus; 3] = [
    pb::AgreementStatus::Agreed,
    pb::AgreementStatus::Requested,
    pb::AgreementStatus::Refused,
];

/// The checklist's fields, one per item (the request names items by index).
pub const CHECK_FIELDS: [&str; 12] = [
    "items[0]",
    "items[1]",
    "items[2]",
    "items[3]",
    "items[4]",
    "items[5]",
    "items[6]",
    "items[7]",
    "items[8]",
    "items[9]",
    "items[10]",
    "items[11]",
];

fn agreement_name(lang: Lang, s: pb::AgreementStatus) -> &'static str {
    match s {
        pb::AgreementStatus::Agreed => lang.pick("согласовано", "agreed"),
        pb::AgreementStatus::Requested => lang.pick("запрошено", "requested"),
        pb::AgreementStatus::Refused => lang.pick("отказано", "refused"),
        pb::AgreementStatus::Unspecified => "—",
    }
}

/// A venue choice: «уточняется» first, then `venues`.
pub(super) fn venue_field(venues: &[(u64, String)], lang: Lang) -> Field {
    let mut options = vec![lang.pick("уточняется", "to be decided").to_string()];
    options.extend(venues.iter().map(|(_, n)| n.clone()));
    Field::choice("venue_id", W::FieldVenue, options)
}

/// The venue choice's option for the venue `id` (0: «уточняется»).
pub fn venue_option(venues: &[(u64, String)], id: u64) -> usize {
    venues
        .iter()
        .position(|(v, _)| *v == id)
        .map_or(0, |i| i + 1)
}

/// A recorded agreement state as people read it («согласовано»).
pub fn agreement_state(lang: Lang, status: i32) -> &'static str {
    agreement_name(
        lang,
        pb::AgreementStatus::try_from(status).unwrap_or_default(),
    )
}

/// The agreement choice's option for a recorded state.
pub fn agreement_option(status: i32) -> usize {
    AGREEMENT
        .iter()
        .position(|s| *s as i32 == status)
        .unwrap_or(0)
}

/// The venue chosen (0: «уточняется»).
pub(super) fn venue_of(fields: &[Field], venues: &[(u64, String)]) -> u64 {
    match choice_of(fields, "venue_id") {
        0 => 0,
        i => venues.get(i - 1).map_or(0, |(id, _)| *id),
    }
}

/// The fields of a preparation step (the meeting's current values are filled in by whoever
/// opens the form).
pub fn prep_fields(step: &Prep, lang: Lang) -> Vec<Field> {
    match step {
        Prep::Venue { venues } => vec![
            venue_field(venues, lang),
            Field::choice(
                "agreement.status",
                W::FieldAgreement,
                AGREEMENT
                    .iter()
                    .map(|s| agreement_name(lang, *s).to_string())
                    .collect(),
            ),
            Field::new("agreement.contact", W::FieldAgreedWith, K::Line, false),
            Field::new("agreement.date", W::FieldAgreedOn, K::Date, true),
            Field::new(
                "agreement.other_kind_reason",
                W::FieldOtherVenueReason,
                K::Line,
                false,
            ),
        ],
        Prep::Move { venues } => vec![
            Field::new("date", W::FieldMeetingDate, K::Date, true),
            Field::new("time", W::FieldMeetingTime, K::Line, true),
            venue_field(venues, lang),
            Field::new("reason", W::FieldReason, K::Text, true),
        ],
        Prep::Cancel => vec![Field::new("reason", W::FieldReason, K::Text, true)],
        Prep::Checklist { items } => items
            .iter()
            .zip(CHECK_FIELDS)
            .map(|(item, name)| {
                let mut f = Field::choice(
                    name,
                    W::FieldChecklistItem,
                    vec![
                        lang.pick("не готово", "not ready").to_string(),
                        lang.pick("готово", "ready").to_string(),
                    ],
                );
                f.choice = usize::from(item.done);
                f.caption = Some(if item.responsible.is_empty() {
                    item.title.clone()
                } else {
                    format!("{} ({})", item.title, item.responsible)
                });
                f
            })
            .collect(),
        Prep::Brief { base } => {
            vec![Field::new("brief.text", W::FieldBriefText, K::Text, true).with(base.text.clone())]
        }
        Prep::Amend => vec![Field::new("text", W::FieldAmendment, K::Text, true)],
        Prep::Announce => Vec::new(),
        Prep::Question { .. } => vec![
            Field::new("substance", W::FieldQuestion, K::Text, true),
            Field::new(
                "classifier_code",
                W::FieldClassifierCode,
                K::Classifier,
                true,
            ),
            Field::choice(
                "answer_mode",
                W::FieldAnswerMode,
                ANSWER_MODES
                    .iter()
                    .map(|m| answer_mode_name(lang, *m).to_string())
                    .collect(),
            ),
            Field::new("answer", W::FieldAnswerGiven, K::Text, false),
        ],
        Prep::Decision { .. } => vec![Field::new("text", W::FieldDecision, K::Text, true)],
        Prep::Participant {
            existing,
            organisations,
        } => {
            let mut who = vec![
                lang.pick("— новый участник —", "— a new participant —")
                    .to_string(),
            ];
            who.extend(existing.iter().map(|p| participant_label(p, organisations)));
            let mut orgs = vec!["—".to_string()];
            orgs.extend(organisations.iter().map(|(_, n)| n.clone()));
            vec![
                Field::choice("participant.index", W::FieldParticipant, who),
                Field::choice("participant.organisation_id", W::FieldOrganisation, orgs),
                Field::new("participant.name", W::FieldParticipantName, K::Line, false),
                Field::new(
                    "participant.position",
                    W::FieldParticipantPosition,
                    K::Line,
                    false,
                ),
                Field::choice(
                    "participant.status",
                    W::FieldParticipantState,
                    PARTICIPANT_STATES
                        .iter()
                        .map(|s| participant_state_name(lang, *s).to_string())
                        .collect(),
                ),
                Field::choice(
                    "participant.media",
                    W::FieldMedia,
                    vec![lang.pick("нет", "no").into(), lang.pick("да", "yes").into()],
                ),
            ]
        }
        Prep::FromDecision { decisions, .. } => vec![
            Field::choice(
                "basis.decision_index",
                W::FieldDecisionChoice,
                decisions
                    .iter()
                    .enumerate()
                    .map(|(i, d)| crate::ui::text::truncate(&format!("{}. {d}", i + 1), 60))
                    .collect(),
            ),
            Field::new("text", W::FieldAssignmentText, K::Text, true),
            Field::new("executor_id", W::FieldExecutor, K::Person, true),
            Field::new("deadline", W::FieldDeadline, K::Date, true).deadline(),
        ],
    }
}

/// The request of a preparation step on meeting `id` at `version`.
pub fn prep_call(
    step: &Prep,
    id: u64,
    version: u64,
    fields: &[Field],
    ctx: &Ctx<'_>,
) -> Result<Call, FieldError> {
    let meeting_id = id;
    let expected_version = version;
    Ok(match step {
        Prep::Venue { venues } => {
            let venue_id = venue_of(fields, venues);
            if venue_id == 0 {
                return Err(FieldError::new(
                    "venue_id",
                    "выберите место встречи",
                    "choose the venue",
                ));
            }
            let agreement = pb::VenueAgreement {
                status: AGREEMENT[choice_of(fields, "agreement.status").min(AGREEMENT.len() - 1)]
                    as i32,
                contact: value(fields, "agreement.contact").to_string(),
                date: Some(date_field(
                    "agreement.date",
                    value(fields, "agreement.date"),
                )?),
                other_kind_reason: value(fields, "agreement.other_kind_reason").to_string(),
            };
            infogroups_shared::meeting::check_agreement(&agreement)?;
            Call::SetVenueAgreement(pb::SetVenueAgreementRequest {
                meeting_id,
                expected_version,
                venue_id,
                agreement: Some(agreement),
            })
        }
        Prep::Announce => Call::Announce(pb::MeetingStepRequest {
            meeting_id,
            expected_version,
        }),
        Prep::Move { venues } => Call::MoveMeeting(pb::MoveMeetingRequest {
            meeting_id,
            expected_version,
            date: Some(date_field("date", value(fields, "date"))?),
            time: value(fields, "time").to_string(),
            venue_id: venue_of(fields, venues),
            reason: value(fields, "reason").to_string(),
        }),
        Prep::Cancel => Call::CancelMeeting(pb::CancelMeetingRequest {
            meeting_id,
            expected_version,
            reason: value(fields, "reason").to_string(),
        }),
        Prep::Checklist { items } => Call::SaveChecklist(pb::SaveChecklistRequest {
            meeting_id,
            expected_version,
            items: items
                .iter()
                .zip(CHECK_FIELDS)
                .map(|(item, name)| pb::ChecklistItem {
                    done: choice_of(fields, name) == 1,
                    ..item.clone()
                })
                .collect(),
        }),
        Prep::Brief { .. } => Call::SaveBrief(pb::SaveBriefRequest {
            meeting_id,
            expected_version,
            // Only the text is the secretary's; the server counts the figures as it saves.
            brief: Some(pb::Brief {
                text: value(fields, "brief.text").to_string(),
                ..Default::default()
            }),
        }),
        Prep::Amend => Call::AmendProtocol(pb::AmendProtocolRequest {
            meeting_id,
            expected_version,
            text: value(fields, "text").to_string(),
        }),
        Prep::Question { base } => {
            let mut p = (**base).clone();
            p.questions.push(pb::RaisedQuestion {
                substance: value(fields, "substance").to_string(),
                classifier_code: value(fields, "classifier_code").to_string(),
                answer_mode: ANSWER_MODES
                    [choice_of(fields, "answer_mode").min(ANSWER_MODES.len() - 1)]
                    as i32,
                answer: value(fields, "answer").to_string(),
                appeal_id: 0,
            });
            Call::SaveProtocol(pb::SaveProtocolRequest {
                meeting_id,
                expected_version,
                protocol: Some(p),
            })
        }
        Prep::Decision { base } => {
            let mut p = (**base).clone();
            p.decisions.push(pb::Decision {
                text: value(fields, "text").to_string(),
                assignment_ids: Vec::new(),
            });
            Call::SaveProtocol(pb::SaveProtocolRequest {
                meeting_id,
                expected_version,
                protocol: Some(p),
            })
        }
        Prep::Participant {
            existing,
            organisations,
        } => {
            // An existing participant keeps what the form leaves empty; the state is as chosen.
            let base = match choice_of(fields, "participant.index") {
                0 => pb::Participant::default(),
                i => existing.get(i - 1).cloned().unwrap_or_default(),
            };
            let organisation_id = match choice_of(fields, "participant.organisation_id") {
                0 => base.organisation_id,
                i => organisations.get(i - 1).map_or(0, |(id, _)| *id),
            };
            let keep = |name: &str, old: &str| {
                let v = value(fields, name);
                if v.is_empty() {
                    old.to_string()
                } else {
                    v.to_string()
                }
            };
            Call::SaveParticipant(pb::SaveParticipantRequest {
                meeting_id,
                expected_version,
                participant: Some(pb::Participant {
                    index: base.index,
                    organisation_id,
                    position: keep("participant.position", &base.position),
                    name: keep("participant.name", &base.name),
                    status: PARTICIPANT_STATES
                        [choice_of(fields, "participant.status").min(PARTICIPANT_STATES.len() - 1)]
                        as i32,
                    media: choice_of(fields, "participant.media") == 1,
                    notified_at_ms: base.notified_at_ms,
                    email: base.email.clone(),
                    phone: base.phone.clone(),
                }),
            })
        }
        Prep::FromDecision {
            request_id,
            group_id,
            territory_id,
            ..
        } => Call::CreateAssignment(pb::CreateAssignmentRequest {
            request_id: request_id.clone(),
            text: value(fields, "text").to_string(),
            kind: pb::AssignmentKind::Task as i32,
            basis: Some(pb::Basis {
                kind: pb::BasisKind::ProtocolDecision as i32,
                meeting_id,
                decision_index: u32::try_from(choice_of(fields, "basis.decision_index"))
                    .unwrap_or(0),
                ..Default::default()
            }),
            group_id: *group_id,
            territory_id: *territory_id,
            executor_id: user_id(ctx, "executor_id", value(fields, "executor_id"))?,
            deadline: Some(date_field("deadline", value(fields, "deadline"))?),
            ..Default::default()
        }),
    })
}

/// A preparation step on a meeting (venue, announcement, move, cancellation, checklist, brief,
/// amendment, a question or decision added, a participant, an assignment on a decision).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prepare {
    /// Which.
    pub step: Prep,
    /// The meeting.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
}

impl FormSpec for Prepare {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("prepare", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        prep_fields(&self.step, lang)
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        prep_call(&self.step, self.id, self.version, fields, ctx)
    }

    fn done(&self) -> W {
        self.step.done()
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Meeting(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }

    fn chosen(&self, fields: &mut [Field], before: usize) {
        self.step.chosen(fields, before);
    }
}
