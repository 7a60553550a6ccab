//! Request validation shared by the server (which enforces it) and the client (which shows the
//! same messages inline). A failed check names the field and says what is wrong in Russian and
//! English; it travels as gRPC `InvalidArgument` with `BadRequest` and `LocalizedMessage` details.

use chrono::NaiveDate;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::calendar::DecreeYear;
use crate::pb;

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {en}")]
pub struct FieldError {
    /// The field's path in the request, e.g. `grant.group_id`.
    pub field: String,
    /// What is wrong, in Russian.
    pub ru: String,
    /// What is wrong, in English.
    pub en: String,
}

impl FieldError {
    /// A new field error.
    pub fn new(field: impl Into<String>, ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            ru: ru.into(),
            en: en.into(),
        }
    }

    /// The gRPC status: `InvalidArgument`, English message, with the field and the Russian text as
    /// error details.
    pub fn to_status(&self) -> Status {
        let mut details = ErrorDetails::with_bad_request_violation(&self.field, &self.en);
        details.set_localized_message("ru-RU", &self.ru);
        Status::with_error_details(
            Code::InvalidArgument,
            format!("{}: {}", self.field, self.en),
            details,
        )
    }

    /// Reads a field error back from a status, if it carries one.
    pub fn from_status(status: &Status) -> Option<Self> {
        if status.code() != Code::InvalidArgument {
            return None;
        }
        let details = status.get_error_details();
        let violation = details.bad_request()?.field_violations.first()?.clone();
        let ru = details
            .localized_message()
            .map(|m| m.message.clone())
            .unwrap_or_else(|| violation.description.clone());
        Some(Self::new(violation.field, ru, violation.description))
    }
}

impl From<FieldError> for Status {
    fn from(e: FieldError) -> Self {
        e.to_status()
    }
}

/// The longest single-line text accepted (names, titles).
pub const MAX_LINE: usize = 300;

/// Converts an API calendar year into the calendar's own form, naming the first bad field (the
/// server checks what the administrator enters with it; the client loads the server's years).
pub fn decree_year(y: &pb::CalendarYear) -> Result<DecreeYear, FieldError> {
    let dates = |field: &str, list: &[pb::Date]| -> Result<Vec<NaiveDate>, FieldError> {
        list.iter()
            .enumerate()
            .map(|(i, d)| date(&format!("{field}[{i}]"), Some(d)))
            .collect()
    };
    required_line("decree", &y.decree, MAX_LINE)?;
    let decree = DecreeYear {
        year: y.year,
        days_off: dates("days_off", &y.days_off)?,
        working_weekends: dates("working_weekends", &y.working_weekends)?,
        decree: y.decree.clone(),
    };
    decree
        .validate()
        .map_err(|e| FieldError::new("days_off", e.to_string(), e.to_string()))?;
    Ok(decree)
}
/// The longest multi-line text accepted (reports, briefs, protocols' items).
pub const MAX_TEXT: usize = 20_000;

/// Caps on repeated fields, chosen from real use with a wide margin (a field meeting hears a few
/// dozen questions; a group has about ten people; an assignment a handful of co-executors). They
/// keep one request, one stored entity and one event small, whatever a client sends.
pub mod caps {
    /// Co-executors of one assignment.
    pub const CO_EXECUTORS: usize = 20;
    /// Questions raised at one meeting.
    pub const PROTOCOL_QUESTIONS: usize = 200;
    /// Decisions of one meeting.
    pub const PROTOCOL_DECISIONS: usize = 100;
    /// Reception cards listed in one protocol.
    pub const PROTOCOL_CARDS: usize = 200;
    /// Members present at one meeting (a group is about ten people).
    pub const MEMBERS_PRESENT: usize = 100;
    /// Invited participants present at one meeting.
    pub const PARTICIPANTS_PRESENT: usize = 200;
    /// Questions of one appeal.
    pub const APPEAL_QUESTIONS: usize = 50;
    /// Members of one group.
    pub const GROUP_MEMBERS: usize = 100;
    /// Territories of one group.
    pub const GROUP_TERRITORIES: usize = 100;
    /// Roles of one account.
    pub const ROLES: usize = 20;
    /// Invited participants of one meeting.
    pub const PARTICIPANTS: usize = 200;
    /// Amendments to one signed protocol.
    pub const AMENDMENTS: usize = 100;
    /// Times one protocol is returned by the control sector.
    pub const PROTOCOL_RETURNS: usize = 20;
    /// Items of one meeting's checklist.
    pub const CHECKLIST: usize = 100;
    /// Characters of all the texts of one protocol together.
    pub const PROTOCOL_TEXT: usize = 200_000;
}

