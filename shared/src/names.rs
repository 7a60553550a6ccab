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
        S::ProtocolSigned => ("Протокол подписан", "Protocol signed"),
        S::HandedOver => ("Протокол передан", "Protocol handed over"),
        S::ResultsPublished => ("Итоги опубликованы", "Results published"),
        S::Cancelled => ("Отменена", "Cancelled"),
    };
    lang.pick(ru, en)
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
}
