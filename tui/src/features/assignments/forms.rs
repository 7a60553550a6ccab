//! The assignment's forms: a later deadline asked for and decided, a new assignment issued in a
//! group, and part of one given to someone.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{
    Field, FieldKind as K, FormSpec, Target, date_field, kept_as, request_id, user_id, value,
};

/// Ask for a later deadline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RequestExtension {
    /// The assignment.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
}

impl FormSpec for RequestExtension {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("request_extension", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        vec![
            Field::new("new_deadline", W::FieldNewDeadline, K::Date, true).deadline(),
            Field::new("reason", W::FieldReason, K::Text, true),
        ]
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::RequestExtension(pb::RequestExtensionRequest {
            assignment_id: self.id,
            expected_version: self.version,
            new_deadline: Some(date_field("new_deadline", value(fields, "new_deadline"))?),
            reason: value(fields, "reason").to_string(),
        }))
    }

    fn done(&self) -> W {
        W::DoneExtensionRequested
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Assignment(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Decide an extension request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DecideExtension {
    /// The assignment.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
    /// Grant or refuse.
    pub grant: bool,
}

impl FormSpec for DecideExtension {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("decide_extension", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        // A refusal says why.
        vec![Field::new("comment", W::FieldComment, K::Text, !self.grant)]
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::DecideExtension(pb::DecideExtensionRequest {
            assignment_id: self.id,
            expected_version: self.version,
            grant: self.grant,
            comment: value(fields, "comment").to_string(),
        }))
    }

    fn done(&self) -> W {
        if self.grant {
            W::DoneGranted
        } else {
            W::DoneRefused
        }
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Assignment(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// The fields of a new assignment: what to do, who does it, by when.
fn assignment_fields() -> Vec<Field> {
    vec![
        Field::new("text", W::FieldAssignmentText, K::Text, true),
        Field::new("executor_id", W::FieldExecutor, K::Person, true),
        Field::new("deadline", W::FieldDeadline, K::Date, true).deadline(),
    ]
}

/// Issue a new assignment in a group.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IssueAssignment {
    /// The group.
    pub group_id: u64,
}

impl FormSpec for IssueAssignment {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("issue_assignment", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        assignment_fields()
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::CreateAssignment(pb::CreateAssignmentRequest {
            request_id: request_id(),
            text: value(fields, "text").to_string(),
            kind: pb::AssignmentKind::Task as i32,
            group_id: self.group_id,
            executor_id: user_id(ctx, "executor_id", value(fields, "executor_id"))?,
            // 0: the server puts the group's secretary in control (3.6.8).
            controller_id: 0,
            deadline: Some(date_field("deadline", value(fields, "deadline"))?),
            ..Default::default()
        }))
    }

    fn done(&self) -> W {
        W::DoneIssued
    }
}

/// Give part of an assignment to someone.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SubAssign {
    /// The parent assignment.
    pub parent_id: u64,
}

impl FormSpec for SubAssign {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("sub_assign", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        assignment_fields()
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::CreateSubAssignment(pb::CreateSubAssignmentRequest {
            request_id: request_id(),
            parent_id: self.parent_id,
            text: value(fields, "text").to_string(),
            executor_id: user_id(ctx, "executor_id", value(fields, "executor_id"))?,
            deadline: Some(date_field("deadline", value(fields, "deadline"))?),
        }))
    }

    fn done(&self) -> W {
        W::DoneIssued
    }
}