/// Refuses a repeated field longer than `max`.
pub fn at_most(field: &str, len: usize, max: usize) -> Result<(), FieldError> {
    if len > max {
        return Err(FieldError::new(
            field,
            format!("не более {max} элементов"),
            format!("at most {max} items"),
        ));
    }
    Ok(())
}

/// Bidirectional overrides and isolates, and zero-width characters: they make a name display as
/// something other than what it is (a name must read as it is stored).
fn deceptive(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{180E}')
}

/// A name (of a person, a group, a place): a line without bidi overrides or zero-width
/// characters.
pub fn name_line(field: &str, value: &str, max: usize, required: bool) -> Result<(), FieldError> {
    if required {
        required_line(field, value, max)?;
    } else {
        optional_line(field, value, max)?;
    }
    if value.chars().any(deceptive) {
        return Err(FieldError::new(
            field,
            "содержит невидимые символы или символы смены направления текста",
            "contains invisible or text-direction characters",
        ));
    }
    Ok(())
}

/// A required single line of text: not blank, no control characters, at most `max` characters.
pub fn required_line(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, "обязательное поле", "is required"));
    }
    optional_line(field, value, max)
}

/// An optional single line of text: no control characters, at most `max` characters.
pub fn optional_line(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("не длиннее {max} символов"),
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "содержит управляющие символы",
            "contains control characters",
        ));
    }
    Ok(())
}

/// Free text: line breaks and tabs allowed, other control characters not, at most `max` characters.
pub fn text(field: &str, value: &str, required: bool, max: usize) -> Result<(), FieldError> {
    if required && value.trim().is_empty() {
        return Err(FieldError::new(field, "обязательное поле", "is required"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("не длиннее {max} символов"),
            format!("must be at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(FieldError::new(
            field,
            "содержит управляющие символы",
            "contains control characters",
        ));
    }
    Ok(())
}

/// A login name: 3–32 characters of latin letters, digits, `.`, `_`, `-`.
pub fn username(field: &str, value: &str) -> Result<(), FieldError> {
    let ok_len = (3..=32).contains(&value.len());
    let ok_chars = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok_len && ok_chars {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "3–32 символа: латинские буквы, цифры, «.», «_», «-»",
            "3–32 characters: latin letters, digits, '.', '_', '-'",
        ))
    }
}

/// A password: at least 8 and at most 256 characters.
pub fn password(field: &str, value: &str) -> Result<(), FieldError> {
    let n = value.chars().count();
    if n < 8 {
        return Err(FieldError::new(
            field,
            "не короче 8 символов",
            "must be at least 8 characters",
        ));
    }
    if n > 256 {
        return Err(FieldError::new(
            field,
            "не длиннее 256 символов",
            "must be at most 256 characters",
        ));
    }
    Ok(())
}

/// A password a person chooses: the length rules of [`password`], not built from the account's
/// own names (`user_inputs`: the user name, the full name), and hard to guess — `zxcvbn` must
/// estimate at least 10^10 guesses (its score 3), which refuses common passwords, keyboard walks,
/// dates and dictionary words with digits.
pub fn password_policy(field: &str, value: &str, user_inputs: &[&str]) -> Result<(), FieldError> {
    password(field, value)?;
    let lower = value.to_lowercase();
    let inputs: Vec<&str> = user_inputs
        .iter()
        .flat_map(|i| std::iter::once(*i).chain(i.split_whitespace()))
        .filter(|i| i.chars().count() >= 3)
        .collect();
    if inputs.iter().any(|i| lower.contains(&i.to_lowercase())) {
        return Err(FieldError::new(
            field,
            "пароль не должен содержать имя пользователя",
            "the password must not contain the user's name",
        ));
    }
    if zxcvbn::zxcvbn(value, &inputs).score() < zxcvbn::Score::Three {
        return Err(FieldError::new(
            field,
            "пароль слишком легко подобрать: возьмите фразу из нескольких слов",
            "the password is too easy to guess: use a phrase of several words",
        ));
    }
    Ok(())
}

