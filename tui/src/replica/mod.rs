//! The local replica: what the server says this user may see, kept current by the sync task.
//! Pure data and pure functions — the rules for applying a snapshot and events live here and are
//! tested without a network.

use std::collections::BTreeMap;

use infogroups_shared::pb;

pub mod entity;
pub mod packed;
pub mod snapshot;

pub use entity::Entity;

use packed::PackedTable;
use snapshot::Snapshot;

/// The entities of one kind, by id.
#[derive(Debug, Clone)]
pub struct Table<T> {
    rows: BTreeMap<u64, T>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            rows: BTreeMap::new(),
        }
    }
}

impl<T: Entity> Table<T> {
    /// One entity.
    pub fn get(&self, id: u64) -> Option<&T> {
        self.rows.get(&id)
    }

    /// All entities, by id.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.rows.values()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn replace_all(&mut self, items: Vec<T>) {
        self.rows = items.into_iter().map(|e| (e.id(), e)).collect();
    }

    /// Stores `item` unless the replica already holds this version or a newer one (a snapshot may
    /// be ahead of its own sequence number, and an RPC answer may arrive before its event).
    /// Returns whether anything changed.
    pub fn upsert(&mut self, item: T) -> bool {
        match self.rows.get(&item.id()) {
            Some(held) if held.version() >= item.version() => false,
            _ => {
                self.rows.insert(item.id(), item);
                true
            }
        }
    }

    /// Drops the entity unless the replica holds a newer version than the removal's.
    pub fn remove(&mut self, item: &T) -> bool {
        match self.rows.get(&item.id()) {
            Some(held) if held.version() > item.version() => false,
            Some(_) => {
                self.rows.remove(&item.id());
                true
            }
            None => false,
        }
    }

    fn apply(&mut self, action: pb::EventAction, item: T) -> bool {
        if action == pb::EventAction::Removed {
            self.remove(&item)
        } else {
            self.upsert(item)
        }
    }
}

/// The kinds of entity an event can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // named after the entities
pub enum Kind {
    User,
    Territory,
    Venue,
    Department,
    Organisation,
    Group,
    Meeting,
    Assignment,
    Appeal,
    ReceptionCard,
    Notification,
}

/// What applying an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The replica changed.
    Changed(Kind),
    /// The replica already held this version or a newer one (or the event was empty).
    Stale,
}

/// Everything the user may see.
#[derive(Debug, Clone, Default)]
pub struct Replica {
    /// Whether a snapshot has arrived since login.
    pub loaded: bool,
    /// The last event sequence number applied.
    pub seq: u64,
    /// The server's clock at the last snapshot or heartbeat, UTC ms.
    pub server_time_ms: i64,
    /// The server's settings (the appeal deadline rule, a training clock).
    pub settings: pb::Settings,
    /// Accounts (names and roles).
    pub users: Table<pb::User>,
    /// Territories.
    pub territories: Table<pb::Territory>,
    /// Venues.
    pub venues: Table<pb::Venue>,
    /// Departments.
    pub departments: Table<pb::Department>,
    /// Outside organisations.
    pub organisations: Table<pb::Organisation>,
    /// Information groups.
    pub groups: Table<pb::Group>,
    /// Meetings.
    pub meetings: Table<pb::Meeting>,
    /// Assignments, kept encoded: the one table that runs to 100,000 rows.
    pub assignments: PackedTable<pb::Assignment>,
    /// Appeals (depersonalised).
    pub appeals: Table<pb::Appeal>,
    /// Reception cards (depersonalised).
    pub reception_cards: Table<pb::ReceptionCard>,
    /// The user's notifications.
    pub notifications: Table<pb::Notification>,
}

impl Replica {
    /// Replaces everything with a snapshot.
    pub fn load_snapshot(&mut self, s: impl Into<Snapshot>) {
        let Snapshot {
            rest: s,
            assignments,
        } = s.into();
        self.loaded = true;
        self.seq = s.seq;
        self.server_time_ms = s.server_time_ms;
        self.settings = s.settings.unwrap_or_default();
        self.users.replace_all(s.users);
        self.territories.replace_all(s.territories);
        self.venues.replace_all(s.venues);
        self.departments.replace_all(s.departments);
        self.organisations.replace_all(s.organisations);
        self.groups.replace_all(s.groups);
        self.meetings.replace_all(s.meetings);
        self.assignments.replace_all(assignments);
        self.appeals.replace_all(s.appeals);
        self.reception_cards.replace_all(s.reception_cards);
        self.notifications.replace_all(s.notifications);
    }

