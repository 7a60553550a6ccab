//! The names people see for the API's enums, in Russian and English.

use crate::pb;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Russian, the default.
    #[default]
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Picks the string for this language.
    pub fn pick<'a>(self, ru: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }
}

/// The name of a role.
pub fn role(lang: Lang, role: pb::Role) -> &'static str {
    use pb::Role as R;
    let (ru, en) = match role {
        R::Unspecified => ("—", "—"),
        R::Administrator => ("Администратор", "Administrator"),
        R::Head => ("Глава Администрации", "Head of administration"),
        R::ControlSector => ("Контрольно-организационный сектор", "Control sector"),
        R::GeneralDepartment => ("Общий отдел", "General department"),
        R::PopulationDepartment => (
            "Отдел по работе с населением",
            "Population-relations department",
        ),
        R::GroupLeader => ("Руководитель группы", "Group leader"),
        R::GroupSecretary => ("Секретарь группы", "Group secretary"),
        R::GroupMember => ("Член группы", "Group member"),
        R::Executor => ("Исполнитель", "Executor"),
        R::PersonalDataOfficer => (
            "Ответственный за персональные данные",
            "Personal-data officer",
        ),
    };
    lang.pick(ru, en)
}

/// The name of an assignment status.
pub fn assignment_status(lang: Lang, status: pb::AssignmentStatus) -> &'static str {
    use pb::AssignmentStatus as S;
    let (ru, en) = match status {
        S::Unspecified => ("—", "—"),
        S::InProgress => ("На исполнении", "In progress"),
        S::ReportSubmitted => ("Отчёт представлен", "Report submitted"),
        S::DoneOnTime => ("Исполнено в срок", "Done on time"),
        S::DoneLate => ("Исполнено с нарушением срока", "Done late"),
        S::Returned => ("Возвращено на доработку", "Returned for rework"),
        S::Overdue => ("Просрочено", "Overdue"),
        S::Removed => ("Снято с контроля", "Removed from control"),
    };
    lang.pick(ru, en)
}

/// The name of a meeting status.
pub fn meeting_status(lang: Lang, status: pb::MeetingStatus) -> &'static str {
    use pb::MeetingStatus as S;
    let (ru, en) = match status {
        S::Unspecified => ("—", "—"),
        S::Planned => ("Запланирована", "Planned"),
        S::VenueAgreed => ("Место согласовано", "Venue agreed"),
        S::Announced => ("Объявлена", "Announced"),
        S::Held => ("Проведена", "Held"),
        S::ProtocolDrafted => ("Протокол составлен", "Protocol drafted"),
        S::AwaitingSignature => ("Протокол на подписи", "Protocol awaiting signature"),
        S::ProtocolSigned => ("Протокол подписан", "Protocol signed"),
        S::HandedOver => ("Протокол передан", "Protocol handed over"),
        S::ResultsPublished => ("Итоги опубликованы", "Results published"),
        S::Cancelled => ("Отменена", "Cancelled"),
    };
    lang.pick(ru, en)
}

/// The name of an appeal channel.
pub fn channel(lang: Lang, c: pb::Channel) -> &'static str {
    use pb::Channel as C;
    let (ru, en) = match c {
        C::Unspecified => ("—", "—"),
        C::Post => ("Письменное, почтой", "Written, by post"),
        C::InPerson => ("Письменное, лично", "Written, in person"),
        C::Reception => ("Устное, личный приём", "Oral, personal reception"),
        C::FieldMeeting => ("Устное, выездная встреча", "Oral, field meeting"),
        C::Epgu => ("ЕПГУ / ПОС", "EPGU / POS"),
        C::Site => ("Сайт / ИС органа", "The body's site"),
        C::Other => ("Иное", "Other"),
    };
    lang.pick(ru, en)
}

/// The name of an appeal kind.
pub fn appeal_kind(lang: Lang, k: pb::AppealKind) -> &'static str {
    use pb::AppealKind as K;
    let (ru, en) = match k {
        K::Unspecified => ("—", "—"),
        K::Proposal => ("Предложение", "Proposal"),
        K::Application => ("Заявление", "Application"),
        K::Complaint => ("Жалоба", "Complaint"),
    };
    lang.pick(ru, en)
}

/// The name of a territory kind.
pub fn territory_kind(lang: Lang, k: pb::TerritoryKind) -> &'static str {
    use pb::TerritoryKind as K;
    let (ru, en) = match k {
        K::Unspecified => ("—", "—"),
        K::Microdistrict => ("микрорайон", "microdistrict"),
        K::Settlement => ("посёлок", "settlement"),
        K::Other => ("другое", "other"),
    };
    lang.pick(ru, en)
}

