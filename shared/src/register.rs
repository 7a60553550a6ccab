//! Registers people already keep in a spreadsheet — appeals received, assignments given — read
//! row by row into drafts the server then registers through its usual rules. The first non-empty
//! row names the columns, in Russian or English; every row that cannot become a record is
//! refused with its row number, the column at fault and the reason in both languages.

use chrono::NaiveDate;

use crate::{date_input, pb};

/// A row that was not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The row's number as the spreadsheet shows it (the header is usually row 1).
    pub row: u32,
    /// The column at fault, as the header names it; empty for the row as a whole.
    pub field: String,
    /// The reason in Russian.
    pub ru: String,
    /// The reason in English.
    pub en: String,
}

impl Refusal {
    /// A refusal of `row` for the column `field`.
    pub fn new(row: u32, field: &str, ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            row,
            field: field.to_string(),
            ru: ru.into(),
            en: en.into(),
        }
    }
}

/// A column an appeal register may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealColumn {
    /// The date received.
    Received,
    /// The applicant's full name, surname first.
    Applicant,
    /// The postal address for the answer.
    Address,
    /// The classifier code of the question.
    Code,
    /// The appeal's text.
    Text,
    /// The group handling it (its number or name).
    Group,
    /// The territory (its name); the group's first territory when absent.
    Territory,
    /// A phone or e-mail for the answer.
    Contact,
}

/// The header words each appeal column is known by (compared without case and spaces).
const APPEAL_HEADERS: &[(AppealColumn, &[&str])] = &[
    (
        AppealColumn::Received,
        &["дата", "датапоступления", "поступило", "date", "received"],
    ),
    (
        AppealColumn::Applicant,
        &["заявитель", "фио", "applicant", "name", "citizen"],
    ),
    (
        AppealColumn::Address,
        &["адрес", "почтовыйадрес", "address"],
    ),
    (
        AppealColumn::Code,
        &["тема", "код", "кодвопроса", "topic", "code"],
    ),
    (
        AppealColumn::Text,
        &["текст", "содержание", "суть", "text", "summary"],
    ),
    (AppealColumn::Group, &["группа", "group"]),
    (AppealColumn::Territory, &["территория", "territory"]),
    (
        AppealColumn::Contact,
        &["контакт", "телефон", "email", "contact", "phone"],
    ),
];

/// The columns an appeal register cannot do without.
const APPEAL_REQUIRED: &[AppealColumn] = &[
    AppealColumn::Received,
    AppealColumn::Code,
    AppealColumn::Text,
    AppealColumn::Group,
];

/// A column an assignment register may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentColumn {
    /// What is to be done.
    Text,
    /// Who does it (full name or login).
    Executor,
    /// By when.
    Due,
    /// The grounds (a protocol, a letter).
    Basis,
    /// The group it belongs to (number or name).
    Group,
}

/// The header words each assignment column is known by.
const ASSIGNMENT_HEADERS: &[(AssignmentColumn, &[&str])] = &[
    (
        AssignmentColumn::Text,
        &["поручение", "текст", "assignment", "task", "text"],
    ),
    (
        AssignmentColumn::Executor,
        &["исполнитель", "executor", "assignee"],
    ),
    (AssignmentColumn::Due, &["срок", "due", "deadline"]),
    (AssignmentColumn::Basis, &["основание", "basis", "grounds"]),
    (AssignmentColumn::Group, &["группа", "group"]),
];

/// The columns an assignment register cannot do without.
const ASSIGNMENT_REQUIRED: &[AssignmentColumn] = &[
    AssignmentColumn::Text,
    AssignmentColumn::Executor,
    AssignmentColumn::Due,
    AssignmentColumn::Group,
];

/// Why a whole file cannot be read as a register.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    /// No row at all.
    #[error("the file has no rows")]
    Empty,
    /// A column the register needs is not in the header.
    #[error("the header has no column «{0}»")]
    MissingColumn(String),
    /// The file is not CSV as written.
    #[error("CSV line {line}: {reason}")]
    Csv {
        /// The line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
}

