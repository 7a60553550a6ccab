//! Statuses in a list's cell: one short label per status of each kind, so every list says them
//! the same way and in the room a cell has. Their full names (from `infogroups_shared::names`)
//! stay in the detail panes and in the line under the list.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;

/// An assignment status in a list's cell.
pub fn assignment(lang: Lang, status: pb::AssignmentStatus) -> &'static str {
    use pb::AssignmentStatus as S;
    let (ru, en) = match status {
        S::Unspecified => ("—", "—"),
        S::InProgress => ("В работе", "In progress"),
        S::ReportSubmitted => ("Есть отчёт", "Reported"),
        S::DoneOnTime => ("Исполнено", "Done"),
        S::DoneLate => ("С опозданием", "Done late"),
        S::Returned => ("Возвращено", "Returned"),
        S::Overdue => ("Просрочено", "Overdue"),
        S::Removed => ("Снято", "Removed"),
    };
    lang.pick(ru, en)
}

/// A meeting status in a list's cell.
pub fn meeting(lang: Lang, status: pb::MeetingStatus) -> &'static str {
    use pb::MeetingStatus as S;
    let (ru, en) = match status {
        S::Unspecified => ("—", "—"),
        S::Planned => ("Запланирована", "Planned"),
        S::VenueAgreed => ("Место есть", "Venue agreed"),
        S::Announced => ("Объявлена", "Announced"),
        S::Held => ("Проведена", "Held"),
        S::ProtocolDrafted => ("Проект прот.", "Draft minutes"),
        S::AwaitingSignature => ("На подписи", "To sign"),
        S::ProtocolSigned => ("Подписан", "Signed"),
        S::HandedOver => ("Передан", "Handed over"),
        S::ResultsPublished => ("Опубликовано", "Published"),
        S::Cancelled => ("Отменена", "Cancelled"),
    };
    lang.pick(ru, en)
}

/// A handed-over protocol the control sector has marked received, in a list's cell.
pub fn protocol_received(lang: Lang) -> &'static str {
    lang.pick("Получен", "Received")
}

/// An appeal status in a list's cell.
pub fn appeal(lang: Lang, status: pb::AppealStatus) -> &'static str {
    use pb::AppealStatus as A;
    let (ru, en) = match status {
        A::Unspecified => ("—", "—"),
        A::Registered => ("На рассмотр.", "Open"),
        A::Extended => ("Продлено", "Extended"),
        A::Forwarded => ("Направлено", "Forwarded"),
        A::Answered => ("Дан ответ", "Answered"),
        A::NoAnswerAnonymous => ("Без ответа", "No answer"),
        A::NoAnswerObscene => ("Без ответа", "No answer"),
        A::NoAnswerUnreadable => ("Без ответа", "No answer"),
        A::CorrespondenceStopped => ("Прекращено", "Stopped"),
        A::ReturnedCourt => ("Возвращено", "Returned"),
    };
    lang.pick(ru, en)
}

/// A reception question's result in a list's cell.
pub fn question_result(lang: Lang, result: pb::QuestionResult) -> &'static str {
    use pb::QuestionResult as R;
    let (ru, en) = match result {
        R::InProgress => ("На рассмотр.", "Open"),
        R::Explained => ("Разъяснено", "Explained"),
        R::Supported => ("Поддержано", "Supported"),
        R::MeasuresTaken => ("Меры приняты", "Acted on"),
        R::NotSupported => ("Не поддержано", "Not supported"),
        R::Forwarded => ("Направлено", "Forwarded"),
        R::Extended => ("Продлено", "Extended"),
    };
    lang.pick(ru, en)
}

#[cfg(test)]
mod tests {
    use infogroups_shared::names::Lang;
    use infogroups_shared::pb;

    use unicode_width::UnicodeWidthStr;

    /// The widest a short status may be: it must fit the narrow lists' status column.
    const MOST: usize = 13;

    #[test]
    fn every_short_status_fits_its_column() {
        for lang in [Lang::Ru, Lang::En] {
            for s in 0..=7 {
                let s = pb::AssignmentStatus::try_from(s).unwrap_or_default();
                assert!(super::assignment(lang, s).width() <= MOST, "{s:?}");
            }
            for s in 0..=9 {
                let s = pb::MeetingStatus::try_from(s).unwrap_or_default();
                assert!(super::meeting(lang, s).width() <= MOST, "{s:?}");
            }
            for s in 0..=9 {
                let s = pb::AppealStatus::try_from(s).unwrap_or_default();
                assert!(super::appeal(lang, s).width() <= MOST, "{s:?}");
            }
            for s in 0..=6 {
                let s = pb::QuestionResult::try_from(s).unwrap_or_default();
                assert!(super::question_result(lang, s).width() <= MOST, "{s:?}");
            }
        }
    }
}
