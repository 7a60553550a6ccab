//! Long lists stay fast: the rows are sorted once per change, and a key press only moves the
//! selection and draws the visible rows. Run with `--ignored --nocapture` to see the figures
//! (the process's resident memory is read from `/proc/self/status`, so run this one test alone).

mod common;

use std::time::Instant;

use common::*;
use crossterm::event::KeyCode;
use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use prost::Message;

use infogroups_tui::msg::SyncEvent;
use infogroups_tui::replica::packed::Packed;
use infogroups_tui::replica::snapshot::Snapshot;

/// A snapshot with `n` assignments made from the fixtures' ones, as it comes off the wire: built
/// one assignment at a time and encoded, so this test holds no decoded copy of them all.
fn big_snapshot(n: u64) -> Vec<u8> {
    let base = assignments();
    let mut snap = Snapshot::from(snapshot(1));
    snap.assignments = (0..n)
        .map(|i| {
            let mut a = base[(i % base.len() as u64) as usize].clone();
            a.meta = Some(pb::Meta {
                id: i + 1,
                version: 1,
                ..Default::default()
            });
            a.number = format!("2026/{i:06}");
            Packed::pack(&a)
        })
        .collect();
    snap.encode_to_vec()
}

/// Decodes `bytes` as the sync task does.
fn off_the_wire(bytes: &[u8]) -> Box<Snapshot> {
    Box::new(Snapshot::decode(bytes).expect("the snapshot decodes"))
}

/// This process's resident memory, MB (Linux).
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[test]
#[ignore = "a measurement, not a check; run in release"]
fn a_hundred_thousand_rows() {
    let bytes = big_snapshot(10_000);
    let mut s = signed_in(Lang::Ru, (160, 48), SEK1);
    let t = Instant::now();
    sync(&mut s, SyncEvent::Snapshot(off_the_wire(&bytes)));
    draw(&s);
    println!("snapshot of 10,000 + first frame: {:?}", t.elapsed());
    drop(s);

    let bytes = big_snapshot(100_000);
    println!(
        "snapshot of 100,000: {:.1} MB encoded",
        bytes.len() as f64 / 1e6
    );
    let before = rss_mb();
    let mut s = signed_in(Lang::Ru, (160, 48), SEK1);
    let t = Instant::now();
    sync(&mut s, SyncEvent::Snapshot(off_the_wire(&bytes)));
    draw(&s);
    println!("snapshot of 100,000 + first frame: {:?}", t.elapsed());
    // The snapshot message has been consumed into the replica: what stays is the client's state
    // (and the test's encoded copy, counted in `before`).
    println!(
        "resident memory: {before:.1} MB before, {:.1} MB with 100,000 in the replica",
        rss_mb()
    );
    let t = Instant::now();
    for _ in 0..100 {
        press(&mut s, KeyCode::PageDown);
        draw(&s);
    }
    println!("key press to frame: {:?}", t.elapsed() / 100);
    let t = Instant::now();
    let a = s.replica.assignments.get(5).unwrap_or_default();
    let mut a2 = a.clone();
    if let Some(m) = a2.meta.as_mut() {
        m.version = 9;
    }
    sync(&mut s, event(2, pb::EventAction::Updated, a2));
    draw(&s);
    println!("one event to frame: {:?}", t.elapsed());
}
