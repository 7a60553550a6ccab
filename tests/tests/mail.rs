//! E-mail from the server (issue 17, point 3), end to end against an SMTP sink this test starts on
//! loopback: a meeting's invitation with its calendar file to the members and invited participants
//! who have an address, a document to its requester, reminders to those who chose them, the
//! control sector's digest; the outbox survives a restart, and a refusing SMTP server leads to
//! retries and then a failed message an administrator sees.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use chrono::NaiveDate;
use infogroups_server::Clock;
use infogroups_server::Config;
use infogroups_server::mail::outbox::{self, Letter};
use infogroups_server::mail::{MailConfig, MailTls};
use infogroups_shared::pb;
use infogroups_tests::fixtures::{
    advance_clock_to, api_date, assignment_request, city_ms, id_of, version_of,
};
use infogroups_tests::smtp::SmtpSink;
use infogroups_tests::{Authed, City, STEP, TestServer, code_of};

/// Mail through `sink`, in clear on loopback, retrying after 50 ms, 100 ms… up to 3 attempts.
fn via(sink: &SmtpSink) -> impl FnOnce(&mut Config) + use<> {
    let port = sink.addr().port();
    move |c: &mut Config| {
        c.mail = Some(MailConfig {
            host: "127.0.0.1".into(),
            port,
            tls: MailTls::None,
            credentials: None,
            from: "Инфогруппы <infogroups@test.local>".into(),
            max_attempts: 3,
            retry_base: Duration::from_millis(50),
        });
    }
}

fn letter(to: &str) -> Letter {
    Letter {
        to: vec![to.into()],
        subject: "Поручение 12/2026: срок истекает сегодня".into(),
        body: "Проверка почты".into(),
        attachments: vec![outbox::attachment(
            "protocol.pdf",
            "application/pdf",
            b"%PDF-1.7".to_vec(),
        )],
    }
}