/// A client-made request id for creates: required, at most 64 printable characters.
pub fn request_id(field: &str, value: &str) -> Result<(), FieldError> {
    required_line(field, value, 64)
}

/// A required reference to another entity.
pub fn id(field: &str, value: u64) -> Result<(), FieldError> {
    if value == 0 {
        Err(FieldError::new(field, "не выбрано", "is required"))
    } else {
        Ok(())
    }
}

/// A required, valid calendar date.
pub fn date(field: &str, value: Option<&pb::Date>) -> Result<NaiveDate, FieldError> {
    let Some(d) = value else {
        return Err(FieldError::new(
            field,
            "обязательная дата",
            "date is required",
        ));
    };
    to_naive(d).ok_or_else(|| {
        FieldError::new(
            field,
            "несуществующая дата",
            "is not a valid date between 2000 and 2100",
        )
    })
}

/// A period whose both ends are valid dates and whose end is not before its start.
pub fn date_range(field: &str, r: &pb::DateRange) -> Result<(NaiveDate, NaiveDate), FieldError> {
    let from = date(&format!("{field}.from"), r.from.as_ref())?;
    let to = date(&format!("{field}.to"), r.to.as_ref())?;
    if from > to {
        return Err(FieldError::new(
            format!("{field}.to"),
            "конец периода раньше начала",
            "ends before it starts",
        ));
    }
    Ok((from, to))
}

/// An optional period: absent means no limit.
pub fn optional_range(
    field: &str,
    r: Option<&pb::DateRange>,
) -> Result<Option<(NaiveDate, NaiveDate)>, FieldError> {
    r.map(|r| date_range(field, r)).transpose()
}

/// A value of a generated enum that is known and not `UNSPECIFIED`.
pub fn known_enum<T: TryFrom<i32>>(field: &str, value: i32) -> Result<(), FieldError> {
    if value == 0 || T::try_from(value).is_err() {
        return Err(FieldError::new(
            field,
            "выберите значение из списка",
            "must be one of the listed values",
        ));
    }
    Ok(())
}

/// A role grant: a known role; a group for group roles and none for the others.
pub fn grant(field: &str, value: Option<&pb::RoleGrant>) -> Result<pb::RoleGrant, FieldError> {
    let Some(g) = value else {
        return Err(FieldError::new(
            field,
            "роль не указана",
            "role is required",
        ));
    };
    let role = pb::Role::try_from(g.role)
        .ok()
        .filter(|r| *r != pb::Role::Unspecified)
        .ok_or_else(|| {
            FieldError::new(
                format!("{field}.role"),
                "неизвестная роль",
                "is not a known role",
            )
        })?;
    if is_group_role(role) && g.group_id == 0 {
        return Err(FieldError::new(
            format!("{field}.group_id"),
            "для роли в группе нужна группа",
            "a group role needs a group",
        ));
    }
    if !is_group_role(role) && g.group_id != 0 {
        return Err(FieldError::new(
            format!("{field}.group_id"),
            "эта роль не относится к группе",
            "this role is not a group role",
        ));
    }
    Ok(*g)
}

/// Whether a role is held within one group (leader, secretary, member).
pub fn is_group_role(role: pb::Role) -> bool {
    matches!(
        role,
        pb::Role::GroupLeader | pb::Role::GroupSecretary | pb::Role::GroupMember
    )
}

/// Converts an API date to a chrono date, refusing impossible dates and years outside 2000–2100.
pub fn to_naive(d: &pb::Date) -> Option<NaiveDate> {
    if !(2000..=2100).contains(&d.year) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        d.year,
        u32::try_from(d.month).ok()?,
        u32::try_from(d.day).ok()?,
    )
}

/// Converts a chrono date to an API date.
pub fn from_naive(d: NaiveDate) -> pb::Date {
    use chrono::Datelike;
    pb::Date {
        year: d.year(),
        month: i32::try_from(d.month()).unwrap_or_default(),
        day: i32::try_from(d.day()).unwrap_or_default(),
    }
}

/// Refuses a change of `name`, a field the client gave when the record was made and may not
/// change afterwards (an appeal's group, meeting and day of receipt, a card's group): the stored
/// value sent back passes, anything else is refused rather than silently kept.
pub fn unchanged<T: PartialEq>(name: &str, sent: &T, stored: &T) -> Result<(), FieldError> {
    if sent == stored {
        return Ok(());
    }
    Err(FieldError::new(
        name,
        "это поле после создания записи не меняется: отправьте прежнее значение",
        "this field does not change once the record exists: send the stored value",
    ))
}

