//! A step on an assignment as a draft keeps it: the report or reason typed, with the step and the
//! assignment it is for, so it survives a crash like any other form.

use infogroups_shared::names::Lang;
use serde::{Deserialize, Serialize};

use crate::msg::draft::{Draft, DraftValue};
use crate::msg::step::Action;
use crate::strings;
use crate::strings::Text;
use crate::ui::popup::StepPopup;

/// The name a step's draft is kept under.
pub const KIND: &str = "assignment_step";

/// The text field's name in the draft.
const TEXT: &str = "text";

/// What a step's draft holds besides its text.
#[derive(Debug, Serialize, Deserialize)]
struct Kept {
    action: String,
    assignment_id: u64,
    number: String,
    expected_version: u64,
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::SubmitReport => "submit_report",
        Action::Accept => "accept",
        Action::Return => "return",
    }
}

impl StepPopup {
    /// The draft of the text typed, titled in `lang`; none while nothing is typed.
    pub fn draft(&self, lang: Lang) -> Option<Draft> {
        let text = self.input.text();
        if text.trim().is_empty() {
            return None;
        }
        let kept = Kept {
            action: action_name(self.action).to_string(),
            assignment_id: self.assignment_id,
            number: self.number.clone(),
            expected_version: self.expected_version,
        };
        let title = match self.action {
            Action::SubmitReport => Text::ReportTitle,
            Action::Return => Text::ReturnTitle,
            Action::Accept => Text::AcceptTitle,
        };
        Some(Draft {
            kind: KIND.to_string(),
            spec: serde_json::to_value(kept).ok()?,
            title: title.get(lang).to_string(),
            summary: vec![strings::assignment_title(lang, &self.number)],
            values: vec![DraftValue {
                name: TEXT.to_string(),
                text: text.to_string(),
                choice: 0,
                picked: Vec::new(),
            }],
        })
    }

    /// The step of `draft` opened again with its text; none if it is not a step's draft.
    pub fn from_draft(draft: &Draft) -> Option<Self> {
        if draft.kind != KIND {
            return None;
        }
        let kept: Kept = serde_json::from_value(draft.spec.clone()).ok()?;
        let action = Action::ALL
            .into_iter()
            .find(|a| action_name(*a) == kept.action)?;
        let mut step = Self::new(
            action,
            kept.assignment_id,
            &kept.number,
            kept.expected_version,
        );
        let text = draft.values.iter().find(|v| v.name == TEXT)?;
        step.input.set(&text.text);
        Some(step)
    }
}