    /// Applies one event from the watch stream.
    pub fn apply(&mut self, ev: pb::Event) -> Applied {
        use pb::event::Entity as E;
        self.seq = self.seq.max(ev.seq);
        let action = pb::EventAction::try_from(ev.action).unwrap_or_default();
        let Some(entity) = ev.entity else {
            return Applied::Stale;
        };
        let (kind, changed) = match entity {
            E::User(x) => (Kind::User, self.users.apply(action, x)),
            E::Territory(x) => (Kind::Territory, self.territories.apply(action, x)),
            E::Venue(x) => (Kind::Venue, self.venues.apply(action, x)),
            E::Department(x) => (Kind::Department, self.departments.apply(action, x)),
            E::Organisation(x) => (Kind::Organisation, self.organisations.apply(action, x)),
            E::Group(x) => (Kind::Group, self.groups.apply(action, x)),
            E::Meeting(x) => (Kind::Meeting, self.meetings.apply(action, x)),
            E::Assignment(x) => (Kind::Assignment, self.assignments.apply(action, &x)),
            E::Appeal(x) => (Kind::Appeal, self.appeals.apply(action, x)),
            E::ReceptionCard(x) => (Kind::ReceptionCard, self.reception_cards.apply(action, x)),
            E::Notification(x) => (Kind::Notification, self.notifications.apply(action, x)),
        };
        if changed {
            Applied::Changed(kind)
        } else {
            Applied::Stale
        }
    }

    /// A user's full name, if we know the user.
    pub fn user_name(&self, id: u64) -> Option<&str> {
        self.users.get(id).map(|u| u.full_name.as_str())
    }

    /// A group's number, if we know the group.
    pub fn group_number(&self, id: u64) -> Option<u32> {
        self.groups.get(id).map(|g| g.number)
    }

    /// The user's unread notifications.
    pub fn unread(&self, user_id: u64) -> usize {
        self.notifications
            .iter()
            .filter(|n| n.user_id == user_id && !n.read)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(id: u64, version: u64, status: pb::AssignmentStatus) -> pb::Assignment {
        pb::Assignment {
            meta: Some(pb::Meta {
                id,
                version,
                ..Default::default()
            }),
            status: status as i32,
            ..Default::default()
        }
    }

    fn event(seq: u64, action: pb::EventAction, a: pb::Assignment) -> pb::Event {
        pb::Event {
            seq,
            action: action as i32,
            entity: Some(pb::event::Entity::Assignment(a)),
            ..Default::default()
        }
    }

    fn status_of(r: &Replica, id: u64) -> Option<i32> {
        r.assignments.get(id).map(|a| a.status)
    }

    #[test]
    fn events_after_a_snapshot_apply_and_advance_the_sequence() {
        use pb::AssignmentStatus as S;
        let mut r = Replica::default();
        r.load_snapshot(pb::SnapshotResponse {
            seq: 10,
            assignments: vec![assignment(1, 3, S::InProgress)],
            ..Default::default()
        });
        let applied = r.apply(event(
            11,
            pb::EventAction::Updated,
            assignment(1, 4, S::ReportSubmitted),
        ));
        assert_eq!(applied, Applied::Changed(Kind::Assignment));
        assert_eq!(status_of(&r, 1), Some(S::ReportSubmitted as i32));
        assert_eq!(r.seq, 11);
        let created = r.apply(event(
            12,
            pb::EventAction::Created,
            assignment(2, 1, S::InProgress),
        ));
        assert_eq!(created, Applied::Changed(Kind::Assignment));
        assert_eq!(r.assignments.len(), 2);
    }

    #[test]
    fn events_older_than_what_the_snapshot_holds_are_ignored() {
        use pb::AssignmentStatus as S;
        let mut r = Replica::default();
        // The snapshot (seq 10) already contains version 5, written by event 12.
        r.load_snapshot(pb::SnapshotResponse {
            seq: 10,
            assignments: vec![assignment(1, 5, S::DoneOnTime)],
            ..Default::default()
        });
        let old = r.apply(event(
            11,
            pb::EventAction::Updated,
            assignment(1, 4, S::ReportSubmitted),
        ));
        assert_eq!(old, Applied::Stale);
        let same = r.apply(event(
            12,
            pb::EventAction::Updated,
            assignment(1, 5, S::DoneOnTime),
        ));
        assert_eq!(same, Applied::Stale);
        assert_eq!(status_of(&r, 1), Some(S::DoneOnTime as i32));
        assert_eq!(r.seq, 12, "stale events still move the sequence on");
    }

    #[test]
    fn removal_drops_the_entity_unless_a_newer_one_is_held() {
        use pb::AssignmentStatus as S;
        let mut r = Replica::default();
        r.load_snapshot(pb::SnapshotResponse {
            seq: 1,
            assignments: vec![
                assignment(1, 2, S::InProgress),
                assignment(2, 7, S::InProgress),
            ],
            ..Default::default()
        });
        r.apply(event(
            2,
            pb::EventAction::Removed,
            assignment(1, 3, S::Removed),
        ));
        r.apply(event(
            3,
            pb::EventAction::Removed,
            assignment(2, 6, S::Removed),
        ));
        assert!(r.assignments.get(1).is_none());
        assert!(r.assignments.get(2).is_some());
    }

    #[test]
    fn a_new_snapshot_replaces_everything() {
        use pb::AssignmentStatus as S;
        let mut r = Replica::default();
        r.load_snapshot(pb::SnapshotResponse {
            seq: 5,
            assignments: vec![assignment(1, 1, S::InProgress)],
            ..Default::default()
        });
        r.load_snapshot(pb::SnapshotResponse {
            seq: 90,
            assignments: vec![assignment(2, 1, S::InProgress)],
            ..Default::default()
        });
        assert!(r.assignments.get(1).is_none());
        assert_eq!(r.seq, 90);
    }
}
