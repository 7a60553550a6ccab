//! The bottom of the replica: what every entity kind it holds has in common.

use infogroups_shared::pb;

/// An entity kind the replica holds: every one carries `meta` with an id and a version.
pub trait Entity: Clone {
    /// The entity's metadata.
    fn meta(&self) -> Option<&pb::Meta>;

    /// The entity's id (0 when the server sent none, which it never should).
    fn id(&self) -> u64 {
        self.meta().map_or(0, |m| m.id)
    }

    /// The entity's version.
    fn version(&self) -> u64 {
        self.meta().map_or(0, |m| m.version)
    }
}

macro_rules! entities {
    ($($t:ty),* $(,)?) => {
        $(impl Entity for $t {
            fn meta(&self) -> Option<&pb::Meta> {
                self.meta.as_ref()
            }
        })*
    };
}

entities!(
    pb::User,
    pb::Territory,
    pb::Venue,
    pb::Department,
    pb::Organisation,
    pb::Group,
    pb::Meeting,
    pb::Assignment,
    pb::Appeal,
    pb::ReceptionCard,
    pb::Notification,
);