/// The fields the server fills and a client must leave empty: identities and versions, numbers,
/// statuses set by transitions, computed dates and deadlines, who signed or granted and when,
/// reports recorded as people make them, links the server makes, and the depersonalised mark.
/// Taking them as sent would let a client forge history (a report nobody wrote, a signature
/// nobody gave); dropping them silently would hide that the client is wrong. So each is refused
/// unless it is empty — or, when the request changes a stored record, exactly the stored value,
/// because a client edits what it read and sends it back whole.
pub mod owned {
    use super::FieldError;
    use crate::pb;

    /// Refuses `sent` unless it is the default or, on a change, equal to `stored`.
    pub fn field<T: PartialEq + Default>(
        name: &str,
        sent: &T,
        stored: Option<&T>,
    ) -> Result<(), FieldError> {
        among(name, sent, [stored])
    }

    /// Refuses `sent` unless it is the default or one of the values the server gave out.
    fn among<'a, T: PartialEq + Default + 'a>(
        name: &str,
        sent: &T,
        given: impl IntoIterator<Item = Option<&'a T>>,
    ) -> Result<(), FieldError> {
        if *sent == T::default() || given.into_iter().any(|g| g == Some(sent)) {
            return Ok(());
        }
        Err(FieldError::new(
            name,
            "это поле заполняет сервер: оставьте его пустым",
            "this field is the server's to fill: leave it empty",
        ))
    }

    /// An entity's metadata. Its id names the record a save changes (0 creates), so only a
    /// create must leave it 0; the version a change expects travels in `expected_version`.
    pub fn meta(
        name: &str,
        sent: Option<&pb::Meta>,
        stored: Option<&pb::Meta>,
    ) -> Result<(), FieldError> {
        let Some(m) = sent else {
            return Ok(());
        };
        let s = stored;
        if s.is_none() {
            field(&format!("{name}.id"), &m.id, None)?;
        }
        field(
            &format!("{name}.version"),
            &m.version,
            s.map(|s| &s.version),
        )?;
        field(
            &format!("{name}.created_at_ms"),
            &m.created_at_ms,
            s.map(|s| &s.created_at_ms),
        )?;
        field(
            &format!("{name}.updated_at_ms"),
            &m.updated_at_ms,
            s.map(|s| &s.updated_at_ms),
        )?;
        field(
            &format!("{name}.created_by"),
            &m.created_by,
            s.map(|s| &s.created_by),
        )?;
        field(
            &format!("{name}.archived"),
            &m.archived,
            s.map(|s| &s.archived),
        )
    }

    /// An appeal sent to `RegisterAppeal` (`stored` none) or `UpdateAppeal`. On a change the
    /// depersonalised mark is the one the caller's copy came with (its citizen withheld), so
    /// only a registration must leave it unset.
    pub fn appeal(a: &pb::Appeal, stored: Option<&pb::Appeal>) -> Result<(), FieldError> {
        let s = stored;
        meta(
            "appeal.meta",
            a.meta.as_ref(),
            s.and_then(|s| s.meta.as_ref()),
        )?;
        field("appeal.number", &a.number, s.map(|s| &s.number))?;
        field("appeal.registered", &a.registered, s.map(|s| &s.registered))?;
        field(
            "appeal.late_registration",
            &a.late_registration,
            s.map(|s| &s.late_registration),
        )?;
        field(
            "appeal.reception_card_id",
            &a.reception_card_id,
            s.map(|s| &s.reception_card_id),
        )?;
        if s.is_none() {
            field("appeal.depersonalised", &a.depersonalised, None)?;
        }
        field("appeal.status", &a.status, s.map(|s| &s.status))?;
        field("appeal.due", &a.due, s.map(|s| &s.due))?;
        field("appeal.due_rule", &a.due_rule, s.map(|s| &s.due_rule))?;
        field("appeal.extensions", &a.extensions, s.map(|s| &s.extensions))?;
        field("appeal.forwarding", &a.forwarding, s.map(|s| &s.forwarding))?;
        field("appeal.answer", &a.answer, s.map(|s| &s.answer))?;
        field(
            "appeal.assignment_ids",
            &a.assignment_ids,
            s.map(|s| &s.assignment_ids),
        )?;
        field("appeal.overdue", &a.overdue, s.map(|s| &s.overdue))?;
        for (i, q) in a.questions.iter().enumerate() {
            let was = s.and_then(|s| s.questions.get(i)).map(|q| &q.result);
            field(&format!("appeal.questions[{i}].result"), &q.result, was)?;
        }
        Ok(())
    }

