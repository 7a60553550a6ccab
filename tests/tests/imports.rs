//! Registers imported from spreadsheets (`ImportAppeals`): a preview names what would be
//! registered and every refused row with its reason, and writes nothing; the commit registers
//! exactly the good rows through the usual registration; the same file imported again creates
//! nothing new; a caller who may not register appeals is refused. Both CSV and XLSX are read.

use chrono::{Days, NaiveDate};
use infogroups_shared::pb;
use infogroups_tests::answer::{ok, refused};
use infogroups_tests::fixtures::{id_of, save_territory, today};
use infogroups_tests::{Authed, City, TestServer};
use rust_xlsxwriter::Workbook;
use tonic::Code;

/// «Перебои в электроснабжении», a built-in question.
const POWER: &str = "0005.0005.0056.1153";

fn ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// The register's rows after its header: two good, four bad (no date, a date in the future, an
/// unknown code, an unknown group), in the order the assertions below expect.
fn rows(group: u32, yesterday: NaiveDate, tomorrow: NaiveDate) -> Vec<[String; 6]> {
    let g = group.to_string();
    let row = |date: &str, who: &str, code: &str, text: &str, group: &str| {
        [
            date.to_string(),
            who.to_string(),
            "ул. Ленина, 5".to_string(),
            code.to_string(),
            text.to_string(),
            group.to_string(),
        ]
    };
    vec![
        row(
            &ru(yesterday),
            "Петрова Ольга Сергеевна",
            POWER,
            "Нет света",
            &g,
        ),
        row("", "Петрова Ольга", POWER, "Без даты", &g),
        row(&ru(tomorrow), "Петрова Ольга", POWER, "Из будущего", &g),
        row(
            &ru(yesterday),
            "Петрова Ольга",
            "0001.0001.0001.0001",
            "Код",
            &g,
        ),
        row(
            &ru(yesterday),
            "Петрова Ольга",
            POWER,
            "Группа",
            "Группа № 99",
        ),
        row(&ru(yesterday), "", POWER, "Анонимно: опять нет света", &g),
    ]
}

const HEADER: [&str; 6] = ["Дата", "ФИО", "Адрес", "Тема", "Текст", "Группа"];

fn csv(rows: &[[String; 6]]) -> Vec<u8> {
    let mut out = HEADER.join(";");
    for r in rows {
        out.push('\n');
        out.push_str(&r.join(";"));
    }
    out.into_bytes()
}

fn xlsx(rows: &[[String; 6]]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            // The group as a number, as a spreadsheet keeps it.
            match cell.parse::<f64>() {
                Ok(n) if c == 5 => sheet.write_number(r, c, n).map(|_| ()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            }
            .expect("cell");
        }
    }
    book.save_to_buffer().expect("xlsx")
}

async fn import(
    who: &Authed,
    name: &str,
    content: &[u8],
    commit: bool,
) -> Result<tonic::Response<pb::ImportRegisterResponse>, tonic::Status> {
    who.appeals()
        .import_appeals(pb::ImportRegisterRequest {
            file_name: name.into(),
            content: content.to_vec(),
            commit,
        })
        .await
}

async fn count(who: &Authed) -> usize {
    ok(
        who.appeals()
            .list_appeals(pb::ListAppealsRequest::default())
            .await,
        "ListAppeals",
    )
    .appeals
    .len()
}

/// The refused rows as (row, column).
fn refusals(r: &pb::ImportRegisterResponse) -> Vec<(u32, String)> {
    r.refused.iter().map(|x| (x.row, x.field.clone())).collect()
}

async fn check(city: &City, name: &str, content: Vec<u8>) {
    let who = &city.secretary_a;
    let before = count(&city.general).await;
    let preview = ok(import(who, name, &content, false).await, "preview");
    assert_eq!(
        count(&city.general).await,
        before,
        "a preview writes nothing"
    );
    let shown: Vec<u32> = preview.accepted.iter().map(|a| a.row).collect();
    assert_eq!(shown, vec![2, 7], "{name}: {preview:?}");
    assert!(preview.accepted.iter().all(|a| a.id == 0));
    assert_eq!(
        refusals(&preview),
        vec![
            (3, "Дата".to_string()),
            (4, "Дата".to_string()),
            (5, "Тема".to_string()),
            (6, "Группа".to_string()),
        ],
        "{name}"
    );
    assert_eq!(preview.refused[0].reason_en, "is empty");
    assert_eq!(preview.refused[1].reason_en, "is in the future");
    assert!(preview.refused[3].reason_ru.contains("Группа № 99"));
    assert!(
        !preview
            .accepted
            .iter()
            .any(|a| a.summary.contains("Петрова")),
        "the preview carries no personal data"
    );

    let done = ok(import(who, name, &content, true).await, "commit");
    assert_eq!(done.accepted.len(), 2, "{done:?}");
    assert!(
        done.accepted
            .iter()
            .all(|a| a.id != 0 && !a.number.is_empty())
    );
    assert_eq!(refusals(&done), refusals(&preview));
    assert_eq!(count(&city.general).await, before + 2);
    let first = ok(
        city.general
            .appeals()
            .get_appeal(pb::GetAppealRequest {
                appeal_id: done.accepted[0].id,
            })
            .await,
        "GetAppeal",
    );
    let citizen = first.citizen.unwrap_or_default();
    assert_eq!(
        (citizen.surname.as_str(), citizen.patronymic.as_str()),
        ("Петрова", "Сергеевна")
    );
    assert!(first.due.is_some(), "the deadline is the registration's");

    let again = ok(import(who, name, &content, true).await, "again");
    assert_eq!(count(&city.general).await, before + 2, "nothing new");
    let ids = |r: &pb::ImportRegisterResponse| r.accepted.iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&done), "the same records come back");
    assert_eq!(again.file_sha256, done.file_sha256);
}

