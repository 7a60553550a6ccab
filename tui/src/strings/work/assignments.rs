//! The assignments' texts: their tabs, sorting, and the forms for deadlines, extensions and
//! new or delegated assignments.

use super::W;

/// The Russian and English text of `w`, if it is one of this area's.
pub(super) fn text(w: W) -> Option<(&'static str, &'static str)> {
    Some(match w {
        W::TabAssignments => ("Поручения", "Assignments"),
        W::TabAssignmentsShort => ("Поручения", "Tasks"),
        W::TabMine => ("Мои поручения", "My assignments"),
        W::TabMineShort => ("Мои", "Mine"),
        W::TabExtensions => ("Продления", "Extensions"),
        W::TabExtensionsShort => ("Продления", "Extensions"),
        W::TabOverdue => ("Просроченные", "Overdue"),
        W::TabOverdueShort => ("Просроч.", "Overdue"),
        W::OpenAssignments => ("Поручений на исполнении", "Open assignments"),
        W::AboutAssignment => ("Поручение", "Assignment"),
        W::Requested => ("Просьба о продлении", "Extension requested"),
        W::ExtensionTitle => ("Просьба о продлении срока", "Request an extension"),
        W::GrantTitle => ("Продлить срок", "Grant the extension"),
        W::DenyTitle => ("Отказать в продлении", "Refuse the extension"),
        W::IssueTitle => ("Новое поручение", "New assignment"),
        W::SubAssignTitle => ("Подпоручение", "Sub-assignment"),
        W::FieldNewDeadline => ("Новый срок (ДД.ММ.ГГГГ)", "New deadline (DD.MM.YYYY)"),
        W::FieldReason => ("Причина", "Reason"),
        W::FieldComment => ("Комментарий", "Comment"),
        W::FieldAssignmentText => ("Текст поручения", "Text"),
        W::FieldExecutor => (
            "Исполнитель (логин или фамилия)",
            "Executor (login or surname)",
        ),
        W::FieldDeadline => ("Срок (ДД.ММ.ГГГГ)", "Deadline (DD.MM.YYYY)"),
        W::DoneExtensionRequested => ("Просьба о продлении отправлена", "Extension requested"),
        W::DoneGranted => ("Срок продлён", "Extension granted"),
        W::DoneRefused => ("В продлении отказано", "Extension refused"),
        W::DoneIssued => ("Поручение выдано", "Assignment issued"),
        W::SortNumber => ("по номеру", "by number"),
        W::SortDeadline => ("по сроку", "by deadline"),
        W::SortExecutor => ("по исполнителю", "by executor"),
        W::SortGroup => ("по группе", "by group"),
        W::SortDepartment => ("по отделу", "by department"),
        _ => return None,
    })
}
