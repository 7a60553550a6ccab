//! The user's notifications: unread first, newest first, each with when it came, its kind, what
//! it is about and by when; Space marks one read, `A` all, and one key opens the record.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::{pb, validate};

use crate::features::record_list::row::{
    Column, DetailLine, RecordRow, Start, Tone, date, field, iso,
};
use crate::keymap::Command;
use crate::msg::Target;
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::{Ctx, text};

/// The columns: when, what kind, about what, by when.
pub const COLUMNS: &[Column] = &[
    Column::new(W::ColWhen, 11).priority(2),
    Column::new(W::ColKind, 22).squeeze(12).priority(1),
    Column::grows(W::ColSubject),
    Column::new(W::ColDue, 10).priority(0),
];

fn kind_of(n: &pb::Notification) -> pb::NotificationKind {
    pb::NotificationKind::try_from(n.kind).unwrap_or_default()
}

fn label(n: &pb::Notification, lang: Lang) -> &'static str {
    names::notification_kind(lang, kind_of(n))
}

/// What a notification leads to, if the person can open it here.
pub fn target(n: &pb::Notification) -> Option<Target> {
    if n.assignment_id != 0 {
        Some(Target::Assignment(n.assignment_id))
    } else if n.meeting_id != 0 {
        Some(Target::Meeting(n.meeting_id))
    } else if n.appeal_id != 0 {
        Some(Target::Appeal(n.appeal_id))
    } else {
        None
    }
}

fn deadline(n: &pb::Notification) -> Option<chrono::NaiveDate> {
    n.deadline.as_ref().and_then(validate::to_naive)
}

/// When it came: «07.12 14:05» (the year in the detail).
fn when(n: &pb::Notification) -> String {
    n.meta
        .map(|m| text::date_time(m.created_at_ms))
        .map(|s| format!("{}{}", &s[..5], &s[10..]))
        .unwrap_or_default()
}

/// What it is about: an assignment by its number and current text, as the record reads now
/// (the notice keeps no copy of the text); otherwise the notice's own subject, or its text.
fn subject(n: &pb::Notification, ctx: &Ctx<'_>) -> String {
    if let Some(a) = ctx.replica.assignments.get(n.assignment_id) {
        return format!("{} — {}", a.number, a.text);
    }
    if n.subject.is_empty() {
        ctx.lang.pick(&n.text_ru, &n.text_en).to_string()
    } else {
        n.subject.clone()
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
    use pb::NotificationKind as K;
    let mut keyed: Vec<((bool, std::cmp::Reverse<u64>), RecordRow)> = mine(ctx)
        .map(|n| {
            let id = n.meta.map_or(0, |m| m.id);
            let tone = match (n.read, kind_of(n)) {
                (true, _) => Tone::Done,
                (false, K::Overdue | K::ProtocolLate | K::BackupFailed) => Tone::Overdue,
                (false, K::Reminder | K::ReportReturned | K::ProtocolReturned) => Tone::Soon,
                _ => Tone::Normal,
            };
            let subject = subject(n, ctx);
            // Unread ones are marked, so they stand out without colour too.
            let mark = if n.read { "  " } else { "● " };
            let due = deadline(n);
            let row = RecordRow::new(
                id,
                tone,
                vec![
                    when(n),
                    format!("{mark}{}", label(n, ctx.lang)),
                    subject,
                    due.map(date).unwrap_or_default(),
                ],
            )
            .sort_by(0, format!("{:020}", n.meta.map_or(0, |m| m.created_at_ms)))
            .sort_by(3, due.map(iso).unwrap_or_default());
            ((n.read, std::cmp::Reverse(id)), row)
        })
        .collect();
    keyed.sort_by_key(|k| k.0);
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// One notification: when, what, about what and by when, and the record it leads to.
pub fn detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(n) = ctx.replica.notifications.get(id) else {
        return Vec::new();
    };
    let mut out = vec![
        DetailLine::Heading(label(n, lang).to_string()),
        field(
            lang,
            W::NoteArrived,
            n.meta
                .map(|m| text::date_time(m.created_at_ms))
                .unwrap_or_default(),
        ),
    ];
    out.push(field(lang, W::ColSubject, subject(n, ctx)));
    if let Some(d) = deadline(n) {
        out.push(field(lang, W::ColDue, date(d)));
    }
    out.push(DetailLine::Blank);
    out.push(DetailLine::Text(
        lang.pick(&n.text_ru, &n.text_en).to_string(),
    ));
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
    if n.is_some_and(|n| target(n).is_some()) {
        c.push(Command::ToRecord);
    }
    if n.is_some_and(|n| !n.read) {
        c.push(Command::MarkRead);
    }
    if mine(ctx).any(|n| !n.read) {
        c.push(Command::MarkAllRead);
    }
    if ctx.session.is_some() {
        c.push(Command::MailSettings);
        c.push(Command::SshKeys);
    }
    c
}

/// Marking read needs no confirmation.
pub fn start(command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
    if command == Command::MailSettings {
        // The form opens on the answer, filled with what is saved.
        return Some(Start::Call(Box::new(Call::MailPreferences)));
    }
    if command == Command::SshKeys {
        // The form opens on the answer, listing the keys the account holds.
        return Some(Start::Call(Box::new(Call::SshKeys)));
    }
    if command == Command::ToRecord {
        let n = ctx.replica.notifications.get(id?)?;
        return target(n).map(Start::Show);
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
