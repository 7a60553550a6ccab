//! The user's notifications: unread first, newest first; Space marks one read, `A` all.

use infogroups_shared::pb;

use crate::features::record_list::row::{Column, DetailLine, RecordRow, Start, Tone, field};
use crate::keymap::Command;
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;

/// The columns.
pub const COLUMNS: &[Column] = &[
    Column::new(W::ColKind, 22).squeeze(12).priority(1),
    Column::grows(W::ColText),
];

fn kind(k: i32) -> W {
    match pb::NotificationKind::try_from(k).unwrap_or_default() {
        pb::NotificationKind::NewAssignment => W::NoteNew,
        pb::NotificationKind::Reminder => W::NoteReminder,
        pb::NotificationKind::Overdue => W::NoteOverdue,
        pb::NotificationKind::ExtensionDecided => W::NoteExtension,
        pb::NotificationKind::Meeting => W::NoteMeeting,
        pb::NotificationKind::ReportSubmitted => W::NoteReport,
        pb::NotificationKind::QuarterAtRisk => W::NoteQuarter,
        pb::NotificationKind::ProtocolLate => W::NoteProtocolLate,
        pb::NotificationKind::Digest => W::NoteDigest,
        pb::NotificationKind::BackupFailed | pb::NotificationKind::Unspecified => W::NoteOther,
    }
}

fn mine<'a>(ctx: &'a Ctx<'_>) -> impl Iterator<Item = &'a pb::Notification> {
    let me = ctx.me();
    ctx.replica
        .notifications
        .iter()
        .filter(move |n| n.user_id == me)
}

/// Unread first, then by id, newest first.
pub fn rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let mut keyed: Vec<((bool, std::cmp::Reverse<u64>), RecordRow)> = mine(ctx)
        .map(|n| {
            let id = n.meta.map_or(0, |m| m.id);
            let tone = match (n.read, kind(n.kind)) {
                (true, _) => Tone::Done,
                (false, W::NoteOverdue | W::NoteProtocolLate) => Tone::Overdue,
                (false, W::NoteReminder) => Tone::Soon,
                _ => Tone::Normal,
            };
            let text = ctx.lang.pick(&n.text_ru, &n.text_en).to_string();
            // Unread ones are marked, so they stand out without colour too.
            let mark = if n.read { "  " } else { "● " };
            let row = RecordRow::new(
                id,
                tone,
                vec![format!("{mark}{}", kind(n.kind).get(ctx.lang)), text],
            );
            ((n.read, std::cmp::Reverse(id)), row)
        })
        .collect();
    keyed.sort_by_key(|k| k.0);
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// One notification, and what it is about.
pub fn detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(n) = ctx.replica.notifications.get(id) else {
        return Vec::new();
    };
    let mut out = vec![
        DetailLine::Heading(kind(n.kind).get(lang).to_string()),
        DetailLine::Text(lang.pick(&n.text_ru, &n.text_en).to_string()),
    ];
    if let Some(a) = ctx.replica.assignments.get(n.assignment_id) {
        out.push(DetailLine::Blank);
        out.push(field(lang, W::AboutAssignment, a.number.clone()));
        out.push(DetailLine::Text(a.text.clone()));
    }
    out
}

/// The assignment a notification is about, first; marking read: the selected one if unread,
/// all if any is unread.
pub fn commands(id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
    let mut c = Vec::new();
    let n = id.and_then(|id| ctx.replica.notifications.get(id));
    if n.is_some_and(|n| ctx.replica.assignments.get(n.assignment_id).is_some()) {
        c.push(Command::ToAssignment);
    }
    if n.is_some_and(|n| !n.read) {
        c.push(Command::MarkRead);
    }
    if mine(ctx).any(|n| !n.read) {
        c.push(Command::MarkAllRead);
    }
    if ctx.session.is_some() {
        c.push(Command::MailSettings);
    }
    c
}

/// Marking read needs no confirmation.
pub fn start(command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
    if command == Command::MailSettings {
        // The form opens on the answer, filled with what is saved.
        return Some(Start::Call(Box::new(Call::MailPreferences)));
    }
    if command == Command::ToAssignment {
        let n = ctx.replica.notifications.get(id?)?;
        return Some(Start::ShowAssignment(n.assignment_id));
    }
    let ids: Vec<u64> = match command {
        Command::MarkRead => vec![id?],
        Command::MarkAllRead => mine(ctx)
            .filter(|n| !n.read)
            .filter_map(|n| n.meta.map(|m| m.id))
            .collect(),
        _ => return None,
    };
    Some(Start::Call(Box::new(Call::MarkRead(pb::MarkReadRequest {
        ids,
    }))))
}
