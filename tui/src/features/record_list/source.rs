//! Which list a records tab shows: plain data, so each feature's rows can name the list they
//! are built for without depending on the tab that dispatches to them.

use crate::msg::Target;

/// What a records list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The group's meetings on a timeline, each with its next step and due date.
    Meetings,
    /// Protocols waiting for the leader's signature.
    ProtocolsToSign,
    /// Protocols due to and received by the control sector.
    ProtocolsDue,
    /// Announcements and results to publish, with the drafted text.
    Publications,
    /// Informing residents before meetings.
    Informing,
    /// Written appeals with their 59-FZ deadlines.
    Appeals,
    /// Personal reception cards.
    Cards,
    /// The group's composition.
    Composition,
    /// Every account (administrator).
    Users,
    /// The information groups (administrator).
    Groups,
    /// The city's territories (administrator).
    Territories,
    /// The venues of meetings (administrator).
    Venues,
    /// The administration's departments (administrator).
    Departments,
    /// Outside organisations invited to meetings (administrator).
    Organisations,
    /// The user's notifications.
    Notifications,
}

impl Source {
    /// Whether this list's rows are records of `target`'s kind (a meeting on the meetings and
    /// protocol lists, an appeal on the appeals list).
    pub fn holds(self, target: Target) -> bool {
        match target {
            Target::Assignment(_) => false,
            Target::Meeting(_) => matches!(
                self,
                Source::Meetings
                    | Source::ProtocolsToSign
                    | Source::ProtocolsDue
                    | Source::Publications
                    | Source::Informing
            ),
            Target::Appeal(_) => self == Source::Appeals,
        }
    }
}
