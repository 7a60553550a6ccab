//! The forms by name: [`Intent`] says which form to open and with what, and turns into that
//! form's [`FormSpec`] — the one place that knows every form. The engine ([`crate::ui::form_engine`])
//! and each feature's forms (`features/*/forms.rs`) sit below it and never import it; a new form may skip
//! it altogether, since [`FormPopup::new`](crate::ui::form_engine::FormPopup::new) takes any [`FormSpec`].

use infogroups_shared::pb;

use crate::features::appeals::{card_forms as card, forms as appeal};
use crate::features::assignments::forms as assignment;
use crate::features::directory::forms as directory;
use crate::features::exports::forms as export;
use crate::features::groups::forms as group;
use crate::features::meetings::forms as meeting;
use crate::features::meetings::forms::{MeetingStep, Prep};
use crate::features::people::forms as people;
use crate::ui::form_engine::FormSpec;

/// Which form a screen opens, with what the form needs; each variant becomes its form's
/// [`FormSpec`] (the types beside the features, which a screen may also open directly).
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// A step on a meeting.
    Meeting {
        /// Which.
        step: MeetingStep,
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Plan a meeting of a group.
    PlanMeeting {
        /// One id for every send of this form.
        request_id: String,
        /// The group.
        group_id: u64,
        /// The group's territories, as the choice offers them.
        territories: Vec<(u64, String)>,
        /// The venues the choice offers after «уточняется».
        venues: Vec<(u64, String)>,
    },
    /// Enter a meeting a group held before the system, after the fact.
    PastMeeting {
        /// One id for every send of this form.
        request_id: String,
        /// The group.
        group_id: u64,
        /// The group's territories, as the choice offers them.
        territories: Vec<(u64, String)>,
        /// The venues the choice offers after «уточняется».
        venues: Vec<(u64, String)>,
    },
    /// A preparation step on a meeting (venue, announcement, move, cancellation, checklist,
    /// brief, amendment).
    Prepare {
        /// Which.
        step: Prep,
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Save the protocol's main fields (the rest of it is kept as it was).
    Protocol {
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// The protocol as it was.
        base: Box<pb::Protocol>,
    },
    /// Record a publication as done.
    Publication {
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// Which publication.
        kind: pb::PublicationKind,
        /// Its drafted text (kept).
        draft: String,
    },
    /// Record informing the residents as done.
    Informing {
        /// The meeting.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Ask for a later deadline.
    RequestExtension {
        /// The assignment.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Decide an extension request.
    Decide {
        /// The assignment.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// Grant or refuse.
        grant: bool,
    },
    /// Issue a new assignment in a group.
    Issue {
        /// The group.
        group_id: u64,
    },
    /// Give part of an assignment to someone.
    SubAssign {
        /// The parent assignment.
        parent_id: u64,
    },
    /// Give a user a role.
    GrantRole {
        /// The user.
        user_id: u64,
        /// The version the administrator saw.
        version: u64,
    },
    /// Take one of a user's roles away.
    RevokeRole {
        /// The user.
        user_id: u64,
        /// The version the administrator saw.
        version: u64,
        /// The roles held (the choice picks one).
        grants: Vec<pb::RoleGrant>,
        /// How the choice names them («Секретарь группы, № 1»).
        labels: Vec<String>,
    },
    /// Import the classifier from a file.
    ImportClassifier,
    /// Enter a production calendar year from a government decree.
    SaveCalendarYear,
    /// Save a territory (a new one has no id).
    SaveTerritory {
        /// The entry as it was (its id and version, and fields the form does not show).
        base: Box<pb::Territory>,
        /// The id of a creating request.
        request_id: String,
    },
    /// Save a venue (a new one has no id).
    SaveVenue {
        /// The entry as it was.
        base: Box<pb::Venue>,
        /// The id of a creating request.
        request_id: String,
        /// The territories the choice offers after «—».
        territories: Vec<(u64, String)>,
    },
    /// Save a department (a new one has no id).
    SaveDepartment {
        /// The entry as it was.
        base: Box<pb::Department>,
        /// The id of a creating request.
        request_id: String,
    },
    /// Save an outside organisation (a new one has no id).
    SaveOrganisation {
        /// The entry as it was.
        base: Box<pb::Organisation>,
        /// The id of a creating request.
        request_id: String,
    },
    /// Create a group or change it (a new one has no id).
    SaveGroup {
        /// The group as it was.
        base: Box<pb::Group>,
        /// The id of a creating request.
        request_id: String,
    },
    /// Create an account with its first role.
    CreateUser {
        /// The id of the creating request.
        request_id: String,
    },
    /// Change an account's name, position, department and contact.
    EditUser {
        /// The account.
        user_id: u64,
        /// The version the administrator saw.
        version: u64,
        /// The departments, as the choice offers them after «—».
        departments: Vec<(u64, String)>,
    },
    /// Archive an account (its sessions end; its records keep its name).
    ArchiveUser {
        /// The account.
        user_id: u64,
        /// The version the administrator saw.
        version: u64,
    },
    /// Archive a directory entry (kept for the records that use it, offered no more).
    ArchiveEntry {
        /// Which directory.
        kind: pb::DirectoryKind,
        /// The entry.
        id: u64,
        /// The version the administrator saw.
        version: u64,
    },
    /// Forward an appeal to the body competent to answer it.
    ForwardAppeal {
        /// The appeal.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Close an appeal without an answer on the merits (art. 11).
    CloseSpecial {
        /// The appeal.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Set a user's password.
    SetPassword {
        /// The user.
        user_id: u64,
    },
    /// Register a written appeal.
    RegisterAppeal {
        /// One id for every send of this form, so a resend after a lost answer is not a second
        /// appeal.
        request_id: String,
        /// The territories the choice offers after «—».
        territories: Vec<(u64, String)>,
        /// The user confirmed it is a repeated appeal (the server asked).
        repeated_confirmed: bool,
    },
    /// Fill a personal reception card.
    SaveCard {
        /// One id for every send of this form.
        request_id: String,
        /// The territories the choice offers after «—».
        territories: Vec<(u64, String)>,
    },
    /// Make a written appeal of a reception card.
    CardToAppeal {
        /// The card.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// One id for every send of this confirmation.
        request_id: String,
    },
    /// Extend an appeal's answer deadline (the head, 59-FZ art. 12 p. 2).
    ExtendAppeal {
        /// The appeal.
        id: u64,
        /// The version the user saw.
        version: u64,
    },
    /// Record an appeal's answer.
    AnswerAppeal {
        /// The appeal.
        id: u64,
        /// The version the user saw.
        version: u64,
        /// How many questions it has (one result each).
        questions: usize,
    },
    /// Save a server-rendered file.
    Export {
        /// What to render (the format is the form's).
        request: Box<pb::ExportRequest>,
        /// The documents offered on the same record, with their names (a meeting's protocol,
        /// brief, announcement, results); empty when `request` says which.
        kinds: Vec<(pb::ExportKind, String)>,
    },
}

impl From<Intent> for Box<dyn FormSpec> {
    fn from(intent: Intent) -> Self {
        match intent {
            Intent::Meeting { step, id, version } => {
                Box::new(meeting::MeetingStepForm { step, id, version })
            }
            Intent::PlanMeeting {
                request_id,
                group_id,
                territories,
                venues,
            } => Box::new(meeting::PlanMeeting {
                request_id,
                group_id,
                territories,
                venues,
            }),
            Intent::PastMeeting {
                request_id,
                group_id,
                territories,
                venues,
            } => Box::new(meeting::PastMeeting {
                request_id,
                group_id,
                territories,
                venues,
            }),
            Intent::Prepare { step, id, version } => {
                Box::new(meeting::Prepare { step, id, version })
            }
            Intent::Protocol { id, version, base } => {
                Box::new(meeting::ProtocolForm { id, version, base })
            }
            Intent::Publication {
                id,
                version,
                kind,
                draft,
            } => Box::new(meeting::PublicationForm {
                id,
                version,
                kind,
                draft,
            }),
            Intent::Informing { id, version } => Box::new(meeting::InformingForm { id, version }),
            Intent::RequestExtension { id, version } => {
                Box::new(assignment::RequestExtension { id, version })
            }
            Intent::Decide { id, version, grant } => {
                Box::new(assignment::DecideExtension { id, version, grant })
            }
            Intent::Issue { group_id } => Box::new(assignment::IssueAssignment { group_id }),
            Intent::SubAssign { parent_id } => Box::new(assignment::SubAssign { parent_id }),
            Intent::GrantRole { user_id, version } => {
                Box::new(people::GrantRole { user_id, version })
            }
            Intent::RevokeRole {
                user_id,
                version,
                grants,
                labels,
            } => Box::new(people::RevokeRole {
                user_id,
                version,
                grants,
                labels,
            }),
            Intent::CreateUser { request_id } => Box::new(people::CreateUser { request_id }),
            Intent::EditUser {
                user_id,
                version,
                departments,
            } => Box::new(people::EditUser {
                user_id,
                version,
                departments,
            }),
            Intent::ArchiveUser { user_id, version } => {
                Box::new(people::ArchiveUser { user_id, version })
            }
            Intent::SetPassword { user_id } => Box::new(people::SetPassword { user_id }),
            Intent::ImportClassifier => Box::new(directory::ImportClassifier),
            Intent::SaveCalendarYear => Box::new(directory::SaveCalendarYear),
            Intent::SaveTerritory { base, request_id } => {
                Box::new(directory::SaveTerritory { base, request_id })
            }
            Intent::SaveVenue {
                base,
                request_id,
                territories,
            } => Box::new(directory::SaveVenue {
                base,
                request_id,
                territories,
            }),
            Intent::SaveDepartment { base, request_id } => {
                Box::new(directory::SaveDepartment { base, request_id })
            }
            Intent::SaveOrganisation { base, request_id } => {
                Box::new(directory::SaveOrganisation { base, request_id })
            }
            Intent::ArchiveEntry { kind, id, version } => {
                Box::new(directory::ArchiveEntry { kind, id, version })
            }
            Intent::SaveGroup { base, request_id } => {
                Box::new(group::SaveGroup { base, request_id })
            }
            Intent::RegisterAppeal {
                request_id,
                territories,
                repeated_confirmed,
            } => Box::new(appeal::RegisterAppeal {
                request_id,
                territories,
                repeated_confirmed,
            }),
            Intent::SaveCard {
                request_id,
                territories,
            } => Box::new(card::SaveCard {
                request_id,
                territories,
            }),
            Intent::CardToAppeal {
                id,
                version,
                request_id,
            } => Box::new(card::CardToAppeal {
                id,
                version,
                request_id,
            }),
            Intent::ExtendAppeal { id, version } => Box::new(appeal::ExtendAppeal { id, version }),
            Intent::AnswerAppeal {
                id,
                version,
                questions,
            } => Box::new(appeal::AnswerAppeal {
                id,
                version,
                questions,
            }),
            Intent::ForwardAppeal { id, version } => {
                Box::new(appeal::ForwardAppeal { id, version })
            }
            Intent::CloseSpecial { id, version } => Box::new(appeal::CloseSpecial { id, version }),
            Intent::Export { request, kinds } => Box::new(export::Export { request, kinds }),
        }
    }
}
