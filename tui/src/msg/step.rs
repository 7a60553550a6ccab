//! The steps a user takes on an assignment (report, accept, return) as the messages carry them:
//! the command that starts each, its API transition and its step of the shared status machine.
//! Which of them a user may take right now is the assignments feature's to say.

use infogroups_shared::assignment::Step;
use infogroups_shared::pb;

use crate::keymap::Command;

/// A step offered on an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The executor submits a report (a text form).
    SubmitReport,
    /// The controller or issuer accepts the report (with confirmation).
    Accept,
    /// The controller or issuer returns it for rework (a reason form).
    Return,
}

impl Action {
    /// Every action, in the order the hints show them.
    pub const ALL: [Action; 3] = [Action::SubmitReport, Action::Accept, Action::Return];

    /// The command that starts it.
    pub fn command(self) -> Command {
        match self {
            Action::SubmitReport => Command::SubmitReport,
            Action::Accept => Command::Accept,
            Action::Return => Command::Return,
        }
    }

    /// The action a command starts, if it is one.
    pub fn of_command(c: Command) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.command() == c)
    }

    /// The API's transition kind.
    pub fn transition(self) -> pb::TransitionKind {
        match self {
            Action::SubmitReport => pb::TransitionKind::SubmitReport,
            Action::Accept => pb::TransitionKind::Accept,
            Action::Return => pb::TransitionKind::Return,
        }
    }

    /// The step of the shared status machine it takes.
    pub fn step(self) -> Step {
        match self {
            Action::SubmitReport => Step::SubmitReport,
            Action::Accept => Step::Accept,
            Action::Return => Step::Return,
        }
    }

    /// Whether the step needs a text (report or reason).
    pub fn needs_text(self) -> bool {
        !matches!(self, Action::Accept)
    }
}
