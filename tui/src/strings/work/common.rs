//! The texts every list shares: empty lists, common columns, yes and no, the notifications tab.

use super::W;

/// The Russian and English text of `w`, if it is one of this area's.
pub(super) fn text(w: W) -> Option<(&'static str, &'static str)> {
    Some(match w {
        W::TabNotifications => ("Уведомления", "Notifications"),
        W::Empty => ("Записей нет", "Nothing here"),
        W::EmptyNotifications => ("Уведомлений нет", "No notifications"),
        W::ColDate => ("Дата", "Date"),
        W::ColGroupNo => ("Гр.", "Gr."),
        W::ColStatus => ("Статус", "Status"),
        W::ColDue => ("Срок", "Due"),
        W::ColState => ("Состояние", "State"),
        W::ColNumber => ("Номер", "Number"),
        W::ColKind => ("Вид", "Kind"),
        W::ColText => ("Текст", "Text"),
        W::Yes => ("да", "yes"),
        W::NoteNew => ("новое поручение", "new assignment"),
        W::NoteReminder => ("напоминание", "reminder"),
        W::NoteOverdue => ("просрочено", "overdue"),
        W::NoteOther => ("уведомление", "notice"),
        W::NoteDigest => ("сводка сроков", "deadline digest"),
        W::MailTitle => ("Уведомления по почте", "Notifications by mail"),
        W::MailIntro => (
            "Выбранные виды уведомлений приходят и на этот адрес; в программе они остаются все.",
            "The kinds chosen also come to this address; all of them stay in the program.",
        ),
        W::FieldEmail => ("Адрес эл. почты", "E-mail address"),
        W::FieldControlDigest => ("Ежедневная сводка сроков", "Daily digest of deadlines"),
        W::DoneMailSaved => ("Настройки почты сохранены", "Mail settings saved"),
        W::FieldVersion => ("Версия классификатора", "Classifier version"),
        W::No => ("нет", "no"),
        W::ColTitle => ("Наименование", "Name"),
        W::Close => ("закрыть", "close"),
        W::ColContact => ("Контакт", "Contact"),
        W::DiscardForm => (
            "Закрыть форму? Введённое будет потеряно.",
            "Close the form? What was typed will be lost.",
        ),
        _ => return None,
    })
}
