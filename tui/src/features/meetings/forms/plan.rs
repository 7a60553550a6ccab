//! Planning a meeting of a group, and entering one it held before the system (regulation
//! 3.6.1).

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use crate::features::meetings::forms::prep::{venue_field, venue_of};
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{
    Field, FieldKind as K, FormSpec, choice_of, date_field, kept_as, picked_ids, value,
};

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

/// The checklist of the group's people present at a meeting: `members` (id, shown), keyed by id.
pub fn members_checklist(members: &[(u64, String)]) -> Field {
    Field::checklist(
        "members_present",
        W::FieldMembersPresent,
        members
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect(),
    )
}

/// A meeting held before the system: when and where, its protocol, and the days it was signed
/// and handed over.
pub fn past_fields(
    territories: &[(u64, String)],
    venues: &[(u64, String)],
    members: &[(u64, String)],
    lang: Lang,
) -> Vec<Field> {
    let mut f = plan_fields(territories, venues, lang);
    f.extend([
        Field::new("number", W::FieldProtocolNumber, K::Line, true),
        Field::new("end_time", W::FieldEnd, K::Line, false),
        Field::new("residents_attending", W::FieldResidents, K::Line, true),
        members_checklist(members),
        Field::new("information_given", W::FieldInformation, K::Text, false),
        Field::new("signed_on", W::FieldSignedOn, K::Date, true),
        Field::new("handed_over_on", W::FieldHandedOverOn, K::Date, true),
    ]);
    f
}

/// The request entering a past meeting.
pub fn past_call(
    request_id: &str,
    group_id: u64,
    territories: &[(u64, String)],
    venues: &[(u64, String)],
    fields: &[Field],
) -> Result<pb::RecordPastMeetingRequest, FieldError> {
    let plan = plan_call(request_id, group_id, territories, venues, fields)?;
    let residents = value(fields, "residents_attending")
        .parse::<u32>()
        .map_err(|_| {
            FieldError::new(
                "residents_attending",
                "целое число жителей",
                "a whole number of residents",
            )
        })?;
    Ok(pb::RecordPastMeetingRequest {
        request_id: plan.request_id,
        group_id,
        territory_id: plan.territory_id,
        venue_id: plan.venue_id,
        date: plan.date,
        time: plan.time.clone(),
        protocol: Some(pb::Protocol {
            number: value(fields, "number").to_string(),
            start_time: plan.time,
            end_time: value(fields, "end_time").to_string(),
            residents_attending: residents,
            members_present: picked_ids(fields, "members_present"),
            information_given: value(fields, "information_given").to_string(),
            ..Default::default()
        }),
        signed_on: Some(date_field("signed_on", value(fields, "signed_on"))?),
        handed_over_on: Some(date_field(
            "handed_over_on",
            value(fields, "handed_over_on"),
        )?),
    })
}

/// Plan a meeting of a group.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanMeeting {
    /// One id for every send of this form.
    pub request_id: String,
    /// The group.
    pub group_id: u64,
    /// The group's territories, as the choice offers them.
    pub territories: Vec<(u64, String)>,
    /// The venues the choice offers after «уточняется».
    pub venues: Vec<(u64, String)>,
}

impl FormSpec for PlanMeeting {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("plan_meeting", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        plan_fields(&self.territories, &self.venues, lang)
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::PlanMeeting(plan_call(
            &self.request_id,
            self.group_id,
            &self.territories,
            &self.venues,
            fields,
        )?))
    }

    fn done(&self) -> W {
        W::DonePlanned
    }
}

/// Enter a meeting a group held before the system, after the fact.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PastMeeting {
    /// One id for every send of this form.
    pub request_id: String,
    /// The group.
    pub group_id: u64,
    /// The group's territories, as the choice offers them.
    pub territories: Vec<(u64, String)>,
    /// The venues the choice offers after «уточняется».
    pub venues: Vec<(u64, String)>,
    /// The group's people the checklist of those present offers (id, shown).
    pub members: Vec<(u64, String)>,
}

impl FormSpec for PastMeeting {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("past_meeting", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        past_fields(&self.territories, &self.venues, &self.members, lang)
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::RecordPastMeeting(past_call(
            &self.request_id,
            self.group_id,
            &self.territories,
            &self.venues,
            fields,
        )?))
    }

    fn done(&self) -> W {
        W::DonePastMeeting
    }
}
