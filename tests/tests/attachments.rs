//! Files kept on records (`AttachmentService`): an upload in chunks comes back byte for byte
//! with the SHA-256 the server computed; a file over the limit is refused and nothing is kept;
//! need-to-know holds for the files as for the record, and every fetch is audited; a
//! depersonalisation removes the citizen's files; a backup carries them; a handover can require
//! the protocol's scan; a SIGKILL during an upload leaves the whole file or nothing.

use std::path::Path;

use chrono::NaiveDate;
use infogroups_server::attachments;
use infogroups_server::entity::Kind;
use infogroups_server::{Clock, Config};
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;
use infogroups_tests::answer::{ok, refused};
use infogroups_tests::child::ChildServer;
use infogroups_tests::fixtures::{
    api_date, city_ms, create_assignment, create_group, create_user, global, id_of, request_id,
};
use infogroups_tests::offline::{check_store, restore_and_check};
use infogroups_tests::test_server_exe;
use infogroups_tests::{ADMIN_PASSWORD, Authed, City, TEST_PASSWORD, TestServer, login};
use sha2::{Digest, Sha256};
use tonic::{Code, Response, Status};

/// «Перебои в электроснабжении».
const POWER: &str = "0005.0005.0056.1153";

/// The limit these tests run with: small, so going over it is cheap.
const LIMIT: u64 = 2 << 20;

fn d(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a real date")
}

/// A scan: a PDF header, then `len` bytes that are not one repeated chunk.
fn scan(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..len).map(|i| ((i * 31 + i / 977) % 251) as u8));
    bytes
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn record(kind: pb::RecordKind, id: u64) -> Option<pb::RecordRef> {
    Some(pb::RecordRef {
        kind: kind as i32,
        id,
    })
}

/// The upload of `bytes` as `name` onto a record, in messages of `piece` bytes.
fn messages(
    on: Option<pb::RecordRef>,
    name: &str,
    bytes: &[u8],
    piece: usize,
) -> Vec<pb::AttachmentUpload> {
    let mut out: Vec<pb::AttachmentUpload> = bytes
        .chunks(piece)
        .map(|data| pb::AttachmentUpload {
            data: data.to_vec(),
            ..Default::default()
        })
        .collect();
    if out.is_empty() {
        out.push(pb::AttachmentUpload::default());
    }
    out[0].record = on;
    out[0].file_name = name.to_string();
    out
}

async fn upload(
    who: &Authed,
    on: Option<pb::RecordRef>,
    name: &str,
    bytes: &[u8],
) -> Result<Response<pb::Attachment>, Status> {
    let stream = futures::stream::iter(messages(on, name, bytes, 64 << 10));
    who.attachments().upload(stream).await
}

async fn list(who: &Authed, on: Option<pb::RecordRef>) -> Result<Vec<pb::Attachment>, Status> {
    Ok(who
        .attachments()
        .list_attachments(pb::ListAttachmentsRequest { record: on })
        .await?
        .into_inner()
        .attachments)
}

/// The file's description and bytes, as the download stream brings them.
async fn download(
    who: &Authed,
    on: Option<pb::RecordRef>,
    attachment_id: u64,
) -> Result<(pb::Attachment, Vec<u8>), Status> {
    let mut stream = who
        .attachments()
        .download(pb::DownloadAttachmentRequest {
            record: on,
            attachment_id,
        })
        .await?
        .into_inner();
    let mut described = None;
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.message().await? {
        if let Some(a) = chunk.attachment {
            described = Some(a);
        }
        bytes.extend_from_slice(&chunk.data);
    }
    Ok((described.unwrap_or_default(), bytes))
}

fn citizen() -> pb::Citizen {
    pb::Citizen {
        surname: "Лепёхина".into(),
        first_name: "Ариадна".into(),
        patronymic: "Саввична".into(),
        postal_address: "ул. Шолоховская, д. 12".into(),
        contact: "8 928 765-43-21".into(),
        workplace: String::new(),
    }
}

async fn register(who: &Authed, group_id: u64, today: NaiveDate) -> pb::Appeal {
    ok(
        who.appeals()
            .register_appeal(pb::RegisterAppealRequest {
                request_id: request_id("appeal"),
                appeal: Some(pb::Appeal {
                    received: Some(api_date(today)),
                    channel: pb::Channel::Post as i32,
                    kind: pb::AppealKind::Application as i32,
                    group_id,
                    questions: vec![pb::AppealQuestion {
                        classifier_code: POWER.into(),
                        r#type: pb::QuestionType::Application as i32,
                        ..Default::default()
                    }],
                    citizen: Some(citizen()),
                    text: "Прошу починить фонари".into(),
                    ..Default::default()
                }),
                repeated_confirmed: true,
            })
            .await,
        "RegisterAppeal",
    )
}

