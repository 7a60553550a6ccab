//! The texts every list shares: empty lists, common columns, yes and no, the notifications tab.

use super::W;

/// The Russian and English text of `w`, if it is one of this area's.
pub(super) fn text(w: W) -> Option<(&'static str, &'static str)> {
    Some(match w {
        W::TabNotifications => ("Уведомления", "Notifications"),
        W::TabNotificationsShort => ("Уведомл.", "Notices"),
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
        W::ColWhen => ("Когда", "When"),
        W::ColSubject => ("О чём", "About"),
        W::NoteArrived => ("Пришло", "Arrived"),
        W::NoteInProgram => ("в программе", "in the program"),
        W::NoteAlsoByMail => ("и по почте", "also by mail"),
        W::NoteOff => ("не получать", "off"),
        W::MailTitle => ("Настройка уведомлений", "Notification settings"),
        W::MailIntro => (
            "Для каждого вида: получать в программе, ещё и по почте на этот адрес, или не получать.",
            "For each kind: in the program, also by mail to this address, or not at all.",
        ),
        W::FieldEmail => ("Адрес эл. почты", "E-mail address"),
        W::FieldControlDigest => ("Ежедневная сводка сроков", "Daily digest of deadlines"),
        W::SshKeysTitle => ("Ключи SSH", "SSH keys"),
        W::SshKeysIntro => (
            "Вставьте строку открытого ключа (ssh-ed25519 AAAA… комментарий) или выберите ключ для удаления.",
            "Paste a public key line (ssh-ed25519 AAAA… comment) or choose a key to remove.",
        ),
        W::SshKeysNone => ("Ключей пока нет.", "No keys yet."),
        W::FieldPublicKey => ("Новый открытый ключ", "New public key"),
        W::FieldRemoveKey => ("Удалить ключ", "Remove a key"),
        W::KeepAll => ("не удалять", "keep all"),
        W::DoneSshKeys => ("Ключи SSH сохранены", "SSH keys saved"),
        W::DoneMailSaved => (
            "Настройки уведомлений сохранены",
            "Notification settings saved",
        ),
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