impl RegisterError {
    /// The message in Russian.
    pub fn ru(&self) -> String {
        match self {
            RegisterError::Empty => "в файле нет строк".into(),
            RegisterError::MissingColumn(c) => format!("в заголовке нет столбца «{c}»"),
            RegisterError::Csv { line, reason } => format!("CSV, строка {line}: {reason}"),
        }
    }
}

/// One row of a spreadsheet with its number as the spreadsheet shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based row number.
    pub number: u32,
    /// The cells, trimmed.
    pub cells: Vec<String>,
}

/// Reads a CSV register («;» or «,» detected from the first line, UTF-8 or cp1251) into rows;
/// blank rows are dropped but counted, so numbers match what the spreadsheet shows.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<Row>, RegisterError> {
    let text = crate::classifier::decode_text(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let sep = if first.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| RegisterError::Csv {
            line: e.position().map_or(0, |p| p.line()),
            reason: e.to_string(),
        })?;
        // The reader starts a record after a blank line at the blank line itself; count the
        // line breaks up to the record's first character instead.
        let start = record.position().map_or(0, |p| p.byte());
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        let skipped = text
            .get(start..)
            .map_or(0, |t| t.len() - t.trim_start_matches(['\r', '\n']).len());
        let before = text.get(..start + skipped).unwrap_or(text);
        let number = u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX);
        rows.push(Row {
            number,
            cells: record.iter().map(|c| c.trim().to_string()).collect(),
        });
    }
    Ok(rows)
}

/// Where each known column sits in the header, and the header's own spelling.
struct Header<C> {
    found: Vec<(C, usize, String)>,
}

impl<C: Copy + PartialEq> Header<C> {
    fn index(&self, c: C) -> Option<usize> {
        self.found.iter().find(|f| f.0 == c).map(|f| f.1)
    }

    fn name(&self, c: C) -> &str {
        self.found
            .iter()
            .find(|f| f.0 == c)
            .map_or("", |f| f.2.as_str())
    }

    fn cell<'a>(&self, row: &'a Row, c: C) -> &'a str {
        self.index(c)
            .and_then(|i| row.cells.get(i))
            .map_or("", String::as_str)
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// Finds the header (the first row with any text) and the rows after it.
fn header<'a, C: Copy + PartialEq>(
    rows: &'a [Row],
    known: &[(C, &[&str])],
    required: &[C],
) -> Result<(Header<C>, &'a [Row]), RegisterError> {
    let at = rows
        .iter()
        .position(|r| r.cells.iter().any(|c| !c.is_empty()))
        .ok_or(RegisterError::Empty)?;
    let mut found = Vec::new();
    for (i, cell) in rows[at].cells.iter().enumerate() {
        let key = squash(cell);
        if let Some((c, _)) = known
            .iter()
            .find(|(_, words)| words.contains(&key.as_str()))
            && !found.iter().any(|f: &(C, usize, String)| f.0 == *c)
        {
            found.push((*c, i, cell.clone()));
        }
    }
    let h = Header { found };
    for c in required {
        if h.index(*c).is_none() {
            let word = known
                .iter()
                .find(|(k, _)| k == c)
                .and_then(|(_, w)| w.first())
                .unwrap_or(&"");
            return Err(RegisterError::MissingColumn((*word).to_string()));
        }
    }
    Ok((h, &rows[at + 1..]))
}

/// What the reader needs from the directory: names to ids.
pub trait Directory {
    /// The group with this number or name, and its territories.
    fn group(&self, text: &str) -> Option<(u64, Vec<u64>)>;
    /// The territory with this name.
    fn territory(&self, text: &str) -> Option<u64>;
    /// Whether the classifier has this full code.
    fn code_known(&self, code: &str) -> bool;
    /// The user with this full name or login.
    fn user(&self, text: &str) -> Option<u64>;
}

