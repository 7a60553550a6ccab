//! What each command does, in Russian and English: the help overlay's description and the
//! hints line's short label.

use infogroups_shared::names::Lang;

use crate::keymap::Command;

/// What a command does, for the help overlay and the hints line.
pub fn command(lang: Lang, command: Command) -> &'static str {
    use Command as C;
    let (ru, en) = match command {
        C::Quit => ("выход из программы", "quit"),
        C::Help => ("список клавиш", "list of keys"),
        C::Up => ("вверх", "up"),
        C::Down => ("вниз", "down"),
        C::PageUp => ("страница вверх", "page up"),
        C::PageDown => ("страница вниз", "page down"),
        C::Home => ("в начало", "first"),
        C::End => ("в конец", "last"),
        C::Open => ("открыть", "open"),
        C::Back => ("назад к списку", "back to the list"),
        C::Filter => ("фильтр по тексту", "filter by text"),
        C::SwitchRole => ("сменить роль", "switch role"),
        C::SubmitReport => ("представить отчёт", "submit a report"),
        C::Accept => ("принять отчёт", "accept the report"),
        C::Return => ("вернуть на доработку", "return for rework"),
        C::Logout => ("выйти из учётной записи", "sign out"),
        C::NextField => ("следующее поле", "next field"),
        C::PrevField => ("предыдущее поле", "previous field"),
        C::NextOption => ("следующий вариант выбора", "next option of the choice"),
        C::PrevOption => ("предыдущий вариант выбора", "previous option of the choice"),
        C::NextMatch => (
            "следующий из найденных (сотрудник, вопрос классификатора)",
            "next one found (a colleague, a classifier question)",
        ),
        C::PrevMatch => ("предыдущий из найденных", "previous one found"),
        C::CursorLeft => ("курсор влево", "cursor left"),
        C::CursorRight => ("курсор вправо", "cursor right"),
        C::LineStart => ("курсор в начало поля", "cursor to the field's start"),
        C::LineEnd => ("курсор в конец поля", "cursor to the field's end"),
        C::DeleteBack => (
            "стереть знак перед курсором",
            "delete the character before the cursor",
        ),
        C::DeleteForward => (
            "стереть знак под курсором",
            "delete the character at the cursor",
        ),
        C::ClearToStart => (
            "стереть всё до курсора",
            "delete everything before the cursor",
        ),
        C::NewLine => ("новая строка в длинном тексте", "new line in a long text"),
        C::LineUp => ("курсор на строку вверх", "cursor one line up"),
        C::LineDown => ("курсор на строку вниз", "cursor one line down"),
        C::Undo => ("отменить правку текста", "undo the last edit"),
        C::Redo => ("вернуть отменённую правку", "redo the edit undone"),
        C::Submit => ("отправить", "send"),
        C::SubmitText => (
            "отправить форму из длинного текста",
            "send the form from a long text",
        ),
        C::Discard => (
            "закрыть форму без сохранения",
            "close the form without saving",
        ),
        C::KeepEditing => ("вернуться к форме", "back to the form"),
        C::TogglePick => ("отметить или снять отметку", "tick or untick"),
        C::OpenDraft => (
            "открыть черновик с тем, что было введено",
            "open the draft with what was typed",
        ),
        C::DropDraft => ("удалить черновик", "delete the draft"),
        C::Cancel => ("закрыть", "close"),
        C::NextTab => ("следующая вкладка", "next tab"),
        C::PrevTab => ("предыдущая вкладка", "previous tab"),
        C::Sort => ("порядок списка", "change the order"),
        C::Refresh => ("обновить данные отчёта", "refresh the report"),
        C::Sign => ("подписать протокол", "sign the protocol"),
        C::SendForSignature => (
            "отправить протокол руководителю на подпись",
            "send the protocol to the leader for signature",
        ),
        C::MarkHeld => ("отметить встречу проведённой", "mark the meeting held"),
        C::EditProtocol => (
            "протокол: заполнить черновик, после подписи — записать поправку",
            "the protocol: fill the draft; once signed, record an amendment",
        ),
        C::Notify => ("оповестить участников", "notify the participants"),
        C::HandOver => (
            "передать протокол в контрольный сектор",
            "hand the protocol to the control sector",
        ),
        C::Acknowledge => ("отметить получение протокола", "acknowledge receipt"),
        C::OlderPage => ("страница более ранних записей", "the page of older records"),
        C::NewerPage => (
            "страница более поздних записей",
            "the page of newer records",
        ),
        C::FilterPerson => (
            "только этот сотрудник (ещё раз — все)",
            "only this person (again: everyone)",
        ),
        C::FilterRecord => (
            "только эта запись (ещё раз — все)",
            "only this record (again: all records)",
        ),
        C::MarkDone => ("отметить выполнение", "record as done"),
        C::RequestExtension => ("попросить продлить срок", "request an extension"),
        C::Grant => ("продлить срок", "grant the extension"),
        C::Deny => ("отказать в продлении", "refuse the extension"),
        C::Issue => ("дать поручение", "issue an assignment"),
        C::SubAssign => ("подпоручение", "sub-assignment"),
        C::MarkRead => ("отметить прочитанным", "mark read"),
        C::MarkAllRead => ("отметить все прочитанными", "mark all read"),
        C::MailSettings => (
            "какие уведомления получать, какие ещё и по почте",
            "which notifications to get, and which also by e-mail",
        ),
        C::SshKeys => (
            "ключи SSH для входа без пароля: добавить, удалить",
            "SSH keys to sign in without a password: add, remove",
        ),
        C::Period => ("сменить период", "change the period"),
        C::CustomPeriod => (
            "произвольный период: с какого по какой день",
            "a chosen period: from which day to which",
        ),
        C::Dimension => ("сменить группировку", "change the grouping"),
        C::CopyLink => (
            "скопировать ссылку в буфер обмена своего компьютера",
            "copy the link to your own computer's clipboard",
        ),
        C::Export => (
            "сохранить в файл (.pdf/.docx; отчёт и .xlsx/.csv)",
            "save to a file (.pdf/.docx; a report also .xlsx/.csv)",
        ),
        C::Files => (
            "файлы записи: приложить, сохранить, дать ссылку",
            "the record's files: attach, save, get a link",
        ),
        C::PrintList => (
            "реестр списка с его отбором (.pdf/.docx/.xlsx/.csv)",
            "a register of the list as filtered (.pdf/.docx/.xlsx/.csv)",
        ),
        C::GrantRole => ("дать роль", "grant a role"),
        C::RevokeRole => ("снять роль", "revoke a role"),
        C::Import => (
            "импорт из файла: классификатор, реестр обращений (.xlsx/.csv)",
            "import from a file: the classifier, an appeal register (.xlsx/.csv)",
        ),
        C::New => (
            "создать запись этой вкладки (встречу, обращение, карточку, учётную запись, группу…)",
            "create a record of this tab (a meeting, appeal, card, account, group…)",
        ),
        C::Edit => ("изменить выбранную запись", "change the selected record"),
        C::SetPassword => ("задать пароль пользователю", "set the user's password"),
        C::Applicant => (
            "данные заявителя (просмотр записывается в журнал)",
            "the applicant's data (the view is logged)",
        ),
        C::ToAppeal => (
            "зарегистрировать вопрос карточки как письменное обращение",
            "register the card's question as a written appeal",
        ),
        C::Answer => (
            "записать ответ на обращение",
            "record the answer to the appeal",
        ),
        C::AgreeVenue => (
            "место встречи и его согласование",
            "the venue and its agreement",
        ),
        C::Announce => (
            "объявить встречу (место согласовано, участники оповещены)",
            "announce the meeting (venue agreed, participants notified)",
        ),
        C::MoveMeeting => (
            "перенести встречу (дата, время, место)",
            "move the meeting (date, time, venue)",
        ),
        C::CancelMeeting => ("отменить встречу", "cancel the meeting"),
        C::AddQuestion => (
            "записать в протокол вопрос жителей",
            "add a residents' question to the protocol",
        ),
        C::AddDecision => (
            "записать в протокол решение",
            "add a decision to the protocol",
        ),
        C::Participants => (
            "пригласить участника или отметить его ответ и присутствие",
            "invite a participant or record their answer and attendance",
        ),
        C::Archive => (
            "в архив (записи, где он указан, сохраняются)",
            "archive (records that name it are kept)",
        ),
        C::ColumnsLeft => ("столбцы таблицы левее", "the table's columns further left"),
        C::Forward => (
            "направить по компетенции (в течение 7 дней)",
            "forward to the competent body (within 7 days)",
        ),
        C::CloseSpecial => (
            "закрыть без ответа по существу (ст. 11)",
            "close without an answer on the merits (art. 11)",
        ),
        C::AdvanceClock => (
            "учебное время: перевести часы на сутки вперёд",
            "training time: move the clock a day forward",
        ),
        C::PastMeeting => (
            "внести прошедшую встречу задним числом (протокол подписан и передан)",
            "enter a past meeting after the fact (protocol signed and handed over)",
        ),
        C::ToRecord => (
            "перейти к поручению, встрече или обращению, о котором запись",
            "go to the assignment, meeting or appeal the record is about",
        ),
        C::ColumnsRight => (
            "столбцы таблицы правее",
            "the table's columns further right",
        ),
        C::Checklist => ("подготовка: отметить готовность", "preparation checklist"),
        C::Brief => ("справка о проблемах территории", "the territory's brief"),
        C::Tab1 => ("вкладка 1", "tab 1"),
        C::Tab2 => ("вкладка 2", "tab 2"),
        C::Tab3 => ("вкладка 3", "tab 3"),
        C::Tab4 => ("вкладка 4", "tab 4"),
        C::Tab5 => ("вкладка 5", "tab 5"),
        C::Tab6 => ("вкладка 6", "tab 6"),
        C::Tab7 => ("вкладка 7", "tab 7"),
        C::Tab8 => ("вкладка 8", "tab 8"),
        C::Tab9 => ("вкладка 9", "tab 9"),
    };
    lang.pick(ru, en)
}

