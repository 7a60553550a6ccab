//! Every string the client shows, in Russian and English, in one place. Enum names (roles,
//! statuses) come from `infogroups_shared::names`; server messages arrive already translated.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;

use crate::keymap::Command;

pub mod work;

/// A fixed piece of interface text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // each variant's text below is its documentation
pub enum Text {
    AppName,
    LoginTitle,
    Server,
    EmbeddedServer,
    Username,
    Password,
    LoggingIn,
    EnterUsername,
    EnterPassword,
    DemoAccounts,
    DemoHint,
    DemoAdminPassword,
    ColUsername,
    ColFullName,
    ColRole,
    SessionEnded,
    AssignmentsTitle,
    ColNumber,
    ColDeadline,
    ColStatus,
    ColExecutor,
    ColText,
    Predicted,
    Loading,
    Starting,
    NoAssignments,
    NothingFound,
    Filter,
    FilterHint,
    Assignment,
    Status,
    Deadline,
    Issued,
    Kind,
    Group,
    Executor,
    CoExecutors,
    Controller,
    Issuer,
    Completed,
    TextLabel,
    Reports,
    NoReports,
    History,
    Extensions,
    KindTask,
    KindInfoRequest,
    ServerClock,
    /// The status bar on a server whose clock is a training one.
    TrainingTime,
    ReportTitle,
    ReportField,
    ReturnTitle,
    ReasonField,
    Sending,
    NobodyMatches,
    MoreBelow,
    QuitAgainForm,
    QuitAgainDemo,
    ChoosePerson,
    Required,
    AcceptTitle,
    AcceptQuestion,
    ReportSent,
    ReportAccepted,
    ReportReturned,
    Connecting,
    Online,
    Reconnecting,
    Offline,
    LastEvent,
    HelpTitle,
    HelpClose,
    NoRole,
    Yes,
    No,
    SignIn,
    Apply,
    Clear,
    ApplyFilter,
    ClearFilter,
    PickDemo,
    ExtensionPending,
    ExtensionGranted,
    ExtensionRefused,
    Marker,
    MarkerLegend,
    GoToTab,
}