/// A register read: the drafts to create, each with its row, and the rows refused.
#[derive(Debug, Clone)]
pub struct Read<T> {
    /// The rows that become records.
    pub accepted: Vec<(u32, T)>,
    /// The rows that do not.
    pub refused: Vec<Refusal>,
}

impl<T> Default for Read<T> {
    fn default() -> Self {
        Self {
            accepted: Vec::new(),
            refused: Vec::new(),
        }
    }
}

/// Reads an appeal register: one appeal per row, received on its date, by post, one question of
/// the row's code. Dates after `today` are refused.
pub fn appeals(
    rows: &[Row],
    today: NaiveDate,
    dir: &dyn Directory,
) -> Result<Read<pb::Appeal>, RegisterError> {
    let (h, body) = header(rows, APPEAL_HEADERS, APPEAL_REQUIRED)?;
    let mut out = Read::default();
    for row in body {
        if row.cells.iter().all(String::is_empty) {
            continue;
        }
        match appeal_row(&h, row, today, dir) {
            Ok(a) => out.accepted.push((row.number, a)),
            Err(r) => out.refused.push(r),
        }
    }
    Ok(out)
}

fn required<'a, C: Copy + PartialEq>(
    h: &Header<C>,
    row: &'a Row,
    c: C,
) -> Result<&'a str, Refusal> {
    let v = h.cell(row, c);
    if v.is_empty() {
        return Err(Refusal::new(
            row.number,
            h.name(c),
            "не заполнено",
            "is empty",
        ));
    }
    Ok(v)
}

fn date<C: Copy + PartialEq>(
    h: &Header<C>,
    row: &Row,
    c: C,
    today: NaiveDate,
) -> Result<NaiveDate, Refusal> {
    let text = required(h, row, c)?;
    date_input::read(text, today).map_err(|m| Refusal::new(row.number, h.name(c), m.ru(), m.en()))
}

fn group<C: Copy + PartialEq>(
    h: &Header<C>,
    row: &Row,
    c: C,
    dir: &dyn Directory,
) -> Result<(u64, Vec<u64>), Refusal> {
    let text = required(h, row, c)?;
    dir.group(text).ok_or_else(|| {
        Refusal::new(
            row.number,
            h.name(c),
            format!("нет группы «{text}»"),
            format!("there is no group «{text}»"),
        )
    })
}

fn appeal_row(
    h: &Header<AppealColumn>,
    row: &Row,
    today: NaiveDate,
    dir: &dyn Directory,
) -> Result<pb::Appeal, Refusal> {
    use AppealColumn as C;
    let received = date(h, row, C::Received, today)?;
    if received > today {
        return Err(Refusal::new(
            row.number,
            h.name(C::Received),
            "дата поступления в будущем",
            "is in the future",
        ));
    }
    let code = required(h, row, C::Code)?;
    if !dir.code_known(code) {
        return Err(Refusal::new(
            row.number,
            h.name(C::Code),
            format!("нет кода «{code}» в классификаторе"),
            format!("the classifier has no code «{code}»"),
        ));
    }
    let text = required(h, row, C::Text)?;
    let (group_id, territories) = group(h, row, C::Group, dir)?;
    let territory = h.cell(row, C::Territory);
    let territory_id = if territory.is_empty() {
        territories.first().copied().ok_or_else(|| {
            Refusal::new(
                row.number,
                h.name(C::Group),
                "у группы нет территорий: укажите территорию",
                "the group serves no territory: give one",
            )
        })?
    } else {
        dir.territory(territory).ok_or_else(|| {
            Refusal::new(
                row.number,
                h.name(C::Territory),
                format!("нет территории «{territory}»"),
                format!("there is no territory «{territory}»"),
            )
        })?
    };
    let applicant = h.cell(row, C::Applicant);
    let mut names = applicant.split_whitespace();
    let (surname, first_name) = (names.next(), names.next());
    let patronymic = names.collect::<Vec<_>>().join(" ");
    let citizen = match (surname, first_name) {
        (None, _) => None,
        (Some(_), None) => {
            return Err(Refusal::new(
                row.number,
                h.name(C::Applicant),
                "нужны фамилия и имя (фамилия первой)",
                "needs a surname and a first name (surname first)",
            ));
        }
        (Some(s), Some(f)) => Some(pb::Citizen {
            surname: s.to_string(),
            first_name: f.to_string(),
            patronymic,
            postal_address: h.cell(row, C::Address).to_string(),
            contact: h.cell(row, C::Contact).to_string(),
            workplace: String::new(),
        }),
    };
    Ok(pb::Appeal {
        received: Some(crate::validate::from_naive(received)),
        channel: pb::Channel::Post as i32,
        kind: pb::AppealKind::Application as i32,
        territory_id,
        group_id,
        questions: vec![pb::AppealQuestion {
            classifier_code: code.to_string(),
            r#type: pb::QuestionType::Application as i32,
            ..Default::default()
        }],
        anonymous: citizen.is_none(),
        citizen,
        text: text.to_string(),
        ..Default::default()
    })
}

