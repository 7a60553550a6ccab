//! Opening a draft's form again: each form a feature keeps as a draft (see
//! [`FormSpec::kept`](crate::ui::form_engine::FormSpec::kept)) is read back here by the name
//! it was kept under, and the form engine puts the values back.

use infogroups_shared::names::Lang;
use serde::de::DeserializeOwned;

use crate::features::appeals::card_forms::{CardToAppeal, SaveCard};
use crate::features::appeals::forms::{
    AnswerAppeal, CloseSpecial, ExtendAppeal, ForwardAppeal, RegisterAppeal,
};
use crate::features::assignments::forms::{
    DecideExtension, IssueAssignment, RequestExtension, SubAssign,
};
use crate::features::directory::forms::{
    SaveDepartment, SaveOrganisation, SaveTerritory, SaveVenue,
};
use crate::features::groups::forms::SaveGroup;
use crate::features::meetings::forms::{
    InformingForm, PastMeeting, PlanMeeting, Prepare, ProtocolForm, ReturnProtocolForm,
};
use crate::msg::draft::Draft;
use crate::ui::form_engine::{FormPopup, FormSpec};

/// The form of `draft` with the values it held; none for a form this client does not know (a
/// draft left by another version) or whose data no longer reads.
pub fn reopen(draft: &Draft, lang: Lang) -> Option<FormPopup> {
    let spec = spec(draft)?;
    Some(FormPopup::reopened(spec, draft, lang))
}

fn read<T: FormSpec + DeserializeOwned + 'static>(draft: &Draft) -> Option<Box<dyn FormSpec>> {
    match serde_json::from_value::<T>(draft.spec.clone()) {
        Ok(spec) => Some(Box::new(spec)),
        Err(e) => {
            tracing::warn!(kind = %draft.kind, error = %e, "draft's form does not read");
            None
        }
    }
}

fn spec(draft: &Draft) -> Option<Box<dyn FormSpec>> {
    match draft.kind.as_str() {
        "plan_meeting" => read::<PlanMeeting>(draft),
        "past_meeting" => read::<PastMeeting>(draft),
        "return_protocol" => read::<ReturnProtocolForm>(draft),
        "protocol" => read::<ProtocolForm>(draft),
        "informing" => read::<InformingForm>(draft),
        "prepare" => read::<Prepare>(draft),
        "register_appeal" => read::<RegisterAppeal>(draft),
        "answer_appeal" => read::<AnswerAppeal>(draft),
        "extend_appeal" => read::<ExtendAppeal>(draft),
        "forward_appeal" => read::<ForwardAppeal>(draft),
        "close_special" => read::<CloseSpecial>(draft),
        "save_card" => read::<SaveCard>(draft),
        "card_to_appeal" => read::<CardToAppeal>(draft),
        "request_extension" => read::<RequestExtension>(draft),
        "decide_extension" => read::<DecideExtension>(draft),
        "issue_assignment" => read::<IssueAssignment>(draft),
        "sub_assign" => read::<SubAssign>(draft),
        "save_territory" => read::<SaveTerritory>(draft),
        "save_venue" => read::<SaveVenue>(draft),
        "save_department" => read::<SaveDepartment>(draft),
        "save_organisation" => read::<SaveOrganisation>(draft),
        "save_group" => read::<SaveGroup>(draft),
        _ => None,
    }
}