/// The name of an outside organisation's kind.
pub fn organisation_kind(lang: Lang, k: pb::OrganisationKind) -> &'static str {
    use pb::OrganisationKind as K;
    let (ru, en) = match k {
        K::Unspecified => ("—", "—"),
        K::Duma => ("Городская Дума", "City Duma"),
        K::Prosecutor => ("прокуратура", "prosecutor's office"),
        K::Police => ("ОМВД", "police"),
        K::Media => ("СМИ", "media"),
        K::Utility => (
            "управляющая или ресурсная организация",
            "utility or management company",
        ),
        K::Other => ("другое", "other"),
    };
    lang.pick(ru, en)
}

/// The name of a venue kind.
pub fn venue_kind(lang: Lang, k: pb::VenueKind) -> &'static str {
    use pb::VenueKind as K;
    let (ru, en) = match k {
        K::Unspecified => ("—", "—"),
        K::Education => ("образовательное учреждение", "school"),
        K::Culture => ("учреждение культуры", "cultural venue"),
        K::Other => ("другое", "other"),
    };
    lang.pick(ru, en)
}

/// The name of a question's type as ССТУ counts it.
pub fn question_type(lang: Lang, t: pb::QuestionType) -> &'static str {
    use pb::QuestionType as T;
    let (ru, en) = match t {
        T::Unspecified => ("—", "—"),
        T::Proposal => ("Предложение", "Proposal"),
        T::Application => ("Заявление", "Application"),
        T::Complaint => ("Жалоба", "Complaint"),
        T::NotAppeal => ("Не обращение", "Not an appeal"),
        T::InfoRequest => ("Запрос информации", "Request for information"),
        T::Request => ("Запрос", "Request"),
        T::ProsecutorRequest => ("Запрос прокуратуры", "Prosecutor's request"),
        T::OralMessage => ("Устное сообщение", "Oral message"),
        T::Corruption => ("Сообщение о коррупции", "Corruption report"),
    };
    lang.pick(ru, en)
}

/// The name of a question's result as ССТУ counts it.
pub fn question_result(lang: Lang, r: pb::QuestionResult) -> &'static str {
    use pb::QuestionResult as R;
    let (ru, en) = match r {
        R::InProgress => ("Находится на рассмотрении", "Under consideration"),
        R::Explained => ("Рассмотрено. Разъяснено", "Considered. Explained"),
        R::Supported => ("Рассмотрено. Поддержано", "Considered. Supported"),
        R::MeasuresTaken => (
            "Рассмотрено. Поддержано. Меры приняты",
            "Considered. Supported. Measures taken",
        ),
        R::NotSupported => ("Рассмотрено. Не поддержано", "Considered. Not supported"),
        R::Forwarded => ("Направлено по компетенции", "Forwarded"),
        R::Extended => ("Рассмотрение продлено", "Extended"),
    };
    lang.pick(ru, en)
}

/// What a deadline rule does, as the appeal card and the settings say it.
pub fn non_working_rule(lang: Lang, r: pb::NonWorkingRule) -> &'static str {
    use pb::NonWorkingRule as R;
    let (ru, en) = match r {
        R::Unspecified => ("—", "—"),
        R::Previous => (
            "последний день на выходном — предыдущий рабочий день",
            "a last day off work moves to the previous working day",
        ),
        R::Next => (
            "последний день на выходном — следующий рабочий день",
            "a last day off work moves to the next working day",
        ),
        R::Unchanged => (
            "последний день не переносится",
            "the last day stays where it falls",
        ),
    };
    lang.pick(ru, en)
}

/// The name of an appeal status.
pub fn appeal_status(lang: Lang, s: pb::AppealStatus) -> &'static str {
    use pb::AppealStatus as A;
    let (ru, en) = match s {
        A::Unspecified => ("—", "—"),
        A::Registered => ("На рассмотрении", "Under consideration"),
        A::Extended => ("Срок продлён", "Extended"),
        A::Forwarded => ("Направлено по компетенции", "Forwarded"),
        A::Answered => ("Дан ответ", "Answered"),
        A::NoAnswerAnonymous => (
            "Без ответа: нет фамилии или адреса",
            "No answer: no name or address",
        ),
        A::NoAnswerObscene => (
            "Без ответа по существу: оскорбления",
            "No answer on the merits: obscene",
        ),
        A::NoAnswerUnreadable => (
            "Без ответа: не поддаётся прочтению",
            "No answer: unreadable",
        ),
        A::CorrespondenceStopped => ("Переписка прекращена", "Correspondence stopped"),
        A::ReturnedCourt => (
            "Возвращено: обжалование судебного решения",
            "Returned: challenges a court decision",
        ),
    };
    lang.pick(ru, en)
}