/// One assignment read from a register row, before the server gives it its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentDraft {
    /// What is to be done.
    pub text: String,
    /// The executor.
    pub executor_id: u64,
    /// The due date.
    pub due: NaiveDate,
    /// The grounds, as written.
    pub basis: String,
    /// The group.
    pub group_id: u64,
}

/// Reads an assignment register: one assignment per row. Due dates before `today` are refused.
pub fn assignments(
    rows: &[Row],
    today: NaiveDate,
    dir: &dyn Directory,
) -> Result<Read<AssignmentDraft>, RegisterError> {
    use AssignmentColumn as C;
    let (h, body) = header(rows, ASSIGNMENT_HEADERS, ASSIGNMENT_REQUIRED)?;
    let mut out = Read::default();
    for row in body {
        if row.cells.iter().all(String::is_empty) {
            continue;
        }
        let read = (|| {
            let text = required(&h, row, C::Text)?;
            let who = required(&h, row, C::Executor)?;
            let executor_id = dir.user(who).ok_or_else(|| {
                Refusal::new(
                    row.number,
                    h.name(C::Executor),
                    format!("нет пользователя «{who}»"),
                    format!("there is no user «{who}»"),
                )
            })?;
            let due = date(&h, row, C::Due, today)?;
            if due < today {
                return Err(Refusal::new(
                    row.number,
                    h.name(C::Due),
                    "срок уже прошёл",
                    "is already past",
                ));
            }
            let (group_id, _) = group(&h, row, C::Group, dir)?;
            Ok(AssignmentDraft {
                text: text.to_string(),
                executor_id,
                due,
                basis: h.cell(row, C::Basis).to_string(),
                group_id,
            })
        })();
        match read {
            Ok(d) => out.accepted.push((row.number, d)),
            Err(r) => out.refused.push(r),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dir;

    impl Directory for Dir {
        fn group(&self, text: &str) -> Option<(u64, Vec<u64>)> {
            (text == "3" || text == "Группа 3").then(|| (30, vec![7]))
        }
        fn territory(&self, text: &str) -> Option<u64> {
            (text == "Соколово").then_some(8)
        }
        fn code_known(&self, code: &str) -> bool {
            code == "0003.0009.0097.0687"
        }
        fn user(&self, text: &str) -> Option<u64> {
            (text == "Иванов И. И.").then_some(5)
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, 10).unwrap_or_default()
    }

    const APPEALS: &str = "Дата;ФИО;Адрес;Код;Текст;Группа;Территория\n\
        01.03.2027;Петров Пётр Петрович;ул. Мира, 1;0003.0009.0097.0687;Яма на дороге;3;\n\
        ;Петров Пётр;;0003.0009.0097.0687;Нет даты;3;\n\
        32.03.2027;Петров Пётр;;0003.0009.0097.0687;Нет дня;3;\n\
        \n\
        02.03.2027;;;9999;Неизвестный код;3;\n\
        03.03.2027;Сидоров;;0003.0009.0097.0687;Одно слово;3;\n\
        04.03.2027;;;0003.0009.0097.0687;Аноним;Группа 3;Соколово\n\
        05.03.2027;Петров Пётр;;0003.0009.0097.0687;Чужая группа;9;\n\
        01.04.2027;Петров Пётр;;0003.0009.0097.0687;Будущее;3;\n";

    #[test]
    fn appeal_rows_are_taken_or_refused_with_row_and_column() {
        let rows = read_csv(APPEALS.as_bytes()).unwrap_or_default();
        let read = appeals(&rows, today(), &Dir).map_err(|e| e.to_string());
        let read = read.unwrap_or_default();
        let taken: Vec<u32> = read.accepted.iter().map(|(n, _)| *n).collect();
        assert_eq!(taken, vec![2, 8]);
        let first = &read.accepted[0].1;
        assert_eq!(first.group_id, 30);
        assert_eq!(first.territory_id, 7);
        let citizen = first.citizen.clone().unwrap_or_default();
        assert_eq!(citizen.surname, "Петров");
        assert_eq!(citizen.patronymic, "Петрович");
        assert_eq!(citizen.postal_address, "ул. Мира, 1");
        assert!(read.accepted[1].1.anonymous);
        assert_eq!(read.accepted[1].1.territory_id, 8);
        let refused: Vec<(u32, &str)> = read
            .refused
            .iter()
            .map(|r| (r.row, r.field.as_str()))
            .collect();
        assert_eq!(
            refused,
            vec![
                (3, "Дата"),
                (4, "Дата"),
                (6, "Код"),
                (7, "ФИО"),
                (9, "Группа"),
                (10, "Дата")
            ]
        );
        assert_eq!(read.refused[0].en, "is empty");
        assert!(read.refused[2].ru.contains("9999"));
    }

    #[test]
    fn english_headers_and_commas_are_read() {
        let csv = "Received,Applicant,Code,Text,Group\n\
            2027-03-01,Petrov Petr,0003.0009.0097.0687,Pothole,3\n";
        let rows = read_csv(csv.as_bytes()).unwrap_or_default();
        let read = appeals(&rows, today(), &Dir).unwrap_or_default();
        assert_eq!(read.accepted.len(), 1);
        assert!(read.refused.is_empty());
    }

    #[test]
    fn a_missing_column_refuses_the_file() {
        let rows = read_csv("Дата;ФИО;Текст\n01.03.2027;А Б;т\n".as_bytes()).unwrap_or_default();
        let err = appeals(&rows, today(), &Dir).err();
        assert_eq!(err, Some(RegisterError::MissingColumn("тема".into())));
        assert!(appeals(&[], today(), &Dir).is_err());
    }

    #[test]
    fn assignment_rows_need_a_known_executor_and_a_future_due_date() {
        let csv = "Поручение;Исполнитель;Срок;Основание;Группа\n\
            Отремонтировать дорогу;Иванов И. И.;01.04.2027;Протокол № 3;3\n\
            Проверить;Никто;01.04.2027;;3\n\
            Проверить;Иванов И. И.;01.03.2027;;3\n\
            Проверить;Иванов И. И.;01.04.2027;;9\n";
        let rows = read_csv(csv.as_bytes()).unwrap_or_default();
        let read = assignments(&rows, today(), &Dir).unwrap_or_default();
        assert_eq!(read.accepted.len(), 1);
        let d = &read.accepted[0].1;
        assert_eq!((d.executor_id, d.group_id), (5, 30));
        assert_eq!(d.basis, "Протокол № 3");
        let refused: Vec<(u32, &str)> = read
            .refused
            .iter()
            .map(|r| (r.row, r.field.as_str()))
            .collect();
        assert_eq!(
            refused,
            vec![(3, "Исполнитель"), (4, "Срок"), (5, "Группа")]
        );
    }
}