    /// A reception card sent to `SaveReceptionCard`: `stored` is the card it changes.
    pub fn reception_card(
        c: &pb::ReceptionCard,
        stored: Option<&pb::ReceptionCard>,
    ) -> Result<(), FieldError> {
        let s = stored;
        meta(
            "card.meta",
            c.meta.as_ref(),
            s.and_then(|s| s.meta.as_ref()),
        )?;
        if s.is_none() {
            field("card.depersonalised", &c.depersonalised, None)?;
        }
        field("card.appeal_id", &c.appeal_id, s.map(|s| &s.appeal_id))?;
        field(
            "card.assignment_id",
            &c.assignment_id,
            s.map(|s| &s.assignment_id),
        )
    }

    /// An extension sent to `ExtendAppeal`: who granted it and the new date are the server's.
    pub fn appeal_extension(e: &pb::AppealExtension) -> Result<(), FieldError> {
        field("extension.granted_by", &e.granted_by, None)?;
        field("extension.new_due", &e.new_due, None)
    }

    /// A forwarding sent to `ForwardAppeal`: whether it was in time is computed.
    pub fn forwarding(f: &pb::Forwarding) -> Result<(), FieldError> {
        field("forwarding.on_time", &f.on_time, None)
    }

    /// An answer sent to `AnswerAppeal`: whether it was in time is computed.
    pub fn answer(a: &pb::AppealAnswer) -> Result<(), FieldError> {
        field("answer.on_time", &a.on_time, None)
    }

    /// A co-executor of `CreateAssignment`: their report and its time are recorded when they
    /// report.
    pub fn co_executor(i: usize, c: &pb::CoExecutor) -> Result<(), FieldError> {
        field(&format!("co_executors[{i}].report"), &c.report, None)?;
        field(
            &format!("co_executors[{i}].reported_at_ms"),
            &c.reported_at_ms,
            None,
        )
    }

    /// A group sent to `CreateGroup` or `UpdateGroup`.
    pub fn group(g: &pb::Group, stored: Option<&pb::Group>) -> Result<(), FieldError> {
        meta(
            "group.meta",
            g.meta.as_ref(),
            stored.and_then(|s| s.meta.as_ref()),
        )
    }

    /// A calendar year sent to `SaveCalendarYear`: only the built-in years are official data.
    pub fn calendar_year(y: &pb::CalendarYear) -> Result<(), FieldError> {
        field("built_in", &y.built_in, None)
    }

    /// A participant sent to `SaveParticipant`: `stored` is the one of the same index.
    pub fn participant(
        p: &pb::Participant,
        stored: Option<&pb::Participant>,
    ) -> Result<(), FieldError> {
        field(
            "participant.notified_at_ms",
            &p.notified_at_ms,
            stored.map(|s| &s.notified_at_ms),
        )
    }

    /// A brief sent to `SaveBrief`: its figures are counted by the server when it is saved, so
    /// they may come back only as the stored brief has them or as `drafted` (what the server
    /// counts now: the draft the client was shown).
    pub fn brief(
        b: &pb::Brief,
        drafted: &pb::Brief,
        stored: Option<&pb::Brief>,
    ) -> Result<(), FieldError> {
        let s = stored;
        among(
            "brief.open_appeals",
            &b.open_appeals,
            [Some(&drafted.open_appeals), s.map(|s| &s.open_appeals)],
        )?;
        among(
            "brief.open_assignments",
            &b.open_assignments,
            [
                Some(&drafted.open_assignments),
                s.map(|s| &s.open_assignments),
            ],
        )?;
        among(
            "brief.top_topics",
            &b.top_topics,
            [Some(&drafted.top_topics), s.map(|s| &s.top_topics)],
        )?;
        field(
            "brief.saved_at_ms",
            &b.saved_at_ms,
            s.map(|s| &s.saved_at_ms),
        )
    }