#[tokio::test]
async fn appeal_registers_import_from_csv_and_xlsx() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let territory = save_territory(&city.admin, "Микрорайон Соцгород")
        .await
        .expect("territory");
    let mut g = city.group_a.clone();
    g.territory_ids.push(id_of(territory.meta));
    ok(
        city.admin
            .groups()
            .update_group(pb::UpdateGroupRequest {
                expected_version: g.meta.map_or(0, |m| m.version),
                group: Some(g.clone()),
                reason: "Закреплена территория".into(),
            })
            .await,
        "UpdateGroup",
    );
    let now = today(server.clock());
    let yesterday = now.checked_sub_days(Days::new(1)).expect("a day");
    let tomorrow = now.checked_add_days(Days::new(1)).expect("a day");
    let register = rows(g.number, yesterday, tomorrow);
    check(&city, "реестр.csv", csv(&register)).await;
    // Another file (its bytes differ) of the same rows is another import.
    check(&city, "реестр.xlsx", xlsx(&register)).await;

    let denied = import(&city.member_a, "реестр.csv", &csv(&register), false).await;
    refused(denied, Code::PermissionDenied, "");
    let broken = import(&city.secretary_a, "реестр.xlsx", b"not a workbook", false).await;
    refused(broken, Code::InvalidArgument, "");
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn assignment_registers_import_once_with_refused_rows_named() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let now = today(server.clock());
    let due = ru(now.checked_add_days(Days::new(20)).expect("a day"));
    let past = ru(now.checked_sub_days(Days::new(2)).expect("a day"));
    let g = city.group_a.number.to_string();
    let file = format!(
        "Поручение;Исполнитель;Срок;Основание;Группа\n\
         Отремонтировать освещение;executor;{due};Протокол № 3;{g}\n\
         Проверить;никто;{due};;{g}\n\
         Проверить;executor;{past};;{g}\n\
         ;executor;{due};;{g}\n\
         Вывезти мусор;executor;{due};;{g}\n"
    )
    .into_bytes();
    let assignments = |who: &Authed| {
        let who = who.clone();
        async move {
            ok(
                who.assignments()
                    .list_assignments(pb::ListAssignmentsRequest::default())
                    .await,
                "ListAssignments",
            )
            .assignments
            .len()
        }
    };
    let import = |who: &Authed, commit: bool| {
        let (who, content) = (who.clone(), file.clone());
        async move {
            who.assignments()
                .import_assignments(pb::ImportRegisterRequest {
                    file_name: "поручения.csv".into(),
                    content,
                    commit,
                })
                .await
        }
    };
    let before = assignments(&city.control).await;
    let preview = ok(import(&city.leader_a, false).await, "preview");
    assert_eq!(
        assignments(&city.control).await,
        before,
        "a preview writes nothing"
    );
    assert_eq!(
        preview.accepted.iter().map(|a| a.row).collect::<Vec<_>>(),
        vec![2, 6]
    );
    assert_eq!(
        refusals(&preview),
        vec![
            (3, "Исполнитель".to_string()),
            (4, "Срок".to_string()),
            (5, "Поручение".to_string()),
        ]
    );
    let done = ok(import(&city.leader_a, true).await, "commit");
    assert_eq!(done.accepted.len(), 2, "{done:?}");
    assert_eq!(assignments(&city.control).await, before + 2);
    let first = ok(
        city.leader_a
            .assignments()
            .get_assignment(pb::GetAssignmentRequest {
                assignment_id: done.accepted[0].id,
            })
            .await,
        "GetAssignment",
    );
    assert!(first.text.contains("Протокол № 3"), "{}", first.text);
    let again = ok(import(&city.leader_a, true).await, "again");
    assert_eq!(assignments(&city.control).await, before + 2, "nothing new");
    assert_eq!(
        again.accepted.iter().map(|a| a.id).collect::<Vec<_>>(),
        done.accepted.iter().map(|a| a.id).collect::<Vec<_>>()
    );
    refused(
        import(&city.member_a, false).await,
        Code::PermissionDenied,
        "",
    );
    server.stop().await.expect("stop");
}