/// The outbox once `done` holds for it: the sender records an outcome just after the SMTP
/// server's answer, so a test that saw the answer looks again until the record is there (at most
/// [`STEP`]).
async fn outbox_until(
    admin: &Authed,
    failed_only: bool,
    done: impl Fn(&[pb::MailItem]) -> bool,
) -> Result<Vec<pb::MailItem>> {
    let deadline = tokio::time::Instant::now() + STEP;
    loop {
        let items = admin
            .maintenance()
            .list_mail(pb::ListMailRequest { failed_only })
            .await?
            .into_inner()
            .items;
        if done(&items) {
            return Ok(items);
        }
        ensure!(
            tokio::time::Instant::now() < deadline,
            "the outbox did not settle: {items:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_outbox_survives_a_restart_and_delivers_after_it() -> Result<()> {
    // Mail is off at first: the message waits in the store.
    let server = TestServer::start_default().await?;
    server
        .db()
        .write(0, |tx| outbox::enqueue(tx, letter("ivanova@test.local")))
        .await?;
    let admin = server.admin().await?;
    let queued = admin
        .maintenance()
        .list_mail(pb::ListMailRequest::default())
        .await?
        .into_inner()
        .items;
    ensure!(queued.len() == 1, "one queued: {queued:?}");
    ensure!(queued[0].state == pb::MailState::Queued as i32);
    ensure!(
        queued[0].attachments[0].data.is_empty() && queued[0].attachments[0].size == 8,
        "a listing leaves the contents out"
    );
    let sink = SmtpSink::start().await?;
    let server = server.restart_with(via(&sink)).await?;
    let got = sink.wait_for(1).await?;
    let mail = got.first().context("one message")?;
    ensure!(mail.rcpt == ["ivanova@test.local"], "{:?}", mail.rcpt);
    ensure!(
        mail.subject() == "Поручение 12/2026: срок истекает сегодня",
        "{}",
        mail.subject()
    );
    ensure!(
        mail.attachments() == [("protocol.pdf".to_string(), "application/pdf".to_string())],
        "{:?}",
        mail.attachments()
    );
    // Sent messages leave the outbox (the outcome is written right after the SMTP answer).
    let admin = server.admin().await?;
    outbox_until(&admin, false, |items| items.is_empty()).await?;
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_refusing_smtp_server_is_retried_then_the_message_is_listed_failed() -> Result<()> {
    let sink = SmtpSink::start_failing().await?;
    let server = TestServer::start(via(&sink)).await?;
    server
        .db()
        .write(0, |tx| outbox::enqueue(tx, letter("petrov@test.local")))
        .await?;
    sink.wait_for(3).await?;
    let admin = server.admin().await?;
    let failed = outbox_until(&admin, true, |items| !items.is_empty()).await?;
    let item = failed.first().context("the message is listed failed")?;
    ensure!(item.attempts == 3, "{item:?}");
    ensure!(
        item.last_error.contains("451") || item.last_error.contains("try again"),
        "{}",
        item.last_error
    );
    ensure!(sink.delivered().is_empty());
    // A message given up keeps no file contents in the store (a document may name a citizen).
    let stored = outbox::all(server.db())?;
    ensure!(
        stored.iter().all(|m| m
            .attachments
            .iter()
            .all(|a| a.data.is_empty() && a.size == 8)),
        "{stored:?}"
    );
    ensure!(
        sink.attempts() == 3,
        "no attempt after giving up: {}",
        sink.attempts()
    );
    server.stop().await?;
    Ok(())
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
}

/// Sets `who`'s mail preferences: an address and the notification kinds wanted by mail.
async fn choose(who: &Authed, email: &str, kinds: &[pb::NotificationKind]) -> Result<()> {
    who.notifications()
        .set_mail_preferences(pb::MailPreferences {
            email: email.into(),
            kinds: kinds.iter().map(|k| *k as i32).collect(),
            ..Default::default()
        })
        .await?;
    Ok(())
}

/// A planned meeting of group A on 20.12.2026, written straight into the store.
async fn planned_meeting(server: &TestServer, group: u64) -> Result<pb::Meeting> {
    let m = pb::Meeting {
        group_id: group,
        date: Some(api_date(day(12, 20))),
        time: "17:00".into(),
        status: pb::MeetingStatus::Planned as i32,
        ..Default::default()
    };
    Ok(server.db().write(0, |tx| tx.create(m, None)).await?)
}

#[tokio::test]
async fn an_invitation_goes_with_its_calendar_file_to_everyone_with_an_address() -> Result<()> {
    let sink = SmtpSink::start().await?;
    let server = TestServer::start(via(&sink)).await?;
    let city = City::build(&server).await?;
    let m = planned_meeting(&server, city.a()).await?;
    let id = id_of(m.meta);
    // A participant's address is checked, and the refusal names the field.
    let bad = city
        .secretary_a
        .meetings()
        .save_participant(pb::SaveParticipantRequest {
            meeting_id: id,
            expected_version: version_of(m.meta),
            participant: Some(pb::Participant {
                name: "Сидорова Анна Викторовна".into(),
                position: "директор школы № 5".into(),
                email: "sidorova.school5".into(),
                status: pb::ParticipantStatus::Invited as i32,
                ..Default::default()
            }),
        })
        .await;
    ensure!(code_of(&bad) == tonic::Code::InvalidArgument, "{bad:?}");
    let why = bad
        .err()
        .map(|s| s.message().to_string())
        .unwrap_or_default();
    ensure!(why.contains("participant.email"), "{why}");
    let bad_phone = city
        .secretary_a
        .meetings()
        .save_participant(pb::SaveParticipantRequest {
            meeting_id: id,
            expected_version: version_of(m.meta),
            participant: Some(pb::Participant {
                name: "Сидорова Анна Викторовна".into(),
                phone: "позвонить".into(),
                status: pb::ParticipantStatus::Invited as i32,
                ..Default::default()
            }),
        })
        .await;
    ensure!(code_of(&bad_phone) == tonic::Code::InvalidArgument);
    let m = city
        .secretary_a
        .meetings()
        .save_participant(pb::SaveParticipantRequest {
            meeting_id: id,
            expected_version: version_of(m.meta),
            participant: Some(pb::Participant {
                name: "Сидорова Анна Викторовна".into(),
                position: "директор школы № 5".into(),
                email: "sidorova@school5.test".into(),
                phone: "+7 (86369) 2-15-40".into(),
                status: pb::ParticipantStatus::Invited as i32,
                ..Default::default()
            }),
        })
        .await?
        .into_inner();
    ensure!(
        m.participants
            .iter()
            .any(|p| p.email == "sidorova@school5.test" && p.phone == "+7 (86369) 2-15-40")
    );
    choose(&city.leader_a, "leader.a@city.test", &[]).await?;
    choose(&city.secretary_a, "secretary.a@city.test", &[]).await?;
    // A member of another group may not send it.
    let foreign = city
        .secretary_b
        .meetings()
        .mail_invitation(pb::MailInvitationRequest { meeting_id: id })
        .await;
    ensure!(
        matches!(
            code_of(&foreign),
            tonic::Code::NotFound | tonic::Code::PermissionDenied
        ),
        "{foreign:?}"
    );
    let queued = city
        .secretary_a
        .meetings()
        .mail_invitation(pb::MailInvitationRequest { meeting_id: id })
        .await?
        .into_inner();
    let mut expected = vec![
        "leader.a@city.test".to_string(),
        "secretary.a@city.test".into(),
        "sidorova@school5.test".into(),
    ];
    expected.sort();
    ensure!(queued.recipients == expected, "{queued:?}");
    ensure!(
        !queued.skipped.is_empty(),
        "the member without an address is named: {queued:?}"
    );
    let got = sink.wait_for(3).await?;
    let mut rcpt: Vec<String> = got.iter().flat_map(|d| d.rcpt.clone()).collect();
    rcpt.sort();
    ensure!(rcpt == expected, "one message each: {rcpt:?}");
    for mail in &got {
        ensure!(
            mail.subject()
                .starts_with("Приглашение: выездная встреча информационной группы"),
            "{}",
            mail.subject()
        );
        ensure!(
            mail.attachments() == [(format!("meeting-{id}.ics"), "text/calendar".to_string())],
            "{:?}",
            mail.attachments()
        );
        ensure!(
            mail.text().contains("BEGIN:VCALENDAR"),
            "the calendar file is inside"
        );
    }
    drop(city);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_document_goes_only_to_its_requesters_own_address() -> Result<()> {
    let sink = SmtpSink::start().await?;
    let server = TestServer::start(via(&sink)).await?;
    let city = City::build(&server).await?;
    let m = planned_meeting(&server, city.a()).await?;
    let export = pb::ExportRequest {
        kind: pb::ExportKind::Announcement as i32,
        format: pb::FileFormat::Docx as i32,
        id: id_of(m.meta),
        ..Default::default()
    };
    // No address yet: refused, nothing queued.
    let none = city.secretary_a.reports().mail_export(export.clone()).await;
    ensure!(
        code_of(&none) == tonic::Code::FailedPrecondition,
        "{none:?}"
    );
    // Someone who may not see the meeting gets what Export gives them: NotFound.
    choose(&city.secretary_b, "secretary.b@city.test", &[]).await?;
    let foreign = city.secretary_b.reports().mail_export(export.clone()).await;
    ensure!(code_of(&foreign) == tonic::Code::NotFound, "{foreign:?}");
    choose(&city.secretary_a, "secretary.a@city.test", &[]).await?;
    let queued = city
        .secretary_a
        .reports()
        .mail_export(export)
        .await?
        .into_inner();
    ensure!(queued.recipients == ["secretary.a@city.test"], "{queued:?}");
    let got = sink.wait_for(1).await?;
    let mail = got.first().context("one message")?;
    ensure!(mail.rcpt == ["secretary.a@city.test"]);
    ensure!(
        mail.subject() == "Инфогруппы: выгруженный документ",
        "{}",
        mail.subject()
    );
    let files = mail.attachments();
    ensure!(
        files.len() == 1
            && files[0].0.ends_with(".docx")
            && files[0].1
                == "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "{files:?}"
    );
    drop(city);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn reminders_come_by_mail_to_those_who_chose_them_and_the_control_sector_gets_a_digest()
-> Result<()> {
    let sink = SmtpSink::start().await?;
    let mail = via(&sink);
    // Thursday 30.04.2026: the 2nd working day after it is Tuesday 05.05.
    let server = TestServer::start(|c| {
        mail(c);
        c.clock = Clock::training(city_ms(day(4, 30), 9));
        c.token_ttl = Duration::from_secs(365 * 24 * 3600);
    })
    .await?;
    let city = City::build(&server).await?;
    // Preferences are checked: an address, known kinds, the digest for the control sector only.
    let bad = city
        .executor
        .notifications()
        .set_mail_preferences(pb::MailPreferences {
            email: "executor at city".into(),
            ..Default::default()
        })
        .await;
    ensure!(code_of(&bad) == tonic::Code::InvalidArgument, "{bad:?}");
    let not_control = city
        .executor
        .notifications()
        .set_mail_preferences(pb::MailPreferences {
            email: "executor@city.test".into(),
            control_digest: true,
            ..Default::default()
        })
        .await;
    ensure!(
        code_of(&not_control) == tonic::Code::InvalidArgument,
        "{not_control:?}"
    );
    choose(
        &city.executor,
        "executor@city.test",
        &[
            pb::NotificationKind::Reminder,
            pb::NotificationKind::Overdue,
        ],
    )
    .await?;
    let read = city
        .executor
        .notifications()
        .get_mail_preferences(pb::GetMailPreferencesRequest {})
        .await?
        .into_inner();
    ensure!(
        read.email == "executor@city.test" && read.kinds.len() == 2,
        "{read:?}"
    );
    city.control
        .notifications()
        .set_mail_preferences(pb::MailPreferences {
            email: "control@city.test".into(),
            kinds: Vec::new(),
            control_digest: true,
            ..Default::default()
        })
        .await?;
    // The controller (group A's secretary) chose nothing: no mail to them.
    let task = city
        .leader_a
        .assignments()
        .create_assignment(pb::CreateAssignmentRequest {
            deadline: Some(api_date(day(5, 5))),
            ..assignment_request(city.a(), city.executor.user_id)
        })
        .await?
        .into_inner();
    // The reminder two working days ahead, and the control sector's digest of the day.
    advance_clock_to(&city.admin, day(4, 30), 12).await?;
    let got = sink.wait_for(2).await?;
    let to_executor: Vec<_> = got
        .iter()
        .filter(|d| d.rcpt == ["executor@city.test"])
        .collect();
    ensure!(to_executor.len() == 1, "{got:?}");
    ensure!(
        to_executor[0].subject() == "Инфогруппы: срок приближается",
        "{}",
        to_executor[0].subject()
    );
    ensure!(
        to_executor[0].text().contains(&task.number),
        "the body names the assignment"
    );
    let digest = got
        .iter()
        .find(|d| d.rcpt == ["control@city.test"])
        .context("the control sector's digest")?;
    ensure!(digest.subject().contains("сводка"), "{}", digest.subject());
    ensure!(
        digest.text().contains("Поручений на исполнении: 1"),
        "{}",
        digest.text()
    );
    // Past the deadline: the overdue mark comes by mail too, and the control sector's digest of
    // that day (the clock jumps over 05.05, so no "due today" reminder).
    advance_clock_to(&city.admin, day(5, 6), 9).await?;
    let got = sink.wait_for(4).await?;
    ensure!(
        got.iter()
            .any(|d| d.rcpt == ["executor@city.test"] && d.subject() == "Инфогруппы: срок истёк"),
        "{:?}",
        got.iter()
            .map(|d| (d.rcpt.clone(), d.subject()))
            .collect::<Vec<_>>()
    );
    let digests = got
        .iter()
        .filter(|d| d.rcpt == ["control@city.test"])
        .count();
    ensure!(digests >= 2, "a digest a day: {digests}");
    ensure!(
        !got.iter()
            .any(|d| d.rcpt.iter().any(|r| r.contains("secretary"))),
        "nobody gets mail they did not choose"
    );
    drop(city);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_protocol_due_for_handover_is_mailed_to_the_secretary_who_chose_it() -> Result<()> {
    let sink = SmtpSink::start().await?;
    let mail = via(&sink);
    let server = TestServer::start(|c| {
        mail(c);
        c.clock = Clock::training(city_ms(day(4, 30), 9));
        c.token_ttl = Duration::from_secs(365 * 24 * 3600);
    })
    .await?;
    let city = City::build(&server).await?;
    // The outbox is the administrators' to read.
    let denied = city
        .secretary_a
        .maintenance()
        .list_mail(pb::ListMailRequest::default())
        .await;
    ensure!(
        code_of(&denied) == tonic::Code::PermissionDenied,
        "{denied:?}"
    );
    choose(
        &city.secretary_a,
        "secretary.a@city.test",
        &[pb::NotificationKind::ProtocolLate],
    )
    .await?;
    // Held on 28.04, signed, due to the control sector by 05.05 and not handed over yet.
    let m = pb::Meeting {
        group_id: city.a(),
        date: Some(api_date(day(4, 28))),
        time: "17:00".into(),
        status: pb::MeetingStatus::ProtocolSigned as i32,
        handover: Some(pb::Handover {
            due: Some(pb::Deadline {
                date: Some(api_date(day(5, 5))),
                predicted: false,
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    server.db().write(0, |tx| tx.create(m, None)).await?;
    advance_clock_to(&city.admin, day(4, 30), 12).await?;
    let got = sink.wait_for(1).await?;
    let mail = got.first().context("one message")?;
    ensure!(mail.rcpt == ["secretary.a@city.test"], "{:?}", mail.rcpt);
    ensure!(
        mail.subject() == "Инфогруппы: срок передачи протокола",
        "{}",
        mail.subject()
    );
    ensure!(mail.text().contains("05.05.2026"), "{}", mail.text());
    drop(city);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn starttls_is_never_downgraded_to_clear_text() -> Result<()> {
    // The sink offers no STARTTLS: a server set to require it sends nothing in clear.
    let sink = SmtpSink::start().await?;
    let clear = via(&sink);
    let server = TestServer::start(|c| {
        clear(c);
        if let Some(m) = c.mail.as_mut() {
            m.tls = MailTls::StartTls;
        }
    })
    .await?;
    server
        .db()
        .write(0, |tx| outbox::enqueue(tx, letter("ivanova@test.local")))
        .await?;
    let admin = server.admin().await?;
    let failed = outbox_until(&admin, true, |items| !items.is_empty()).await?;
    let item = failed.first().context("given up")?;
    ensure!(!item.last_error.is_empty(), "{item:?}");
    ensure!(
        sink.delivered().is_empty(),
        "nothing was handed over in clear"
    );
    server.stop().await?;
    Ok(())
}