async fn start(today: NaiveDate, tweak: impl FnOnce(&mut Config)) -> (TestServer, City) {
    let server = TestServer::start(|c| {
        c.clock = Clock::manual(city_ms(today, 12));
        c.token_ttl = std::time::Duration::from_secs(20 * 366 * 24 * 3600);
        c.attachment_max_bytes = LIMIT;
        tweak(c);
    })
    .await
    .expect("server");
    let city = City::build(&server).await.expect("city");
    (server, city)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_comes_back_whole_only_to_those_who_may_read_it_and_each_fetch_is_audited() {
    let today = d(2026, 4, 6);
    let (server, c) = start(today, |_| {}).await;
    let appeal = register(&c.secretary_a, c.a(), today).await;
    let on = record(pb::RecordKind::Appeal, id_of(appeal.meta));
    // Not a whole number of stored chunks, nor of upload messages.
    let letter = scan(1_300_000 + 17);
    let kept = ok(
        upload(&c.secretary_a, on, " письмо Лепёхиной.pdf ", &letter).await,
        "Upload",
    );
    assert_eq!(kept.file_name, "письмо Лепёхиной.pdf");
    assert_eq!(kept.size, letter.len() as u64);
    assert_eq!(kept.sha256, sha(&letter), "computed by the server");
    assert_eq!(kept.media_type, "application/pdf", "told from the bytes");
    assert_eq!(kept.uploaded_by, c.secretary_a.user_id);
    assert_eq!(kept.uploaded_at_ms, city_ms(today, 12));
    assert_eq!(kept.chunks, 5, "kept in chunks of 256 KiB, never one value");

    let listed = ok(
        c.secretary_a
            .attachments()
            .list_attachments(pb::ListAttachmentsRequest { record: on })
            .await,
        "ListAttachments",
    );
    assert_eq!(listed.attachments, vec![kept.clone()]);

    let (described, bytes) = download(&c.general, on, kept.id).await.expect("Download");
    assert_eq!(described, kept);
    assert_eq!(sha(&bytes), kept.sha256);
    assert!(bytes == letter, "byte for byte");

    // The fetch is in the view log, as a view of the citizen's record.
    let views = ok(
        c.admin
            .audit()
            .list_audit(pb::ListAuditRequest {
                action: "view_personal_data".into(),
                actor_id: c.general.user_id,
                entity_kind: "appeal".into(),
                entity_id: id_of(appeal.meta),
                ..Default::default()
            })
            .await,
        "ListAudit",
    );
    assert_eq!(views.records.len(), 1, "{views:?}");

    // A member of another group does not see the appeal: its files do not exist for them.
    refused(
        list(&c.member_b, on).await.map(Response::new),
        Code::NotFound,
        "",
    );
    refused(
        download(&c.member_b, on, kept.id).await.map(Response::new),
        Code::NotFound,
        "",
    );
    refused(
        upload(&c.member_b, on, "x.pdf", b"%PDF-").await,
        Code::NotFound,
        "",
    );
    // A member of the group sees the appeal and the list, not the citizen's letter.
    assert_eq!(
        list(&c.member_a, on).await.expect("list"),
        vec![kept.clone()]
    );
    refused(
        download(&c.member_a, on, kept.id).await.map(Response::new),
        Code::PermissionDenied,
        "personal data",
    );
    refused(
        upload(&c.member_a, on, "x.pdf", b"%PDF-").await,
        Code::PermissionDenied,
        "",
    );
    // Asking for the file under another record finds nothing.
    let elsewhere = register(&c.secretary_a, c.a(), today).await;
    refused(
        download(
            &c.secretary_a,
            record(pb::RecordKind::Appeal, id_of(elsewhere.meta)),
            kept.id,
        )
        .await
        .map(Response::new),
        Code::NotFound,
        "",
    );
    drop(c);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_over_the_limit_is_refused_naming_the_field_and_nothing_is_kept() {
    let today = d(2026, 4, 6);
    let (server, c) = start(today, |_| {}).await;
    let task = create_assignment(&c.leader_a, c.a(), c.executor.user_id)
        .await
        .expect("assignment");
    let on = record(pb::RecordKind::Assignment, id_of(task.meta));
    let before = server.db().store().scan(b"z/", None, 10).expect("scan");
    let over = vec![7u8; LIMIT as usize + 1];
    let s = refused(
        upload(&c.executor, on, "отчёт.jpg", &over).await,
        Code::InvalidArgument,
        "over the limit of 2 MB",
    );
    let field = FieldError::from_status(&s).expect("a field error");
    assert_eq!(field.field, "data");
    assert!(field.ru.contains("2 МБ"), "{}", field.ru);
    assert!(list(&c.executor, on).await.expect("list").is_empty());
    let after = server.db().store().scan(b"z/", None, 10).expect("scan");
    assert_eq!(before, after, "no chunk of it was stored");
    // Exactly the limit is kept; the type comes from the name when the bytes do not tell.
    let at_limit = vec![7u8; LIMIT as usize];
    let kept = ok(
        upload(&c.executor, on, "отчёт.jpg", &at_limit).await,
        "Upload at the limit",
    );
    assert_eq!((kept.size, kept.media_type.as_str()), (LIMIT, "image/jpeg"));
    // A media type the client gives is kept when it reads as one, refused by name when not.
    let mut typed = messages(on, "отчёт.bin", b"\0\0", 64);
    typed[0].media_type = "Image/HEIC".into();
    let kept = ok(
        c.executor
            .attachments()
            .upload(futures::stream::iter(typed.clone()))
            .await,
        "Upload with a media type",
    );
    assert_eq!(kept.media_type, "image/heic");
    typed[0].media_type = "x".repeat(101);
    let s = refused(
        c.executor
            .attachments()
            .upload(futures::stream::iter(typed))
            .await,
        Code::InvalidArgument,
        "media type",
    );
    assert_eq!(
        FieldError::from_status(&s).map(|f| f.field).as_deref(),
        Some("media_type")
    );
    // A name with a folder in it is refused by name.
    let s = refused(
        upload(&c.executor, on, "../отчёт.jpg", b"x").await,
        Code::InvalidArgument,
        "",
    );
    assert_eq!(
        FieldError::from_status(&s).map(|f| f.field).as_deref(),
        Some("file_name")
    );
    drop(c);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_carries_the_files_and_a_depersonalisation_removes_the_citizens() {
    let today = d(2026, 1, 15);
    let (server, c) = start(today, |_| {}).await;
    let appeal = register(&c.secretary_a, c.a(), today).await;
    let appeal_id = id_of(appeal.meta);
    let on_appeal = record(pb::RecordKind::Appeal, appeal_id);
    let letter = scan(600_000);
    let kept = ok(
        upload(&c.secretary_a, on_appeal, "письмо.pdf", &letter).await,
        "Upload the letter",
    );
    let task = create_assignment(&c.leader_a, c.a(), c.executor.user_id)
        .await
        .expect("assignment");
    let on_task = record(pb::RecordKind::Assignment, id_of(task.meta));
    let report = scan(1000);
    let reported = ok(
        upload(&c.executor, on_task, "отчёт.pdf", &report).await,
        "Upload the report",
    );

    // The backup holds both, whole: restored offline, they read back with the same hashes.
    let backup = ok(
        c.admin
            .maintenance()
            .backup(pb::BackupRequest {
                name: "with-files.igbak".into(),
            })
            .await,
        "Backup",
    );
    let restored = tempfile::tempdir().expect("restore directory");
    let (checked, db) =
        restore_and_check(Path::new(&backup.path), restored.path()).expect("a sound restore");
    assert_eq!(checked.files, 2, "both files, whole, by the store check");
    for (kind, id, file, bytes) in [
        (Kind::Appeal, appeal_id, &kept, &letter),
        (Kind::Assignment, id_of(task.meta), &reported, &report),
    ] {
        let copy = attachments::get(&db, kind, id, file.id)
            .expect("read")
            .expect("in the backup");
        assert_eq!(&copy, file);
        let mut back = Vec::new();
        for index in 0..copy.chunks {
            back.extend(attachments::chunk(&db, &copy, index).expect("chunk"));
        }
        assert_eq!(sha(&back), sha(bytes));
    }
    db.close().await.expect("close");
    drop(db);

    // Past retention the citizen goes, and the letter with them; the report stays.
    server.clock().set_ms(city_ms(d(2031, 2, 1), 12));
    let done = ok(
        c.admin
            .appeals()
            .depersonalise(pb::DepersonaliseRequest { dry_run: false })
            .await,
        "Depersonalise",
    );
    assert_eq!(done.appeals, 1);
    assert!(
        list(&c.secretary_a, on_appeal)
            .await
            .expect("list")
            .is_empty()
    );
    for index in 0..kept.chunks {
        let key = infogroups_server::db::keys::attachment_chunk(kept.id, index);
        assert_eq!(
            server.db().get_raw(&key).expect("read"),
            None,
            "chunk {index}"
        );
    }
    assert_eq!(
        list(&c.executor, on_task).await.expect("list"),
        vec![reported.clone()]
    );
    refused(
        upload(&c.secretary_a, on_appeal, "ещё.pdf", b"%PDF-").await,
        Code::FailedPrecondition,
        "depersonalised",
    );
    drop(c);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_during_an_upload_leaves_nothing_and_after_the_last_message_the_whole_file() {
    let dir = tempfile::tempdir().expect("data directory");
    let server = ChildServer::spawn(test_server_exe!(), dir.path())
        .await
        .expect("server");
    let admin = login(server.addr(), "admin", ADMIN_PASSWORD)
        .await
        .expect("admin");
    create_user(&admin, "clerk", &[global(pb::Role::GeneralDepartment)])
        .await
        .expect("clerk");
    let leader = create_user(&admin, "leader", &[]).await.expect("leader");
    let secretary = create_user(&admin, "secretary", &[])
        .await
        .expect("secretary");
    let group = create_group(&admin, 1, id_of(leader.meta), id_of(secretary.meta), &[])
        .await
        .expect("group");
    let clerk_session = login(server.addr(), "clerk", TEST_PASSWORD)
        .await
        .expect("clerk");
    let today = infogroups_shared::city_time::date_at(Clock::system().now_ms());
    let appeal = register(&clerk_session, id_of(group.meta), today).await;
    let on = record(pb::RecordKind::Appeal, id_of(appeal.meta));

    // Half of the file is sent, each message taken by the connection before the next is
    // queued, and the stream stays open: the server is killed in the middle of the upload.
    let file = scan(3 << 20);
    let sent = messages(on, "скан.pdf", &file, 256 << 10);
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let mut client = clerk_session.attachments();
    let call = tokio::spawn(async move {
        client
            .upload(tokio_stream::wrappers::ReceiverStream::new(rx))
            .await
    });
    for m in sent.iter().take(sent.len() / 2) {
        tx.send(m.clone()).await.expect("taken by the connection");
    }
    drop((admin, clerk_session));
    let mut files_after_kill = None;
    let server = server
        .kill_and_restart_with(&[], |dir| {
            files_after_kill = Some(check_store(dir)?.files);
            Ok(())
        })
        .await
        .expect("SIGKILL, a sound store, and a restart");
    assert_eq!(
        files_after_kill,
        Some(0),
        "no file, and no chunk without one"
    );
    let answer = call.await.expect("the call ends");
    assert!(answer.is_err(), "a cut upload cannot be kept: {answer:?}");
    drop(tx);
    let clerk_session = login(server.addr(), "clerk", TEST_PASSWORD)
        .await
        .expect("clerk after the restart");
    assert!(
        list(&clerk_session, on).await.expect("list").is_empty(),
        "nothing of the cut upload is kept"
    );

    // Every message sent and the stream ended, and the server killed at once, while it may be
    // writing the file: it is kept whole or not at all, and kept if it was acknowledged.
    let mut client = clerk_session.attachments();
    let call = tokio::spawn(async move { client.upload(futures::stream::iter(sent)).await });
    let mut files_after_kill = None;
    let server = server
        .kill_and_restart_with(&[], |dir| {
            // Sound: a file is whole (all its chunks, its size and SHA-256) or absent.
            files_after_kill = Some(check_store(dir)?.files);
            Ok(())
        })
        .await
        .expect("SIGKILL, a sound store, and a restart");
    let acked = call.await.expect("the call ends").is_ok();
    drop(clerk_session);
    let clerk_session = login(server.addr(), "clerk", TEST_PASSWORD)
        .await
        .expect("clerk after the second restart");
    let kept = list(&clerk_session, on).await.expect("list");
    assert!(kept.len() <= 1, "{kept:?}");
    assert_eq!(files_after_kill, Some(kept.len() as u64));
    if acked {
        assert_eq!(kept.len(), 1, "an acknowledged upload survives");
    }
    for k in &kept {
        let (_, bytes) = download(&clerk_session, on, k.id).await.expect("download");
        assert_eq!(sha(&bytes), sha(&file), "whole");
        assert_eq!(k.sha256, sha(&file));
    }
    println!(
        "killed right after the last message: kept {}, acknowledged {acked}",
        kept.len()
    );
    drop(clerk_session);
    let status = server.terminate().await.expect("SIGTERM");
    assert!(status.success());
}
