//! Every string the client shows, in Russian and English, in one place. Enum names (roles,
//! statuses) come from `infogroups_shared::names`; server messages arrive already translated.

use chrono::{Datelike, NaiveDate};
use infogroups_shared::names::Lang;
use infogroups_shared::pb;

mod commands;
pub mod drafts;
pub mod link;
pub mod status;
pub mod work;

pub use commands::{command, command_short};

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
    ChecklistHelp,
    NothingTicked,
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
    HelpScroll,
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
            T::ChecklistHelp => (
                "↑/↓ — по списку, пробел — отметить, буквы — искать; отмечено",
                "↑/↓ to move, Space to tick, letters to search; ticked",
            ),
            T::NothingTicked => ("никто не отмечен", "nobody ticked"),
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
            T::HelpScroll => ("↑↓ PgUp PgDn — листать", "↑↓ PgUp PgDn scroll"),
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

/// A group's quarterly minimum for `year`, one mark a quarter: met ✓, missed ✗, at risk !,
/// still open …, before the group was formed —.
pub fn quarter_marks(
    lang: Lang,
    year: i32,
    states: &[infogroups_shared::quarters::QuarterState],
) -> String {
    use infogroups_shared::quarters::QuarterState as Q;
    let marks: Vec<String> = ["I", "II", "III", "IV"]
        .iter()
        .zip(states)
        .map(|(q, s)| {
            let mark = match s {
                Q::Met => "✓",
                Q::Missed => "✗",
                Q::AtRisk => "!",
                Q::Open => "…",
                Q::NotFormed => "—",
            };
            format!("{q} {mark}")
        })
        .collect();
    let label = lang.pick("минимум", "minimum");
    format!("{label} {year}: {}", marks.join(" "))
}

/// The period a dashboard's figures count: the year's (meetings, on-time share, top problems)
/// and the day the figures of now (open, overdue) are as of.
pub fn dashboard_period(lang: Lang, from: NaiveDate, to: NaiveDate, as_of: NaiveDate) -> String {
    let (from, to, as_of) = (
        from.format("%d.%m.%Y"),
        to.format("%d.%m.%Y"),
        as_of.format("%d.%m.%Y"),
    );
    match lang {
        Lang::Ru => format!("за период {from} – {to}; открытые и просроченные — на {as_of}"),
        Lang::En => format!("for {from} – {to}; open and overdue as of {as_of}"),
    }
}

/// A deadline typed on a non-working day, and the working day offered instead.
pub fn day_off_offer(lang: Lang, typed: NaiveDate, offered: NaiveDate) -> String {
    const RU: [&str; 7] = [
        "понедельник",
        "вторник",
        "среда",
        "четверг",
        "пятница",
        "суббота",
        "воскресенье",
    ];
    let ru = |d: NaiveDate| RU[d.weekday().num_days_from_monday() as usize % 7];
    let (t, o) = (typed.format("%d.%m.%Y"), offered.format("%d.%m.%Y"));
    match lang {
        Lang::Ru => format!(
            "{t} — {}, нерабочий день; предложен рабочий день {o} ({}): Enter — принять, или введите другую дату",
            ru(typed),
            ru(offered)
        ),
        Lang::En => format!(
            "{t} is a {}, not a working day; {o} ({}) is offered: Enter accepts it, or type another date",
            typed.format("%A"),
            offered.format("%A")
        ),
    }
}

/// A key that does nothing where it was pressed, with the command it means and why it does not
/// apply, where known.
pub fn key_not_here(lang: Lang, key: &str, why: Option<(&str, &str)>) -> String {
    match (lang, why) {
        (Lang::Ru, Some((command, why))) => format!("{key} ({command}) сейчас недоступно: {why}"),
        (Lang::En, Some((command, why))) => {
            format!("{key} ({command}) is not available now: {why}")
        }
        (Lang::Ru, None) => format!("клавиша {key} здесь не действует; ? — все клавиши"),
        (Lang::En, None) => format!("{key} does nothing here; ? lists the keys"),
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
