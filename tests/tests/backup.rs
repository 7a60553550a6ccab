//! Online backup under load (issue 8, point 6): writers keep writing while the administrator takes
//! a backup through `MaintenanceService.Backup`. The file restores — offline, as `admin restore`
//! does — into a fresh directory as a store that passes the integrity check, holds every write
//! acknowledged before the backup began, ends its log where the answer said, and serves again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use infogroups_shared::pb;
use infogroups_tests::fixtures::{create_user, id_of, territory_request};
use infogroups_tests::offline::restore_and_check;
use infogroups_tests::{
    ADMIN_PASSWORD, Authed, ChildServer, STEP, TEST_PASSWORD, code_of, login, test_server_exe,
};

const WRITERS: usize = 8;

/// Territories the server acknowledged: id and name, in the order the answers arrived.
type Ledger = Arc<Mutex<Vec<(u64, String)>>>;

async fn writer(me: Authed, w: usize, stop: Arc<AtomicBool>, ledger: Ledger) {
    for i in 0.. {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let name = format!("Копия под нагрузкой: клиент {w}, запись {i}");
        let answer = me
            .directory()
            .save_territory(territory_request(&name))
            .await
            .expect("writes go on during the backup");
        ledger
            .lock()
            .expect("ledger")
            .push((id_of(answer.into_inner().meta), name));
    }
}

/// Waits (at most [`STEP`]) until the ledger holds `n` writes, checking every 10 ms.
async fn until_acked(ledger: &Ledger, n: usize) {
    let deadline = Instant::now() + STEP;
    while ledger.lock().expect("ledger").len() < n {
        assert!(Instant::now() < deadline, "{n} writes within {STEP:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_online_backup_under_load_restores_to_a_sound_store_with_every_earlier_write() {
    let dir = tempfile::tempdir().expect("data directory");
    let backups = tempfile::tempdir().expect("backup directory");
    let backup_dir = backups.path().display().to_string();
    let server = ChildServer::spawn_with(
        test_server_exe!(),
        dir.path(),
        &["--backup-dir", backup_dir.as_str()],
    )
    .await
    .expect("spawn");
    let admin = login(server.addr(), "admin", ADMIN_PASSWORD)
        .await
        .expect("admin");
    let stop = Arc::new(AtomicBool::new(false));
    let ledger: Ledger = Arc::default();
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let me = admin.reconnect(server.addr()).await.expect("connect");
        writers.push(tokio::spawn(writer(me, w, stop.clone(), ledger.clone())));
    }
    until_acked(&ledger, 300).await;

    let before = ledger.lock().expect("ledger").clone();
    let answer = admin
        .maintenance()
        .backup(pb::BackupRequest {
            name: "under-load.igbak".into(),
        })
        .await
        .expect("Backup")
        .into_inner();
    // Writes went on during the backup and go on after it.
    let at_answer = ledger.lock().expect("ledger").len();
    until_acked(&ledger, at_answer + 100).await;
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        tokio::time::timeout(STEP, w)
            .await
            .expect("writer stops")
            .expect("writer");
    }
    let file = backups.path().join("under-load.igbak");
    assert_eq!(answer.path, file.display().to_string());

    let restored = tempfile::tempdir().expect("restore directory");
    let (report, db) = restore_and_check(&file, restored.path()).expect("a sound restore");
    assert_eq!(report.entries, answer.entries);
    assert_eq!(
        report.events.1, answer.seq,
        "the log ends where the answer said"
    );
    assert_eq!(report.events.0, 1, "the whole log");
    for (id, name) in &before {
        let stored = db
            .get::<pb::Territory>(*id)
            .expect("read")
            .unwrap_or_else(|| {
                panic!("territory {id}, acknowledged before the backup, is missing")
            });
        assert_eq!(&stored.name, name);
    }
    let in_backup = db.all::<pb::Territory>().expect("read").len();
    db.close().await.expect("close");
    drop(db);
    println!(
        "backup of {} entries (events 1..{}) taken while {WRITERS} clients wrote: all {} writes \
         acknowledged before it are in it ({in_backup} territories in all), {} more were \
         acknowledged meanwhile or after",
        answer.entries,
        answer.seq,
        before.len(),
        ledger.lock().expect("ledger").len() - before.len()
    );

    // The same name twice, a path, and anyone but an administrator are refused.
    let again = admin
        .maintenance()
        .backup(pb::BackupRequest {
            name: "under-load.igbak".into(),
        })
        .await;
    assert_eq!(code_of(&again), tonic::Code::AlreadyExists);
    let path = admin
        .maintenance()
        .backup(pb::BackupRequest {
            name: "../elsewhere.igbak".into(),
        })
        .await;
    assert_eq!(code_of(&path), tonic::Code::InvalidArgument);
    create_user(&admin, "clerk", &[]).await.expect("clerk");
    let clerk = login(server.addr(), "clerk", TEST_PASSWORD)
        .await
        .expect("clerk");
    let denied = clerk
        .maintenance()
        .backup(pb::BackupRequest::default())
        .await;
    assert_eq!(code_of(&denied), tonic::Code::PermissionDenied);
    drop((admin, clerk));
    let status = server.terminate().await.expect("SIGTERM");
    assert!(status.success());

    // The restored store serves: the administrator signs in and sees what the backup held.
    let copy = ChildServer::spawn(test_server_exe!(), restored.path())
        .await
        .expect("a server starts on the restored store");
    let admin = login(copy.addr(), "admin", ADMIN_PASSWORD)
        .await
        .expect("admin on the restored store");
    let territories = admin
        .sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("Snapshot")
        .into_inner()
        .territories
        .len();
    assert_eq!(territories, in_backup);
    drop(admin);
    let status = copy.terminate().await.expect("SIGTERM");
    assert!(status.success());
}