/// The short label of a command in the hints line ("r отчёт").
pub fn command_short(lang: Lang, command: Command) -> &'static str {
    use Command as C;
    let (ru, en) = match command {
        C::Quit => ("выход", "quit"),
        C::Help => ("клавиши", "keys"),
        C::Open => ("открыть", "open"),
        C::Back => ("назад", "back"),
        C::Filter => ("фильтр", "filter"),
        C::SwitchRole => ("роль", "role"),
        C::SubmitReport => ("отчёт", "report"),
        C::Accept => ("принять", "accept"),
        C::Return => ("вернуть", "return"),
        C::Logout => ("выйти", "sign out"),
        C::NextField => ("поле", "field"),
        C::Submit | C::SubmitText => ("отправить", "send"),
        C::Cancel => ("отмена", "cancel"),
        C::NewLine => ("строка", "new line"),
        C::LineUp | C::LineDown => ("строка", "line"),
        C::Undo => ("отменить", "undo"),
        C::Discard => ("закрыть", "close"),
        C::KeepEditing => ("продолжить", "go on"),
        C::TogglePick => ("отметить", "tick"),
        C::OpenDraft => ("открыть", "open"),
        C::DropDraft => ("удалить", "delete"),
        C::Redo => ("вернуть", "redo"),
        C::NextTab => ("вкладка →", "tab →"),
        C::PrevTab => ("← вкладка", "← tab"),
        C::Sort => ("порядок", "order"),
        C::Refresh => ("обновить", "refresh"),
        C::Sign => ("подписать", "sign"),
        C::SendForSignature => ("на подпись", "to sign"),
        C::MarkHeld => ("проведена", "held"),
        C::EditProtocol => ("протокол", "protocol"),
        C::Notify => ("оповестить", "notify"),
        C::HandOver => ("передать", "hand over"),
        C::Acknowledge => ("получен", "received"),
        C::MarkDone => ("выполнено", "done"),
        C::RequestExtension => ("продление", "extension"),
        C::Grant => ("продлить", "grant"),
        C::Deny => ("отказать", "refuse"),
        C::Issue => ("поручить", "issue"),
        C::SubAssign => ("подпоручение", "sub-task"),
        C::MarkRead => ("прочитано", "read"),
        C::MarkAllRead => ("все прочитаны", "all read"),
        C::MailSettings => ("настройка", "settings"),
        C::SshKeys => ("ключи SSH", "SSH keys"),
        C::Period => ("период", "period"),
        C::CustomPeriod => ("с…по", "from…to"),
        C::Dimension => ("группировка", "group by"),
        C::Export => ("в файл", "save"),
        C::Files => ("файлы", "files"),
        C::CopyLink => ("копировать", "copy"),
        C::PrintList => ("реестр", "register"),
        C::GrantRole => ("дать роль", "grant"),
        C::RevokeRole => ("снять роль", "revoke"),
        C::Import => ("импорт", "import"),
        C::New => ("новое", "new"),
        C::Edit => ("изменить", "edit"),
        C::SetPassword => ("пароль", "password"),
        C::Applicant => ("заявитель", "applicant"),
        C::ToAppeal => ("в обращение", "to appeal"),
        C::Answer => ("ответ", "answer"),
        C::AgreeVenue => ("место", "venue"),
        C::Announce => ("объявить", "announce"),
        C::MoveMeeting => ("перенести", "move"),
        C::CancelMeeting => ("отменить", "cancel"),
        C::Checklist => ("подготовка", "checklist"),
        C::Brief => ("справка", "brief"),
        C::AddQuestion => ("вопрос", "question"),
        C::AddDecision => ("решение", "decision"),
        C::Participants => ("участники", "participants"),
        C::Archive => ("в архив", "archive"),
        C::ColumnsLeft => ("столбцы", "columns"),
        C::Forward => ("направить", "forward"),
        C::CloseSpecial => ("ст. 11", "art. 11"),
        C::AdvanceClock => ("+1 день", "+1 day"),
        C::PastMeeting => ("прошедшая", "past"),
        C::ToRecord => ("к записи", "go to record"),
        C::ColumnsRight => ("столбцы", "columns"),
        C::OlderPage => ("раньше", "older"),
        C::NewerPage => ("позже", "newer"),
        C::FilterPerson => ("по сотруднику", "by person"),
        C::FilterRecord => ("по записи", "by record"),
        C::NextOption | C::PrevOption => ("вариант", "option"),
        C::NextMatch | C::PrevMatch => ("найденные", "found"),
        C::CursorLeft | C::CursorRight | C::LineStart | C::LineEnd => ("курсор", "cursor"),
        C::DeleteBack | C::DeleteForward | C::ClearToStart => ("стереть", "delete"),
        other => return self::command(lang, other),
    };
    lang.pick(ru, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_described_in_both_languages() {
        for c in Command::ALL {
            assert!(!command(Lang::Ru, c).is_empty());
            assert_ne!(command(Lang::Ru, c), command(Lang::En, c), "{c:?}");
            assert!(!command_short(Lang::En, c).is_empty());
        }
    }
}
