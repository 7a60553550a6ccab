//! The records tab: the lists of the workspaces other than assignments. [`Source`] says which list
//! a tab shows; here it dispatches to the feature that owns the list for its columns, its rows
//! from the replica, the detail of one record and the steps offered on it. Pure functions of the
//! replica and the day, so every list is tested without a terminal or a server, and screens and
//! drawing both read them.

pub mod row;
pub mod screen;
pub mod source;

use infogroups_shared::pb;

use crate::features::appeals::{cards, records as appeals, steps as appeal_steps};
use crate::features::directory::records as directory;
use crate::features::groups::records as groups;
use crate::features::meetings::{
    commands as meeting_commands, detail as meeting_detail, records as meetings,
};
use crate::features::notifications::records as notifications;
use crate::features::people::records as people;
use crate::features::record_list::row::{Column, DetailLine, RecordRow, Start};
use crate::features::record_list::source::Source;
use crate::keymap::Command;
use crate::strings::work::W;
use crate::ui::Ctx;

impl Source {
    /// The tab's name.
    pub fn title(self) -> W {
        match self {
            Source::Meetings => W::TabMeetings,
            Source::ProtocolsToSign => W::TabToSign,
            Source::ProtocolsDue => W::TabProtocols,
            Source::Publications => W::TabPublications,
            Source::Informing => W::TabInforming,
            Source::Appeals => W::TabAppeals,
            Source::Cards => W::TabCards,
            Source::Composition => W::TabComposition,
            Source::Users => W::TabUsers,
            Source::Groups => W::TabGroups,
            Source::Territories => W::TabTerritories,
            Source::Venues => W::TabVenues,
            Source::Departments => W::TabDepartments,
            Source::Organisations => W::TabOrganisations,
            Source::Notifications => W::TabNotifications,
        }
    }

    /// What an empty list says.
    pub fn empty(self) -> W {
        match self {
            Source::ProtocolsToSign => W::EmptyToSign,
            Source::Publications => W::EmptyPublications,
            Source::Notifications => W::EmptyNotifications,
            _ => W::Empty,
        }
    }