    /// Informing sent to `RecordInforming`: who recorded it is the caller.
    pub fn informing(i: &pb::InformingTask) -> Result<(), FieldError> {
        field("informing.recorded_by", &i.recorded_by, None)
    }

    /// A protocol sent to `SaveProtocol` (`stored`: the draft it replaces) or
    /// `RecordPastMeeting` (none): the signature, the amendments and the decisions' links to
    /// assignments are the server's.
    pub fn protocol(p: &pb::Protocol, stored: Option<&pb::Protocol>) -> Result<(), FieldError> {
        let s = stored;
        field("protocol.signed_by", &p.signed_by, s.map(|s| &s.signed_by))?;
        field(
            "protocol.signed_at_ms",
            &p.signed_at_ms,
            s.map(|s| &s.signed_at_ms),
        )?;
        field(
            "protocol.amendments",
            &p.amendments,
            s.map(|s| &s.amendments),
        )?;
        field("protocol.sent_by", &p.sent_by, s.map(|s| &s.sent_by))?;
        field(
            "protocol.sent_at_ms",
            &p.sent_at_ms,
            s.map(|s| &s.sent_at_ms),
        )?;
        for (i, d) in p.decisions.iter().enumerate() {
            let was = s
                .and_then(|s| s.decisions.get(i))
                .map(|d| &d.assignment_ids);
            field(
                &format!("protocol.decisions[{i}].assignment_ids"),
                &d.assignment_ids,
                was,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_and_ones_built_from_the_name_are_refused() {
        for weak in [
            "12345678",
            "password",
            "qwertyuiop",
            "ivanov2026",
            "Ivanov-Ivanov",
        ] {
            assert!(
                password_policy("p", weak, &["ivanov", "Иван Иванов"]).is_err(),
                "{weak} accepted"
            );
        }
        assert!(password_policy("p", "admin", &["admin"]).is_err());
        assert!(password_policy("p", "Терриконы над Несветаем 42", &["ivanov"]).is_ok());
    }

    #[test]
    fn bidi_overrides_and_zero_width_characters_are_refused_in_names() {
        assert!(name_line("n", "Иванов", 50, true).is_ok());
        for bad in [
            "Ива\u{202E}нов",
            "Ива\u{200B}нов",
            "\u{2066}Иванов",
            "Ива\u{FEFF}нов",
        ] {
            assert!(name_line("n", bad, 50, true).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_field_fixed_at_creation_passes_only_as_stored() {
        assert!(unchanged("appeal.group_id", &7u64, &7).is_ok());
        let e = unchanged("appeal.group_id", &0u64, &7).expect_err("a change");
        assert_eq!(e.field, "appeal.group_id");
        assert!(
            unchanged(
                "appeal.received",
                &None::<pb::Date>,
                &Some(pb::Date::default())
            )
            .is_err()
        );
    }

    proptest::proptest! {
        #[test]
        fn a_repeated_field_passes_exactly_up_to_its_cap(len in 0usize..500, cap in 0usize..300) {
            proptest::prop_assert_eq!(at_most("f", len, cap).is_ok(), len <= cap);
        }

        #[test]
        fn a_line_passes_exactly_up_to_its_length(n in 0usize..700) {
            let s = "я".repeat(n);
            proptest::prop_assert_eq!(optional_line("f", &s, MAX_LINE).is_ok(), n <= MAX_LINE);
        }
    }

    #[test]
    fn blank_and_control_characters_are_refused() {
        assert!(required_line("name", "  ", 10).is_err());
        assert!(required_line("name", "a\u{7}b", 10).is_err());
        assert!(required_line("name", "Иванов", 10).is_ok());
        assert!(required_line("name", "абвгдеёжзий", 10).is_err());
        assert!(text("t", "строка\nещё", true, 100).is_ok());
        assert!(text("t", "a\u{0}", false, 100).is_err());
    }

    #[test]
    fn usernames_and_passwords() {
        assert!(username("u", "secretary.1").is_ok());
        assert!(username("u", "ab").is_err());
        assert!(username("u", "иванов").is_err());
        assert!(password("p", "short").is_err());
        assert!(password("p", "long enough").is_ok());
    }

    #[test]
    fn dates_must_exist() {
        let bad = pb::Date {
            year: 2026,
            month: 2,
            day: 30,
        };
        assert!(date("d", Some(&bad)).is_err());
        assert!(date("d", None).is_err());
        let good = pb::Date {
            year: 2026,
            month: 2,
            day: 28,
        };
        assert_eq!(
            date("d", Some(&good)).ok(),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
    }

    #[test]
    fn grants_need_a_group_exactly_for_group_roles() {
        let g = |role: pb::Role, group_id| pb::RoleGrant {
            role: role as i32,
            group_id,
        };
        assert!(grant("g", Some(&g(pb::Role::GroupLeader, 0))).is_err());
        assert!(grant("g", Some(&g(pb::Role::GroupLeader, 3))).is_ok());
        assert!(grant("g", Some(&g(pb::Role::Head, 3))).is_err());
        assert!(grant("g", Some(&g(pb::Role::Unspecified, 0))).is_err());
        assert!(
            grant(
                "g",
                Some(&pb::RoleGrant {
                    role: 99,
                    group_id: 0
                })
            )
            .is_err()
        );
    }

    #[test]
    fn a_server_owned_field_passes_empty_or_as_stored_and_nothing_else() {
        assert!(owned::field("f", &0u64, None).is_ok());
        assert!(owned::field("f", &7u64, Some(&7)).is_ok());
        assert_eq!(
            owned::field("f", &7u64, None).map_err(|e| e.field),
            Err("f".to_string())
        );
        assert!(owned::field("f", &7u64, Some(&8)).is_err());
        let forged = pb::Appeal {
            questions: vec![pb::AppealQuestion {
                result: pb::QuestionResult::Supported as i32,
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(
            owned::appeal(&forged, None).map_err(|e| e.field),
            Err("appeal.questions[0].result".to_string())
        );
        assert!(owned::appeal(&forged, Some(&forged)).is_ok());
        let created = pb::Meta {
            id: 3,
            ..Default::default()
        };
        assert!(owned::meta("m", Some(&created), None).is_err());
        assert!(owned::meta("m", Some(&created), Some(&created)).is_ok());
    }

    #[test]
    fn field_errors_round_trip_through_a_status() {
        let e = FieldError::new("grant.role", "неизвестная роль", "is not a known role");
        let back = FieldError::from_status(&e.to_status());
        assert_eq!(back, Some(e));
    }
}

/// The longest e-mail address accepted (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

/// An optional e-mail address: empty, or `local@domain.tld` with no spaces or control characters.
pub fn email(field: &str, value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        return Ok(());
    }
    let bad = || {
        FieldError::new(
            field,
            "адрес электронной почты вида имя@домен.ru",
            "an e-mail address like name@domain.org",
        )
    };
    if value.chars().count() > MAX_EMAIL
        || value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"()[]\\".contains(c))
    {
        return Err(bad());
    }
    let (local, domain) = value.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.contains('@')
        && domain.split('.').all(|label| !label.is_empty());
    if local.is_empty() || !domain_ok {
        return Err(bad());
    }
    Ok(())
}

/// An optional phone number: digits with `+`, spaces, `-` and brackets, 5 to 20 digits.
pub fn phone(field: &str, value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        return Ok(());
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if allowed && (5..=20).contains(&digits) && value.chars().count() <= 32 {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "номер телефона: цифры, +, -, пробелы и скобки, от 5 до 20 цифр",
            "a phone number: digits, +, -, spaces and brackets, 5 to 20 digits",
        ))
    }
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    #[test]
    fn addresses_and_phones_are_checked_and_name_their_field() {
        for ok in ["", "ivanova@novoshakhtinsk.ru", "a.b+c@mail.example.org"] {
            assert!(email("email", ok).is_ok(), "{ok}");
        }
        for bad in [
            "ivanova", "@x.ru", "a@x", "a@@x.ru", "a b@x.ru", "a@x..ru", "<a@x.ru>",
        ] {
            assert!(
                email("participant.email", bad).is_err_and(|e| e.field == "participant.email"),
                "{bad}"
            );
        }
        for ok in ["", "+7 (86369) 2-15-40", "88636921540"] {
            assert!(phone("phone", ok).is_ok(), "{ok}");
        }
        for bad in ["123", "звоните", "+7 863 69 21 54 0 1 2 3 4 5 6 7 8 9 0"] {
            assert!(phone("participant.phone", bad).is_err(), "{bad}");
        }
    }
}
