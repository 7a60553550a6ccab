//! The meeting's preparation forms (regulation 3.6.1–3.6.3, 3.6.6): planning a meeting, the
//! venue agreement, moving or cancelling it, the preparation checklist, the territory brief, and
//! an amendment to a signed protocol. Fields are named after the request's fields so the
//! server's errors land under the right one.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use super::form::{Field, FieldKind as K, choice_of, date_field, value};
use crate::strings::work::W;

/// A preparation step on an existing meeting.
#[derive(Debug, Clone, PartialEq)]
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
        items: Vec<pb::ChecklistItem>,
    },
    /// Edit the territory brief (its figures are kept as drafted).
    Brief {
        /// The brief as drafted or last saved.
        base: Box<pb::Brief>,
    },
    /// Record an amendment to the signed protocol.
    Amend,
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
fn venue_field(venues: &[(u64, String)], lang: Lang) -> Field {
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

/// The agreement choice's option for a recorded state.
pub fn agreement_option(status: i32) -> usize {
    AGREEMENT
        .iter()
        .position(|s| *s as i32 == status)
        .unwrap_or(0)
}

fn venue_of(fields: &[Field], venues: &[(u64, String)]) -> u64 {
    match choice_of(fields, "venue_id") {
        0 => 0,
        i => venues.get(i - 1).map_or(0, |(id, _)| *id),
    }
}

/// The planning form: date, time, one of the group's territories, the venue if known.
pub fn plan_fields(
    territories: &[(u64, String)],
    venues: &[(u64, String)],
    lang: Lang,
) -> Vec<Field> {
    vec![
        Field::new("date", W::FieldMeetingDate, K::Date, true),
        Field::new("time", W::FieldMeetingTime, K::Line, true).with("18:00"),
        Field::choice(
            "territory_id",
            W::FieldTerritory,
            territories.iter().map(|(_, n)| n.clone()).collect(),
        ),
        venue_field(venues, lang),
    ]
}

/// The planning request.
pub fn plan_call(
    request_id: &str,
    group_id: u64,
    territories: &[(u64, String)],
    venues: &[(u64, String)],
    fields: &[Field],
) -> Result<pb::PlanMeetingRequest, FieldError> {
    let territory_id = territories
        .get(choice_of(fields, "territory_id"))
        .map(|(id, _)| *id)
        .ok_or_else(|| {
            FieldError::new(
                "territory_id",
                "у группы нет территорий — их задаёт администратор",
                "the group serves no territory; the administrator sets them",
            )
        })?;
    Ok(pb::PlanMeetingRequest {
        request_id: request_id.to_string(),
        group_id,
        territory_id,
        venue_id: venue_of(fields, venues),
        date: Some(date_field("date", value(fields, "date"))?),
        time: value(fields, "time").to_string(),
    })
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
    }
}

/// What a preparation step sends.
pub enum PrepRequest {
    /// The venue agreement.
    Venue(pb::SetVenueAgreementRequest),
    /// The announcement.
    Announce(pb::MeetingStepRequest),
    /// The move.
    Move(pb::MoveMeetingRequest),
    /// The cancellation.
    Cancel(pb::CancelMeetingRequest),
    /// The checklist.
    Checklist(pb::SaveChecklistRequest),
    /// The brief.
    Brief(pb::SaveBriefRequest),
    /// The amendment.
    Amend(pb::AmendProtocolRequest),
}

/// The request of a preparation step on meeting `id` at `version`.
pub fn prep_call(
    step: &Prep,
    id: u64,
    version: u64,
    fields: &[Field],
) -> Result<PrepRequest, FieldError> {
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
            PrepRequest::Venue(pb::SetVenueAgreementRequest {
                meeting_id,
                expected_version,
                venue_id,
                agreement: Some(pb::VenueAgreement {
                    status: AGREEMENT
                        [choice_of(fields, "agreement.status").min(AGREEMENT.len() - 1)]
                        as i32,
                    contact: value(fields, "agreement.contact").to_string(),
                    date: Some(date_field(
                        "agreement.date",
                        value(fields, "agreement.date"),
                    )?),
                    other_kind_reason: value(fields, "agreement.other_kind_reason").to_string(),
                }),
            })
        }
        Prep::Announce => PrepRequest::Announce(pb::MeetingStepRequest {
            meeting_id,
            expected_version,
        }),
        Prep::Move { venues } => PrepRequest::Move(pb::MoveMeetingRequest {
            meeting_id,
            expected_version,
            date: Some(date_field("date", value(fields, "date"))?),
            time: value(fields, "time").to_string(),
            venue_id: venue_of(fields, venues),
            reason: value(fields, "reason").to_string(),
        }),
        Prep::Cancel => PrepRequest::Cancel(pb::CancelMeetingRequest {
            meeting_id,
            expected_version,
            reason: value(fields, "reason").to_string(),
        }),
        Prep::Checklist { items } => PrepRequest::Checklist(pb::SaveChecklistRequest {
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
        Prep::Brief { base } => PrepRequest::Brief(pb::SaveBriefRequest {
            meeting_id,
            expected_version,
            brief: Some(pb::Brief {
                text: value(fields, "brief.text").to_string(),
                ..(**base).clone()
            }),
        }),
        Prep::Amend => PrepRequest::Amend(pb::AmendProtocolRequest {
            meeting_id,
            expected_version,
            text: value(fields, "text").to_string(),
        }),
    })
}
