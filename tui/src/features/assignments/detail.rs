//! The detail of one assignment as lines of text: its fields, the steps the user may take (with
//! their keys), the text, reports, extensions and history. One pure function builds the lines, so
//! `update` measures them for scrolling exactly as the panel draws them.

use infogroups_shared::names;
use infogroups_shared::pb;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::features::assignments::urgency::Urgency;
use crate::features::assignments::{actions, urgency};
use crate::features::attachments::forms::file_line;
use crate::strings;
use crate::strings::Text;
use crate::strings::work::W;
use crate::ui::theme::Theme;
use crate::ui::{Ctx, layout, text};

/// A person's name, or who they are when we do not know them.
fn person(ctx: &Ctx<'_>, id: u64) -> String {
    if id == 0 {
        return Text::ServerClock.get(ctx.lang).to_string();
    }
    ctx.replica
        .user_name(id)
        .map_or_else(|| strings::unknown_user(ctx.lang, id), str::to_string)
}

/// The lines of the panel for `a`, `width` cells wide.
pub fn lines(a: &pb::Assignment, ctx: &Ctx<'_>, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let lang = ctx.lang;
    let width = usize::from(width).max(1);
    let mut out: Vec<Line<'static>> = Vec::new();
    let labels = [
        Text::Status,
        Text::Deadline,
        Text::Kind,
        Text::Group,
        Text::Executor,
        Text::CoExecutors,
        Text::Controller,
        Text::Issuer,
        Text::Issued,
        Text::Completed,
    ];
    let label_w = labels
        .iter()
        .map(|l| text::width(l.get(lang)) + 2)
        .max()
        .unwrap_or(0)
        .min(width / 2);
    let value_w = width.saturating_sub(label_w).max(1);
    let mut field = |label: Text, value: String, style: Style| {
        for (i, part) in text::wrap(&value, value_w).into_iter().enumerate() {
            let head = if i == 0 {
                text::pad(&format!("{}:", label.get(lang)), label_w)
            } else {
                " ".repeat(label_w)
            };
            out.push(Line::from(vec![
                Span::styled(head, theme.label()),
                Span::styled(part, style),
            ]));
        }
    };

    let status = urgency::status(a);
    let urgency = urgency::classify(a, ctx.today, ctx.calendar);
    let status_style = match urgency {
        Urgency::Overdue => theme.overdue(),
        Urgency::DueSoon => theme.due_soon(),
        Urgency::Open => Style::new(),
        Urgency::Closed => theme.closed(),
    };
    field(
        Text::Status,
        names::assignment_status(lang, status).to_string(),
        status_style,
    );
    let mut deadline = text::date(a.deadline.as_ref().and_then(|d| d.date.as_ref()));
    if urgency::predicted(a) {
        deadline = format!("{deadline} ({})", Text::Predicted.get(lang));
    }
    match urgency {
        Urgency::Overdue => deadline = format!("{deadline}  !"),
        Urgency::DueSoon => deadline = format!("{deadline}  *"),
        _ => {}
    }
    field(Text::Deadline, deadline, status_style);
    let kind = match pb::AssignmentKind::try_from(a.kind).unwrap_or_default() {
        pb::AssignmentKind::InfoRequest => Text::KindInfoRequest,
        _ => Text::KindTask,
    };
    field(Text::Kind, kind.get(lang).to_string(), Style::new());
    // An executor outside the group does not get the group in the snapshot: say nothing then.
    if let Some(g) = ctx.replica.groups.get(a.group_id) {
        field(Text::Group, g.name.clone(), Style::new());
    }
    field(Text::Executor, person(ctx, a.executor_id), Style::new());
    if !a.co_executors.is_empty() {
        let names: Vec<String> = a
            .co_executors
            .iter()
            .map(|c| person(ctx, c.user_id))
            .collect();
        field(Text::CoExecutors, names.join(", "), Style::new());
    }
    field(Text::Controller, person(ctx, a.controller_id), Style::new());
    field(Text::Issuer, person(ctx, a.issuer_id), Style::new());
    field(Text::Issued, text::date(a.issued.as_ref()), Style::new());
    if a.completed.is_some() {
        field(
            Text::Completed,
            text::date(a.completed.as_ref()),
            Style::new(),
        );
    }

    // The steps the user may take, with their keys: what can be done is visible where it is done.
    let steps = actions::available(a, &ctx.actor(), ctx.today);
    if !steps.is_empty() {
        out.push(Line::default());
        let mut spans = Vec::new();
        for s in steps {
            let key = ctx.keymap.first(s.command(), false).unwrap_or_default();
            spans.push(Span::styled(key, theme.key()));
            spans.push(Span::raw(format!(
                " {}   ",
                strings::command(lang, s.command())
            )));
        }
        out.push(Line::from(spans));
    }

    let section = |out: &mut Vec<Line<'static>>, title: Text| {
        out.push(Line::default());
        out.push(Line::from(Span::styled(title.get(lang), theme.title())));
    };
    let indented = |out: &mut Vec<Line<'static>>, s: &str, indent: usize, style: Style| {
        for part in text::wrap(s, width.saturating_sub(indent).max(1)) {
            out.push(Line::from(Span::styled(
                format!("{}{part}", " ".repeat(indent)),
                style,
            )));
        }
    };

    section(&mut out, Text::TextLabel);
    indented(&mut out, &a.text, 0, Style::new());

    section(&mut out, Text::Reports);
    if a.reports.is_empty() {
        indented(&mut out, Text::NoReports.get(lang), 0, theme.dim());
    }
    for r in a.reports.iter().rev() {
        let head = format!("{} {}", text::date_time(r.at_ms), person(ctx, r.by_user_id));
        indented(&mut out, &head, 0, theme.label());
        indented(&mut out, &r.text, 2, Style::new());
    }

    if !a.extensions.is_empty() {
        section(&mut out, Text::Extensions);
        for e in a.extensions.iter().rev() {
            let state = match pb::ExtensionState::try_from(e.state).unwrap_or_default() {
                pb::ExtensionState::Granted => Text::ExtensionGranted,
                pb::ExtensionState::Refused => Text::ExtensionRefused,
                _ => Text::ExtensionPending,
            };
            let line = strings::extension_line(
                lang,
                &text::date(e.requested_date.as_ref()),
                state.get(lang),
            );
            indented(&mut out, &line, 0, theme.label());
            if !e.reason.is_empty() {
                indented(&mut out, &e.reason, 2, Style::new());
            }
            if !e.comment.is_empty() {
                indented(&mut out, &e.comment, 2, theme.dim());
            }
        }
    }

    // The executor's report and its photos, as last listed (shown once the card was opened).
    let id = a.meta.map_or(0, |m| m.id);
    if let Some(files) = ctx
        .files
        .get(&(pb::RecordKind::Assignment as i32, id))
        .filter(|f| !f.is_empty())
    {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            W::FilesTitle.get(lang),
            theme.title(),
        )));
        for f in files {
            indented(&mut out, &file_line(f, lang), 0, Style::new());
        }
    }

    section(&mut out, Text::History);
    for h in a.history.iter().rev() {
        let from = pb::AssignmentStatus::try_from(h.from).unwrap_or_default();
        let to = pb::AssignmentStatus::try_from(h.to).unwrap_or_default();
        let head = format!(
            "{} {}: {} → {}",
            text::date_time(h.at_ms),
            person(ctx, h.by_user_id),
            names::assignment_status(lang, from),
            names::assignment_status(lang, to),
        );
        indented(&mut out, &head, 0, Style::new());
        if !h.comment.is_empty() {
            indented(&mut out, &h.comment, 2, theme.dim());
        }
    }
    out
}

/// The panel's visible height and its number of lines for `a`, as drawn at the state's size.
pub fn measure(a: &pb::Assignment, ctx: &Ctx<'_>, detail_open: bool) -> (usize, usize) {
    let Some(inner) = layout::detail_inner(ctx.size, detail_open) else {
        return (0, 0);
    };
    let n = lines(a, ctx, Theme { color: false }, inner.width).len();
    (usize::from(inner.height), n)
}
