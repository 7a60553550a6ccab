//! Drawing the login screen: the form, and in demo mode the accounts to pick from.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::State;
use crate::features::login::screen::{Field, LoginError, LoginScreen};
use crate::keymap::Command;
use crate::strings;
use crate::strings::Text;
use crate::ui::{Component, layout, text};
use crate::view::widgets;

/// The form's height: border, server, two fields with a line for their errors each, two lines
/// for a general error, the hints.
const FORM_HEIGHT: u16 = 10;

/// Draws the login screen into `area`.
pub fn draw(state: &State, login: &LoginScreen, frame: &mut Frame<'_>, area: Rect) {
    let lang = state.lang;
    let theme = state.theme;
    // The form and the demo list as one block, centred; the list shrinks first when short of rows.
    let demo_height = if login.demo.is_empty() {
        0
    } else {
        text::cells(login.demo.len()).saturating_add(5)
    };
    let block_area = layout::centered(area, area.width, FORM_HEIGHT.saturating_add(demo_height));
    let [form_area, demo_area] =
        Layout::vertical([Constraint::Length(FORM_HEIGHT), Constraint::Min(0)]).areas(block_area);

    let form = layout::centered(form_area, 64, FORM_HEIGHT);
    let block = Block::bordered().title(Span::styled(
        format!(
            " {} — {} ",
            Text::AppName.get(lang),
            Text::LoginTitle.get(lang)
        ),
        theme.title(),
    ));
    let inner = layout::panel_inner(form);
    frame.render_widget(block, form);
    let width = usize::from(inner.width);
    let label_w = [Text::Username, Text::Password, Text::Server]
        .iter()
        .map(|t| text::width(t.get(lang)) + 2)
        .max()
        .unwrap_or(0)
        .min(width / 2);
    let field_w = width.saturating_sub(label_w);
    let label = |t: Text| {
        Span::styled(
            text::pad(&format!("{}:", t.get(lang)), label_w),
            theme.label(),
        )
    };
    let field = |f: Field| {
        let (name, input, masked) = match f {
            Field::Username => (Text::Username, &login.username, false),
            Field::Password => (Text::Password, &login.password, true),
        };
        let mut spans = vec![label(name)];
        spans.extend(widgets::field_line(input, field_w, login.focus == f, masked, theme).spans);
        Line::from(spans)
    };
    let error_for = |f: Field| match &login.error {
        Some(LoginError::Field(at, msg)) if *at == f => Line::from(vec![
            Span::raw(" ".repeat(label_w)),
            Span::styled(text::truncate(msg, field_w), theme.error()),
        ]),
        _ => Line::default(),
    };
    let mut status: Vec<Line<'static>> = if login.pending {
        vec![Line::from(Span::styled(
            Text::LoggingIn.get(lang),
            theme.warn(),
        ))]
    } else if let Some(LoginError::General(msg)) = &login.error {
        text::wrap(&capitalize(msg), width)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.error())))
            .collect()
    } else {
        Vec::new()
    };
    status.resize(2, Line::default());
    let mut hint_commands = login.commands(&state.ctx());
    hint_commands.retain(|c| widgets::worth_a_hint(*c) && !matches!(c, Command::Quit));
    let mut lines = vec![
        Line::from(vec![
            label(Text::Server),
            Span::styled(text::truncate(&state.server, field_w), theme.dim()),
        ]),
        field(Field::Username),
        error_for(Field::Username),
        field(Field::Password),
        error_for(Field::Password),
    ];
    lines.extend(status.into_iter().take(2));
    lines.push(widgets::hints(state, login, &hint_commands, width));
    frame.render_widget(Paragraph::new(lines), inner);

    if !login.demo.is_empty() && demo_area.height >= 5 {
        // One line of air under the form.
        let list = Rect {
            y: demo_area.y + 1,
            height: demo_area.height - 1,
            ..demo_area
        };
        draw_demo(
            state,
            login,
            frame,
            layout::centered(list, 100, list.height),
        );
    }
}

/// The first letter in upper case: server texts are phrases, here they stand as sentences.
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn draw_demo(state: &State, login: &LoginScreen, frame: &mut Frame<'_>, area: Rect) {
    let lang = state.lang;
    let theme = state.theme;
    let admin_password = login
        .demo
        .iter()
        .find(|d| d.username == "admin")
        .map(|d| d.password.as_str());
    let demo_password = login
        .demo
        .iter()
        .find(|d| d.username != "admin")
        .map_or("", |d| d.password.as_str());
    let passwords = match admin_password {
        Some(admin) => strings::demo_passwords(lang, demo_password, admin),
        None => format!("{} {demo_password}", Text::DemoAdminPassword.get(lang)),
    };
    let block = Block::bordered().title(Span::styled(
        format!(" {} ({passwords}) ", Text::DemoAccounts.get(lang)),
        theme.title(),
    ));
    let inner = layout::panel_inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 {
        return;
    }
    let widest = |f: fn(&crate::features::login::screen::DemoLogin) -> &str, header: Text| {
        login
            .demo
            .iter()
            .map(|d| text::width(f(d)))
            .chain([text::width(header.get(lang))])
            .max()
            .unwrap_or(0)
    };
    let user_w = widest(|d| &d.username, Text::ColUsername);
    let name_w = widest(|d| &d.full_name, Text::ColFullName);
    let total = usize::from(inner.width);
    let role_w = total.saturating_sub(user_w + name_w + 6);
    // The pick is marked with «›» as well as reversed, so it shows on any terminal.
    let row = |mark: char, a: &str, b: &str, c: &str| {
        let line = format!(
            "{mark} {}  {}  {}",
            text::pad(a, user_w),
            text::pad(b, name_w),
            text::truncate(c, role_w)
        );
        text::pad(&line, total)
    };
    let mut lines = vec![Line::from(Span::styled(
        row(
            ' ',
            Text::ColUsername.get(lang),
            Text::ColFullName.get(lang),
            Text::ColRole.get(lang),
        ),
        theme.header(),
    ))];
    // Rows between the header and the hint line, scrolled to keep the pick in sight.
    let visible = usize::from(inner.height).saturating_sub(2).max(1);
    let selected = login.demo_selected.unwrap_or(0);
    let offset = (selected + 1).saturating_sub(visible);
    for (i, d) in login.demo.iter().enumerate().skip(offset).take(visible) {
        let picked = login.demo_selected == Some(i);
        let line = row(
            if picked { '›' } else { ' ' },
            &d.username,
            &d.full_name,
            d.role(lang),
        );
        lines.push(if picked {
            Line::from(Span::styled(line, theme.selected()))
        } else {
            Line::from(line)
        });
    }
    let [list, hint] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(
        Paragraph::new(Span::styled(Text::DemoHint.get(lang), theme.dim())),
        hint,
    );
}
