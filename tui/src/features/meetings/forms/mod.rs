//! The meeting's forms: planning it (or entering one held before the system), preparing it, and
//! the steps after it is held. Fields are named after the request's fields so the server's
//! errors land under the right one.

mod plan;
mod prep;
mod steps;

pub use plan::{PastMeeting, PlanMeeting};
pub use prep::{
    CHECK_FIELDS, Prep, Prepare, agreement_option, agreement_state, participant_label, venue_option,
};
pub use steps::{
    InformingForm, MeetingStep, MeetingStepForm, ProtocolForm, PublicationForm, ReturnProtocolForm,
};
