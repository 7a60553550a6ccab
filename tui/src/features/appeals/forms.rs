//! The appeal forms: registering a written appeal, recording its answer, extending its deadline,
//! forwarding it, and closing it without an answer on the merits.
//! The server checks everything again (59-FZ rules, the classifier, personal data); the fields
//! are named after the request's fields so its errors land under the right one.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;
use tonic::Code;

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{
    Field, FieldKind as K, FormSpec, Target, choice_of, date_field, group_by_number, kept_as, value,
};

/// The channels offered, in order.
const CHANNELS: [pb::Channel; 7] = [
    pb::Channel::Post,
    pb::Channel::InPerson,
    pb::Channel::Reception,
    pb::Channel::FieldMeeting,
    pb::Channel::Epgu,
    pb::Channel::Site,
    pb::Channel::Other,
];

/// The kinds offered.
const KINDS: [pb::AppealKind; 3] = [
    pb::AppealKind::Application,
    pb::AppealKind::Complaint,
    pb::AppealKind::Proposal,
];

/// The question types offered.
pub(super) const TYPES: [pb::QuestionType; 9] = [
    pb::QuestionType::Application,
    pb::QuestionType::Complaint,
    pb::QuestionType::Proposal,
    pb::QuestionType::InfoRequest,
    pb::QuestionType::Request,
    pb::QuestionType::ProsecutorRequest,
    pb::QuestionType::OralMessage,
    pb::QuestionType::Corruption,
    pb::QuestionType::NotAppeal,
];

/// The results an answer can give a question (the ones still open are not answers).
pub const RESULTS: [pb::QuestionResult; 4] = [
    pb::QuestionResult::Explained,
    pb::QuestionResult::Supported,
    pb::QuestionResult::MeasuresTaken,
    pb::QuestionResult::NotSupported,
];

/// The answer form's result fields, one per question (named as the server names them); an
/// appeal with more questions gives the rest the last field's result.
pub const RESULT_FIELDS: [&str; 8] = [
    "results[0]",
    "results[1]",
    "results[2]",
    "results[3]",
    "results[4]",
    "results[5]",
    "results[6]",
    "results[7]",
];

/// The question's type, chosen among [`TYPES`].
pub(super) fn question_type_field(name: &'static str, lang: Lang) -> Field {
    let types = TYPES
        .iter()
        .map(|t| names::question_type(lang, *t).to_string())
        .collect();
    Field::choice(name, W::FieldQuestionType, types)
}

/// The registration form's fields. `territories` are the choice's options after «—».
pub fn register_fields(territories: &[(u64, String)], lang: Lang) -> Vec<Field> {
    let options = |names: Vec<&str>| names.into_iter().map(str::to_string).collect();
    let mut territory = vec!["—".to_string()];
    territory.extend(territories.iter().map(|(_, n)| n.clone()));
    vec![
        Field::new("received", W::FieldReceived, K::Date, true),
        Field::choice(
            "channel",
            W::FieldChannel,
            options(CHANNELS.iter().map(|c| names::channel(lang, *c)).collect()),
        ),
        Field::choice(
            "kind",
            W::FieldAppealKind,
            options(KINDS.iter().map(|k| names::appeal_kind(lang, *k)).collect()),
        ),
        Field::choice("territory_id", W::FieldTerritory, territory),
        Field::new("group_id", W::FieldAppealGroup, K::Line, false),
        Field::new(
            "classifier_code",
            W::FieldClassifierCode,
            K::Classifier,
            true,
        ),
        question_type_field("type", lang),
        Field::choice(
            "anonymous",
            W::FieldAnonymous,
            options(vec![W::No.get(lang), W::Yes.get(lang)]),
        ),
        Field::new("surname", W::FieldSurname, K::Line, false),
        Field::new("first_name", W::FieldFirstName, K::Line, false),
        Field::new("patronymic", W::FieldPatronymic, K::Line, false),
        Field::new("postal_address", W::FieldAddress, K::Line, false),
        Field::new("text", W::FieldAppealText, K::Text, true),
    ]
}

/// The answer form's fields for an appeal of `questions` questions.
pub fn answer_fields(questions: usize, lang: Lang) -> Vec<Field> {
    let mut fields = vec![
        Field::new("date", W::FieldAnswerDate, K::Date, true),
        Field::new("signed_by", W::FieldSignedBy, K::Line, true),
        Field::new("sent_via", W::FieldSentVia, K::Line, true).with(lang.pick("почтой", "by post")),
        Field::new("summary", W::FieldSummary, K::Text, true),
    ];
    let results: Vec<String> = RESULTS
        .iter()
        .map(|r| names::question_result(lang, *r).to_string())
        .collect();
    for name in RESULT_FIELDS.iter().take(questions.max(1)) {
        fields.push(Field::choice(name, W::FieldQuestionResult, results.clone()));
    }
    fields
}

