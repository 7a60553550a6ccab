//! What a form is, to the engine: the fields it shows, the call its filled values make, what to
//! say when that worked, and the record whose version it carries. Each form is a type of its
//! feature implementing [`FormSpec`]; the engine drives any of them the same way.

use std::fmt;

use infogroups_shared::names::Lang;
use infogroups_shared::validate::FieldError;
use tonic::Code;

use crate::msg::Msg;
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::field::Field;

/// The entity a form changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A meeting.
    Meeting(u64),
    /// An assignment.
    Assignment(u64),
    /// A user.
    User(u64),
    /// An appeal.
    Appeal(u64),
    /// A territory.
    Territory(u64),
    /// A venue.
    Venue(u64),
    /// A reception card.
    Card(u64),
    /// A department.
    Department(u64),
    /// An outside organisation.
    Organisation(u64),
    /// An information group.
    Group(u64),
}

/// One form: its fields and the request they fill.
pub trait FormSpec: fmt::Debug + CloneSpec {
    /// The fields shown, in order; none makes the form a confirmation.
    fn fields(&self, lang: Lang) -> Vec<Field>;

    /// The call the filled `fields` make, or the error of the field that is wrong (checked here
    /// where the rule is obvious, by the server otherwise).
    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError>;

    /// What to say when the call worked.
    fn done(&self) -> W;

    /// The record whose version the form carries (none for a form that creates one).
    fn target(&self) -> Option<Target> {
        None
    }

    /// The call was refused as stale: the next send goes with the record's current version `v`.
    fn set_version(&mut self, _v: u64) {}

    /// The server refused the call with `code`: the form may take it as an answer (a repeated
    /// appeal confirmed by sending again) and say so with the returned hint.
    fn refused(&mut self, _code: Code) -> Option<W> {
        None
    }

    /// A choice among `fields` changed from option `before`: fields that follow it may follow.
    fn chosen(&self, _fields: &mut [Field], _before: usize) {}

    /// For a form that changes only what this client shows (a report's period): the message its
    /// checked fields send instead of [`call`](Self::call), which is then not sent; none for a
    /// form whose call goes to the server.
    fn local(&self, _fields: &[Field], _ctx: &Ctx<'_>) -> Option<Result<Msg, FieldError>> {
        None
    }

    /// The form as a draft keeps it: the name its feature knows it by and its data, so a
    /// changed form can be opened again after a crash (see [`kept_as`]); none for a form not
    /// worth keeping (a confirmation, a password).
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        None
    }
}

/// `spec` kept as a draft under `kind` (what [`FormSpec::kept`] returns); none if it cannot be
/// written down.
pub fn kept_as<T: serde::Serialize>(
    kind: &'static str,
    spec: &T,
) -> Option<(&'static str, serde_json::Value)> {
    serde_json::to_value(spec).ok().map(|v| (kind, v))
}

/// Cloning a boxed form (a popup is cloned with its form).
pub trait CloneSpec {
    /// A copy of the form, boxed.
    fn clone_spec(&self) -> Box<dyn FormSpec>;
}

impl<T: FormSpec + Clone + 'static> CloneSpec for T {
    fn clone_spec(&self) -> Box<dyn FormSpec> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn FormSpec> {
    fn clone(&self) -> Self {
        self.clone_spec()
    }
}

impl<T: FormSpec + 'static> From<T> for Box<dyn FormSpec> {
    fn from(spec: T) -> Self {
        Box::new(spec)
    }
}
