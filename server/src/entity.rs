//! The kinds of stored entities and what the write path needs to know about each.

use infogroups_shared::pb;

/// Every kind of entity the store holds. The byte is part of the key: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Accounts.
    User = 1,
    /// Territories.
    Territory = 2,
    /// Venues.
    Venue = 3,
    /// Departments.
    Department = 4,
    /// Outside organisations.
    Organisation = 5,
    /// Information groups.
    Group = 6,
    /// Field meetings.
    Meeting = 7,
    /// Assignments.
    Assignment = 8,
    /// Citizens' appeals.
    Appeal = 9,
    /// Personal reception cards.
    ReceptionCard = 10,
    /// Notifications.
    Notification = 11,
}

impl Kind {
    /// The name used in audit records.
    pub fn name(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Territory => "territory",
            Kind::Venue => "venue",
            Kind::Department => "department",
            Kind::Organisation => "organisation",
            Kind::Group => "group",
            Kind::Meeting => "meeting",
            Kind::Assignment => "assignment",
            Kind::Appeal => "appeal",
            Kind::ReceptionCard => "reception_card",
            Kind::Notification => "notification",
        }
    }

    /// Every kind, in key order.
    pub const ALL: [Kind; 11] = [
        Kind::User,
        Kind::Territory,
        Kind::Venue,
        Kind::Department,
        Kind::Organisation,
        Kind::Group,
        Kind::Meeting,
        Kind::Assignment,
        Kind::Appeal,
        Kind::ReceptionCard,
        Kind::Notification,
    ];
}

/// A stored entity: a generated message with a `meta` field.
pub trait Entity: prost::Message + Default + Clone + Send + Sync + 'static {
    /// Its kind.
    const KIND: Kind;
    /// Its metadata (default when missing).
    fn meta(&self) -> pb::Meta;
    /// Its metadata, created when missing.
    fn meta_mut(&mut self) -> &mut pb::Meta;
    /// Wraps it for an event.
    fn into_event(self) -> pb::event::Entity;
}

macro_rules! entity {
    ($ty:ty, $kind:ident, $variant:ident) => {
        impl Entity for $ty {
            const KIND: Kind = Kind::$kind;
            fn meta(&self) -> pb::Meta {
                self.meta.unwrap_or_default()
            }
            fn meta_mut(&mut self) -> &mut pb::Meta {
                self.meta.get_or_insert_with(Default::default)
            }
            fn into_event(self) -> pb::event::Entity {
                pb::event::Entity::$variant(self)
            }
        }
    };
}

entity!(pb::User, User, User);
entity!(pb::Territory, Territory, Territory);
entity!(pb::Venue, Venue, Venue);
entity!(pb::Department, Department, Department);
entity!(pb::Organisation, Organisation, Organisation);
entity!(pb::Group, Group, Group);
entity!(pb::Meeting, Meeting, Meeting);
entity!(pb::Assignment, Assignment, Assignment);
entity!(pb::Appeal, Appeal, Appeal);
entity!(pb::ReceptionCard, ReceptionCard, ReceptionCard);
entity!(pb::Notification, Notification, Notification);