impl Text {
    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        use Text as T;
        let (ru, en) = match self {
            T::AppName => ("Инфогруппы", "Infogroups"),
            T::LoginTitle => ("Вход в систему", "Sign in"),
            T::Server => ("Сервер", "Server"),
            T::EmbeddedServer => ("встроенный демо-сервер", "embedded demo server"),
            T::Username => ("Имя пользователя", "Username"),
            T::Password => ("Пароль", "Password"),
            T::LoggingIn => ("Вход…", "Signing in…"),
            T::EnterUsername => ("введите имя пользователя", "enter the username"),
            T::EnterPassword => ("введите пароль", "enter the password"),
            T::DemoAccounts => ("Демо-учётные записи", "Demo accounts"),
            T::DemoHint => (
                "↑↓ — выбрать учётную запись, Enter — войти",
                "↑↓ choose an account, Enter signs in",
            ),
            T::DemoAdminPassword => ("пароль", "password"),
            T::ColUsername => ("Имя", "Username"),
            T::ColFullName => ("Ф. И. О.", "Full name"),
            T::ColRole => ("Роль", "Role"),
            T::SessionEnded => ("Сеанс завершён", "The session ended"),
            T::AssignmentsTitle => ("Поручения", "Assignments"),
            T::ColNumber => ("№", "No."),
            T::ColDeadline => ("Срок", "Deadline"),
            T::ColStatus => ("Статус", "Status"),
            T::ColExecutor => ("Исполнитель", "Executor"),
            T::ColText => ("Текст", "Text"),
            T::Predicted => ("прогноз", "forecast"),
            T::Loading => ("Загрузка данных…", "Loading…"),
            T::Starting => ("Запуск…", "Starting…"),
            T::NoAssignments => ("Поручений нет", "No assignments"),
            T::NothingFound => ("Ничего не найдено", "Nothing found"),
            T::Filter => ("Фильтр", "Filter"),
            T::FilterHint => (
                "Enter — применить, Esc — сбросить",
                "Enter applies, Esc clears",
            ),
            T::Assignment => ("Поручение", "Assignment"),
            T::Status => ("Статус", "Status"),
            T::Deadline => ("Срок", "Deadline"),
            T::Issued => ("Выдано", "Issued"),
            T::Kind => ("Вид", "Kind"),
            T::Group => ("Группа", "Group"),
            T::Executor => ("Исполнитель", "Executor"),
            T::CoExecutors => ("Соисполнители", "Co-executors"),
            T::Controller => ("Контроль", "Controller"),
            T::Issuer => ("Автор", "Issued by"),
            T::Completed => ("Исполнено", "Completed"),
            T::TextLabel => ("Текст поручения", "Text"),
            T::Reports => ("Отчёты", "Reports"),
            T::NoReports => ("отчётов нет", "no reports"),
            T::History => ("История", "History"),
            T::Extensions => ("Продления срока", "Extensions"),
            T::KindTask => ("Поручение", "Task"),
            T::KindInfoRequest => ("Запрос сведений", "Information request"),
            T::ServerClock => ("система (автоматически)", "the system (automatic)"),
            T::TrainingTime => ("учебное время", "training time"),
            T::ReportTitle => ("Отчёт об исполнении", "Execution report"),
            T::ReportField => ("Текст отчёта", "Report"),
            T::ReturnTitle => ("Вернуть на доработку", "Return for rework"),
            T::ReasonField => ("Причина", "Reason"),
            T::Sending => ("Отправка…", "Sending…"),
            T::NobodyMatches => ("никто не подходит", "nobody matches"),
            T::MoreBelow => (
                "↓ ещё строк: {n} — Enter или PgDn листает дальше",
                "↓ {n} more lines — Enter or PgDn shows them",
            ),
            T::QuitAgainForm => (
                "Форма не отправлена. Ещё раз — выход без сохранения",
                "The form is not sent. Again to quit without saving",
            ),
            T::QuitAgainDemo => (
                "Ещё раз — выход; встроенный сервер остановится для всех",
                "Again to quit; the embedded server stops for everyone",
            ),
            T::ChoosePerson => ("↑/↓ — выбрать; подходят", "↑/↓ to choose; matching"),
            T::Required => ("обязательное поле", "is required"),
            T::AcceptTitle => ("Принять отчёт", "Accept the report"),
            T::AcceptQuestion => (
                "Принять отчёт? Поручение будет отмечено как исполненное.",
                "Accept the report? The assignment will be marked as done.",
            ),
            T::ReportSent => ("Отчёт отправлен", "Report sent"),
            T::ReportAccepted => ("Отчёт принят", "Report accepted"),
            T::ReportReturned => ("Возвращено на доработку", "Returned for rework"),
            T::Connecting => ("подключение…", "connecting…"),
            T::Online => ("подключено", "online"),
            T::Reconnecting => ("переподключение…", "reconnecting…"),
            T::Offline => ("нет связи", "offline"),
            T::LastEvent => ("событие", "event"),
            T::HelpTitle => ("Клавиши", "Keys"),
            T::HelpClose => ("Esc — закрыть", "Esc closes"),
            T::NoRole => ("без роли", "no role"),
            T::Yes => ("да", "yes"),
            T::No => ("нет", "no"),
            T::SignIn => ("войти", "sign in"),
            T::Apply => ("применить", "apply"),
            T::Clear => ("сбросить", "clear"),
            T::ApplyFilter => ("применить фильтр", "apply the filter"),
            T::ClearFilter => ("сбросить фильтр", "clear the filter"),
            T::PickDemo => ("выбрать демо-учётную запись", "pick a demo account"),
            T::ExtensionPending => ("ждёт решения", "awaiting a decision"),
            T::ExtensionGranted => ("продлено", "granted"),
            T::ExtensionRefused => ("отказано", "refused"),
            T::Marker => ("!", "!"),
            T::GoToTab => ("перейти на вкладку по номеру", "go to a tab by its number"),
            T::MarkerLegend => (
                "! просрочено  * срок в ближайшие 2 рабочих дня",
                "! overdue  * due within 2 working days",
            ),
        };
        lang.pick(ru, en)
    }
}

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
        C::Submit => ("отправить", "send"),
        C::Cancel => ("закрыть", "close"),
        C::NextTab => ("следующая вкладка", "next tab"),
        C::PrevTab => ("предыдущая вкладка", "previous tab"),
        C::Sort => ("порядок списка", "change the order"),
        C::Refresh => ("обновить данные отчёта", "refresh the report"),
        C::Sign => ("подписать протокол", "sign the protocol"),
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
        C::Period => ("сменить период", "change the period"),
        C::Dimension => ("сменить группировку", "change the grouping"),
        C::Export => (
            "сохранить в файл (.pdf/.docx; отчёт и .xlsx/.csv)",
            "save to a file (.pdf/.docx; a report also .xlsx/.csv)",
        ),
        C::PrintList => (
            "реестр списка с его отбором (.pdf/.docx/.xlsx/.csv)",
            "a register of the list as filtered (.pdf/.docx/.xlsx/.csv)",
        ),
        C::GrantRole => ("дать роль", "grant a role"),
        C::RevokeRole => ("снять роль", "revoke a role"),
        C::Import => (
            "импорт классификатора из файла",
            "import the classifier from a file",
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
        C::ToAssignment => (
            "перейти к поручению, о котором уведомление",
            "go to the assignment the notification is about",
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
        C::Submit => ("отправить", "send"),
        C::Cancel => ("отмена", "cancel"),
        C::NextTab => ("вкладка →", "tab →"),
        C::PrevTab => ("← вкладка", "← tab"),
        C::Sort => ("порядок", "order"),
        C::Refresh => ("обновить", "refresh"),
        C::Sign => ("подписать", "sign"),
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
        C::Period => ("период", "period"),
        C::Dimension => ("группировка", "group by"),
        C::Export => ("в файл", "save"),
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
        C::ToAssignment => ("к поручению", "to assignment"),
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

/// What a classifier import did.
pub fn imported(lang: Lang, r: &pb::ImportClassifierResponse) -> String {
    work::W::Imported
        .get(lang)
        .replace("{n}", &r.nodes.to_string())
        .replace("{a}", &r.added.to_string())
        .replace("{k}", &r.kept_in_use.to_string())
}

/// "12 из 300" — rows shown of all.
pub fn shown_of(lang: Lang, shown: usize, total: usize) -> String {
    match lang {
        Lang::Ru => format!("{shown} из {total}"),
        Lang::En => format!("{shown} of {total}"),
    }
}

/// The unread notifications counter.
pub fn unread(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!("уведомлений: {n}"),
        Lang::En => format!("notifications: {n}"),
    }
}

/// The server cannot be reached at `url`.
pub fn unreachable(lang: Lang, url: &str) -> String {
    match lang {
        Lang::Ru => format!("сервер {url} недоступен; проверьте адрес и сеть"),
        Lang::En => format!("cannot reach the server at {url}; check the address and network"),
    }
}

/// A group's name for the status bar and the detail ("группа № 3").
pub fn group_number(lang: Lang, number: u32) -> String {
    match lang {
        Lang::Ru => format!("группа № {number}"),
        Lang::En => format!("group {number}"),
    }
}

/// The user's roles were changed by someone else; `role` is the one worked in now.
pub fn roles_changed(lang: Lang, role: &str) -> String {
    match lang {
        Lang::Ru => format!("Ваши роли изменились; текущая роль: {role}"),
        Lang::En => format!("Your roles changed; working as {role}"),
    }
}

/// A role with the group it is held in.
pub fn role_in_group(lang: Lang, role: pb::Role, group_number: Option<u32>) -> String {
    let name = infogroups_shared::names::role(lang, role);
    match group_number {
        Some(n) => match lang {
            Lang::Ru => format!("{name}, № {n}"),
            Lang::En => format!("{name}, group {n}"),
        },
        None => name.to_string(),
    }
}

/// The flash shown after switching roles.
pub fn role_switched(lang: Lang, role: &str) -> String {
    match lang {
        Lang::Ru => format!("Роль: {role}"),
        Lang::En => format!("Role: {role}"),
    }
}

/// The demo accounts' shared password, shown on the login screen.
pub fn demo_passwords(lang: Lang, demo: &str, admin: &str) -> String {
    match lang {
        Lang::Ru => format!("пароль {demo}, у admin — {admin}"),
        Lang::En => format!("password {demo}, admin's is {admin}"),
    }
}

/// An assignment's title: "Поручение 2026/0153".
pub fn assignment_title(lang: Lang, number: &str) -> String {
    format!("{} {number}", Text::Assignment.get(lang))
}

/// A user we do not have in the replica.
pub fn unknown_user(lang: Lang, id: u64) -> String {
    match lang {
        Lang::Ru => format!("пользователь #{id}"),
        Lang::En => format!("user #{id}"),
    }
}

/// An extension request line: "до 20.05.2026 — ждёт решения".
pub fn extension_line(lang: Lang, date: &str, state: &str) -> String {
    match lang {
        Lang::Ru => format!("до {date} — {state}"),
        Lang::En => format!("to {date} — {state}"),
    }
}

/// The failure of a step, when the server gave no reason we can show.
pub fn failed(lang: Lang, detail: &str) -> String {
    match lang {
        Lang::Ru => format!("не удалось: {detail}"),
        Lang::En => format!("failed: {detail}"),
    }
}

/// The help title for one screen: "Клавиши — Поручения".
pub fn help_title(lang: Lang, screen: &str) -> String {
    format!("{} — {screen}", Text::HelpTitle.get(lang))
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