/// The registration request from the form.
pub fn register_call(
    request_id: &str,
    territories: &[(u64, String)],
    repeated_confirmed: bool,
    fields: &[Field],
    ctx: &Ctx<'_>,
) -> Result<Call, FieldError> {
    let v = |name| value(fields, name).to_string();
    let anonymous = choice_of(fields, "anonymous") == 1;
    if !anonymous && v("surname").is_empty() {
        return Err(FieldError::new(
            "surname",
            "укажите фамилию или отметьте обращение анонимным",
            "give the surname or mark the appeal anonymous",
        ));
    }
    if !anonymous && v("postal_address").is_empty() {
        return Err(FieldError::new(
            "postal_address",
            "нужен адрес, по которому направить ответ",
            "an address to send the answer to is needed",
        ));
    }
    let group = value(fields, "group_id");
    let group_id = if group.is_empty() {
        0
    } else {
        group_by_number(ctx, "group_id", group)?
    };
    let territory_id = match choice_of(fields, "territory_id") {
        0 => 0,
        i => territories.get(i - 1).map_or(0, |(id, _)| *id),
    };
    let citizen = (!anonymous).then(|| pb::Citizen {
        surname: v("surname"),
        first_name: v("first_name"),
        patronymic: v("patronymic"),
        postal_address: v("postal_address"),
        ..Default::default()
    });
    let appeal = pb::Appeal {
        received: Some(date_field("received", value(fields, "received"))?),
        channel: CHANNELS[choice_of(fields, "channel") % CHANNELS.len()] as i32,
        kind: KINDS[choice_of(fields, "kind") % KINDS.len()] as i32,
        territory_id,
        group_id,
        questions: vec![pb::AppealQuestion {
            classifier_code: v("classifier_code"),
            r#type: TYPES[choice_of(fields, "type") % TYPES.len()] as i32,
            ..Default::default()
        }],
        citizen,
        anonymous,
        text: v("text"),
        ..Default::default()
    };
    Ok(Call::RegisterAppeal(Box::new(pb::RegisterAppealRequest {
        request_id: request_id.to_string(),
        appeal: Some(appeal),
        repeated_confirmed,
    })))
}

/// The answer request from the form.
pub fn answer_call(
    id: u64,
    version: u64,
    questions: usize,
    fields: &[Field],
) -> Result<Call, FieldError> {
    let chosen: Vec<i32> = RESULT_FIELDS
        .iter()
        .take(questions.max(1))
        .map(|name| RESULTS[choice_of(fields, name) % RESULTS.len()] as i32)
        .collect();
    let last = chosen.last().copied().unwrap_or_default();
    let results = (0..questions)
        .map(|i| chosen.get(i).copied().unwrap_or(last))
        .collect();
    Ok(Call::AnswerAppeal(pb::AnswerAppealRequest {
        appeal_id: id,
        expected_version: version,
        answer: Some(pb::AppealAnswer {
            date: Some(date_field("date", value(fields, "date"))?),
            signed_by: value(fields, "signed_by").to_string(),
            sent_via: value(fields, "sent_via").to_string(),
            summary: value(fields, "summary").to_string(),
            on_time: false,
        }),
        results,
    }))
}

/// The extension's fields: days, the reason, the day the applicant was told (today by default).
pub fn extend_fields() -> Vec<Field> {
    vec![
        Field::new("days", W::FieldExtendDays, K::Line, true).with("30"),
        Field::new("reason", W::FieldReason, K::Text, true),
        Field::new("notice_date", W::FieldNoticeDate, K::Date, true),
    ]
}

/// The art. 11 outcomes offered, in order.
pub const SPECIAL: [pb::AppealStatus; 5] = [
    pb::AppealStatus::NoAnswerAnonymous,
    pb::AppealStatus::NoAnswerObscene,
    pb::AppealStatus::NoAnswerUnreadable,
    pb::AppealStatus::CorrespondenceStopped,
    pb::AppealStatus::ReturnedCourt,
];

/// Forwarding to the body competent to answer (59-FZ art. 8 p. 3).
pub fn forward_fields() -> Vec<Field> {
    vec![
        Field::new("forwarding.body", W::FieldForwardTo, K::Line, true),
        Field::new("forwarding.date", W::FieldForwardedOn, K::Date, true),
        Field::new("forwarding.notice_date", W::FieldNoticeDate, K::Date, true),
    ]
}

/// The forwarding from the form.
pub fn forward_call(id: u64, version: u64, fields: &[Field]) -> Result<Call, FieldError> {
    Ok(Call::ForwardAppeal(pb::ForwardAppealRequest {
        appeal_id: id,
        expected_version: version,
        forwarding: Some(pb::Forwarding {
            body: value(fields, "forwarding.body").to_string(),
            date: Some(date_field(
                "forwarding.date",
                value(fields, "forwarding.date"),
            )?),
            notice_date: Some(date_field(
                "forwarding.notice_date",
                value(fields, "forwarding.notice_date"),
            )?),
            on_time: false,
        }),
    }))
}