    /// The columns.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Source::Meetings | Source::ProtocolsToSign | Source::Informing => meetings::COLUMNS,
            Source::ProtocolsDue => meetings::PROTOCOL_COLUMNS,
            Source::Publications => meetings::PUBLICATION_COLUMNS,
            Source::Appeals => appeals::COLUMNS,
            Source::Cards => cards::CARD_COLUMNS,
            Source::Composition | Source::Users => people::COLUMNS,
            Source::Groups => groups::COLUMNS,
            Source::Territories => directory::TERRITORY_COLUMNS,
            Source::Venues => directory::VENUE_COLUMNS,
            Source::Departments => directory::DEPARTMENT_COLUMNS,
            Source::Organisations => directory::ORGANISATION_COLUMNS,
            Source::Notifications => notifications::COLUMNS,
        }
    }

    /// The rows, in the list's own order (most pressing first).
    pub fn rows(self, ctx: &Ctx<'_>) -> Vec<RecordRow> {
        match self {
            Source::Meetings | Source::ProtocolsToSign | Source::Informing => {
                meetings::rows(self, ctx)
            }
            Source::ProtocolsDue => meetings::protocol_rows(ctx),
            Source::Publications => meetings::publication_rows(ctx),
            Source::Appeals => appeals::rows(ctx),
            Source::Cards => cards::card_rows(ctx),
            Source::Composition | Source::Users => people::rows(self, ctx),
            Source::Groups => groups::rows(ctx),
            Source::Territories => directory::territory_rows(ctx),
            Source::Venues => directory::venue_rows(ctx),
            Source::Departments => directory::department_rows(ctx),
            Source::Organisations => directory::organisation_rows(ctx),
            Source::Notifications => notifications::rows(ctx),
        }
    }

    /// The detail of one record, with the files kept on it.
    pub fn detail(self, id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
        let mut lines = self.record_detail(id, ctx);
        if let Some(kind) = self.record_kind() {
            lines.extend(crate::features::attachments::card_lines(kind, id, ctx));
        }
        lines
    }

    /// The kind of record files are kept on that this list's rows are, if they are one.
    pub fn record_kind(self) -> Option<pb::RecordKind> {
        match self {
            Source::Meetings
            | Source::ProtocolsToSign
            | Source::ProtocolsDue
            | Source::Informing => Some(pb::RecordKind::Meeting),
            Source::Appeals => Some(pb::RecordKind::Appeal),
            Source::Cards => Some(pb::RecordKind::ReceptionCard),
            _ => None,
        }
    }

    fn record_detail(self, id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
        match self {
            Source::Meetings
            | Source::ProtocolsToSign
            | Source::ProtocolsDue
            | Source::Informing => meeting_detail::detail(id, ctx),
            Source::Publications => meeting_detail::publication_detail(id, ctx),
            Source::Appeals => appeals::detail(id, ctx),
            Source::Cards => cards::card_detail(id, ctx),
            Source::Composition | Source::Users => people::detail(id, ctx),
            Source::Groups => groups::detail(id, ctx),
            Source::Territories => directory::territory_detail(id, ctx),
            Source::Venues => directory::venue_detail(id, ctx),
            Source::Departments => directory::department_detail(id, ctx),
            Source::Organisations => directory::organisation_detail(id, ctx),
            Source::Notifications => notifications::detail(id, ctx),
        }
    }

    /// Whether its rows carry deadlines (and so the overdue and due-soon markers).
    pub fn has_deadlines(self) -> bool {
        !matches!(
            self,
            Source::Composition
                | Source::Users
                | Source::Groups
                | Source::Territories
                | Source::Venues
                | Source::Departments
                | Source::Organisations
                | Source::Notifications
        )
    }

    /// The steps offered on a record (and on the list, when `id` is `None`).
    pub fn commands(self, id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
        match self {
            Source::Meetings
            | Source::ProtocolsToSign
            | Source::ProtocolsDue
            | Source::Informing => meeting_commands::commands(self, id, ctx),
            Source::Publications => meeting_commands::publication_commands(id, ctx),
            Source::Cards => cards::card_commands(id, ctx),
            Source::Notifications => notifications::commands(id, ctx),
            Source::Composition | Source::Users => {
                let mut c = people::commands(self, id, ctx);
                c.extend(groups::commands(self, id, ctx));
                c
            }
            Source::Groups => groups::commands(self, id, ctx),
            Source::Territories | Source::Venues | Source::Departments | Source::Organisations => {
                directory::commands(self, id, ctx)
            }
            Source::Appeals => appeal_steps::commands(id, ctx),
        }
    }

    /// Why a step is not offered on the selected record now, where a reason can be given.
    pub fn why_not(self, command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<String> {
        match self {
            Source::Meetings
            | Source::ProtocolsToSign
            | Source::ProtocolsDue
            | Source::Informing => meeting_commands::why_not(command, id?, ctx),
            _ => None,
        }
    }

    /// What a step on a record starts.
    pub fn start(self, command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
        match self {
            Source::Meetings
            | Source::ProtocolsToSign
            | Source::ProtocolsDue
            | Source::Informing => meeting_commands::start(self, command, id, ctx),
            Source::Publications => meeting_commands::publication_start(command, id?, ctx),
            Source::Cards => cards::card_start(command, id, ctx),
            Source::Notifications => notifications::start(command, id, ctx),
            Source::Composition if command == Command::Edit => {
                groups::start(self, command, id, ctx)
            }
            Source::Composition | Source::Users => people::start(self, command, id, ctx),
            Source::Groups => groups::start(self, command, id, ctx),
            Source::Territories | Source::Venues | Source::Departments | Source::Organisations => {
                directory::start(self, command, id, ctx)
            }
            Source::Appeals => appeal_steps::start(command, id, ctx),
        }
    }
}