/// The label of a notification kind, as the list and the settings show it.
pub fn notification_kind(lang: Lang, k: pb::NotificationKind) -> &'static str {
    use pb::NotificationKind as K;
    let (ru, en) = match k {
        K::Unspecified => ("уведомление", "notice"),
        K::NewAssignment => ("новое поручение", "new assignment"),
        K::Reminder => ("срок приближается", "deadline near"),
        K::Overdue => ("срок истёк", "overdue"),
        K::ExtensionRequested => ("просьба о продлении", "extension asked"),
        K::ExtensionDecided => ("решение о продлении", "extension decided"),
        K::ReportSubmitted => ("отчёт представлен", "report submitted"),
        K::ReportAccepted => ("отчёт принят", "report accepted"),
        K::ReportReturned => ("отчёт возвращён", "report returned"),
        K::RemovedFromControl => ("снято с контроля", "off control"),
        K::WorkResumed => ("работа возобновлена", "work resumed"),
        K::Meeting => ("выездная встреча", "field meeting"),
        K::QuarterAtRisk => ("квартальный минимум", "quarterly minimum"),
        K::Digest => ("сводка сроков", "deadline digest"),
        K::ProtocolForSignature => ("протокол на подпись", "protocol to sign"),
        K::ProtocolSigned => ("протокол подписан", "protocol signed"),
        K::ProtocolHandedOver => ("протокол передан", "protocol handed over"),
        K::ProtocolReceived => ("протокол получен", "protocol received"),
        K::ProtocolReturned => ("протокол возвращён", "protocol returned"),
        K::ProtocolLate => ("протокол не передан в срок", "protocol late"),
        K::BackupFailed => ("сбой резервной копии", "backup failed"),
    };
    lang.pick(ru, en)
}

/// Whether a person may turn a kind of notification off: a failed backup always reaches the
/// administrators, whose duty it is to act on it.
pub fn notification_optional(k: pb::NotificationKind) -> bool {
    !matches!(
        k,
        pb::NotificationKind::BackupFailed | pb::NotificationKind::Unspecified
    )
}

/// A person's name as a signature block prints it (ГОСТ Р 7.0.97-2016, requisite 22): initials
/// before the surname, no space between the initials, «С.И. Новиков». Takes the directory's
/// «Новиков Сергей Иванович», «Новиков С. И.» or «Новиков С.И.»; a name of one word stays as it is.
pub fn signature_name(full_name: &str) -> String {
    let mut words = full_name.split_whitespace();
    let Some(surname) = words.next() else {
        return String::new();
    };
    let initials: String = words
        .flat_map(|w| w.split('.'))
        .filter_map(|part| part.chars().next())
        .filter(|c| c.is_alphabetic())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect();
    if initials.is_empty() {
        surname.to_string()
    } else {
        format!("{initials} {surname}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_both_names() {
        for r in 1..=9 {
            let r = pb::Role::try_from(r).unwrap_or_default();
            assert_ne!(role(Lang::Ru, r), "—");
            assert_ne!(role(Lang::En, r), role(Lang::Ru, r));
        }
    }

    #[test]
    fn every_notification_kind_has_its_own_label() {
        let mut seen = std::collections::HashSet::new();
        for k in 1..=20 {
            let k = pb::NotificationKind::try_from(k).unwrap_or_default();
            assert_ne!(k, pb::NotificationKind::Unspecified);
            assert!(seen.insert(notification_kind(Lang::Ru, k)), "{k:?}");
            assert_ne!(
                notification_kind(Lang::En, k),
                notification_kind(Lang::Ru, k)
            );
        }
        assert!(
            pb::NotificationKind::try_from(21).is_err(),
            "a new kind needs a label test"
        );
        assert!(!notification_optional(pb::NotificationKind::BackupFailed));
        assert!(notification_optional(pb::NotificationKind::Reminder));
    }

    #[test]
    fn signature_names_put_the_initials_first_without_spaces() {
        for (full, want) in [
            ("Новиков Сергей Иванович", "С.И. Новиков"),
            ("Новиков С. И.", "С.И. Новиков"),
            ("Новиков С.И.", "С.И. Новиков"),
            ("  Петрова   Анна  ", "А. Петрова"),
            ("Администратор", "Администратор"),
            ("", ""),
        ] {
            assert_eq!(signature_name(full), want, "{full}");
        }
    }
}