/// Closing without an answer on the merits (59-FZ art. 11).
pub fn special_fields(lang: Lang) -> Vec<Field> {
    vec![
        Field::choice(
            "outcome",
            W::FieldOutcome,
            SPECIAL
                .iter()
                .map(|s| names::appeal_status(lang, *s).to_string())
                .collect(),
        ),
        Field::new("reason", W::FieldSpecialReason, K::Text, true),
        // What art. 11 asks of each outcome; the server checks them against the appeal.
        Field::new("notice_date", W::FieldSpecialNotice, K::Date, false),
        Field::choice("reports_offence", W::FieldReportsOffence, yes_no(lang)),
        Field::choice("no_new_arguments", W::FieldNoNewArguments, yes_no(lang)),
        Field::choice("address_readable", W::FieldAddressReadable, yes_no(lang)),
    ]
}

/// «нет» / «да», in that order (the choice's index is the answer).
fn yes_no(lang: Lang) -> Vec<String> {
    vec![W::No.get(lang).to_string(), W::Yes.get(lang).to_string()]
}

/// The closing from the form.
pub fn special_call(id: u64, version: u64, fields: &[Field]) -> Result<Call, FieldError> {
    let notice = match value(fields, "notice_date") {
        "" => None,
        text => Some(date_field("notice_date", text)?),
    };
    Ok(Call::CloseSpecial(pb::CloseSpecialRequest {
        appeal_id: id,
        expected_version: version,
        outcome: SPECIAL[choice_of(fields, "outcome").min(SPECIAL.len() - 1)] as i32,
        reason: value(fields, "reason").to_string(),
        notice_date: notice,
        reports_offence: choice_of(fields, "reports_offence") == 1,
        no_new_arguments: choice_of(fields, "no_new_arguments") == 1,
        address_readable: choice_of(fields, "address_readable") == 1,
    }))
}

/// The extension from the form, granted by the user.
pub fn extend_call(id: u64, version: u64, fields: &[Field]) -> Result<Call, FieldError> {
    let days = value(fields, "days")
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=30).contains(d))
        .ok_or_else(|| FieldError::new("days", "от 1 до 30 дней", "1 to 30 days"))?;
    Ok(Call::ExtendAppeal(pb::ExtendAppealRequest {
        appeal_id: id,
        expected_version: version,
        extension: Some(pb::AppealExtension {
            days,
            reason: value(fields, "reason").to_string(),
            notice_date: Some(date_field("notice_date", value(fields, "notice_date"))?),
            // Who granted it and the new date are the server's.
            ..Default::default()
        }),
    }))
}

/// Register a written appeal.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RegisterAppeal {
    /// One id for every send of this form, so a resend after a lost answer is not a second
    /// appeal.
    pub request_id: String,
    /// The territories the choice offers after «—».
    pub territories: Vec<(u64, String)>,
    /// The user confirmed it is a repeated appeal (the server asked).
    pub repeated_confirmed: bool,
}

impl FormSpec for RegisterAppeal {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("register_appeal", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        register_fields(&self.territories, lang)
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        register_call(
            &self.request_id,
            &self.territories,
            self.repeated_confirmed,
            fields,
            ctx,
        )
    }

    fn done(&self) -> W {
        W::DoneRegistered
    }

    fn refused(&mut self, code: Code) -> Option<W> {
        // The server suspects a repeated appeal and says so; the next Enter confirms it.
        (code == Code::FailedPrecondition).then(|| {
            self.repeated_confirmed = true;
            W::RepeatedHint
        })
    }
}

/// Record an appeal's answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AnswerAppeal {
    /// The appeal.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
    /// How many questions it has (one result each).
    pub questions: usize,
}

impl FormSpec for AnswerAppeal {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("answer_appeal", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        answer_fields(self.questions, lang)
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        answer_call(self.id, self.version, self.questions, fields)
    }

    fn done(&self) -> W {
        W::DoneAnswered
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Appeal(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Extend an appeal's answer deadline (the head, 59-FZ art. 12 p. 2).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExtendAppeal {
    /// The appeal.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
}

impl FormSpec for ExtendAppeal {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("extend_appeal", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        extend_fields()
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        extend_call(self.id, self.version, fields)
    }

    fn done(&self) -> W {
        W::DoneExtended
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Appeal(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Forward an appeal to the body competent to answer it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ForwardAppeal {
    /// The appeal.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
}

impl FormSpec for ForwardAppeal {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("forward_appeal", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        forward_fields()
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        forward_call(self.id, self.version, fields)
    }

    fn done(&self) -> W {
        W::DoneForwarded
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Appeal(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Close an appeal without an answer on the merits (art. 11).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CloseSpecial {
    /// The appeal.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
}

impl FormSpec for CloseSpecial {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("close_special", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        special_fields(lang)
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        special_call(self.id, self.version, fields)
    }

    fn done(&self) -> W {
        W::DoneClosedSpecial
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Appeal(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}
