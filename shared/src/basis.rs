//! An assignment's basis names exactly the record its kind says, and nothing else: an id the
//! kind does not use would be stored beside the real basis, shown as if it meant something and
//! read by whoever trusts it. The server checks that the named record exists and is in scope.

use crate::pb::{self, BasisKind};
use crate::validate::FieldError;

/// The one record a basis names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// No record: no basis, an unspecified kind, or the leader's own.
    Nothing,
    /// A decision of a meeting's protocol.
    Decision {
        /// The meeting.
        meeting_id: u64,
        /// The decision's index in its protocol.
        index: u32,
    },
    /// An appeal.
    Appeal(u64),
    /// A reception card.
    ReceptionCard(u64),
}

fn unused(field: &str) -> FieldError {
    FieldError::new(
        field,
        "у основания этого вида такого поля нет: оставьте пустым",
        "this kind of basis does not use this field: leave it empty",
    )
}

fn required(field: &str) -> FieldError {
    FieldError::new(
        field,
        "укажите документ-основание",
        "name the basis document",
    )
}

/// The record `basis` names, or the first field that does not fit its kind: the id the kind
/// needs must be set, every other id must be 0.
pub fn named(basis: Option<&pb::Basis>) -> Result<Named, FieldError> {
    let Some(b) = basis else {
        return Ok(Named::Nothing);
    };
    let kind = BasisKind::try_from(b.kind)
        .map_err(|_| FieldError::new("basis.kind", "неизвестное основание", "unknown basis"))?;
    let uses_meeting = kind == BasisKind::ProtocolDecision;
    let ids = [
        ("basis.meeting_id", b.meeting_id != 0, uses_meeting),
        ("basis.decision_index", b.decision_index != 0, uses_meeting),
        (
            "basis.appeal_id",
            b.appeal_id != 0,
            kind == BasisKind::Appeal,
        ),
        (
            "basis.reception_card_id",
            b.reception_card_id != 0,
            kind == BasisKind::ReceptionCard,
        ),
    ];
    if let Some((field, ..)) = ids.iter().find(|(_, set, used)| *set && !used) {
        return Err(unused(field));
    }
    let need = |field: &str, id: u64| {
        if id == 0 {
            Err(required(field))
        } else {
            Ok(id)
        }
    };
    Ok(match kind {
        BasisKind::Unspecified | BasisKind::Leader => Named::Nothing,
        BasisKind::ProtocolDecision => Named::Decision {
            meeting_id: need("basis.meeting_id", b.meeting_id)?,
            index: b.decision_index,
        },
        BasisKind::Appeal => Named::Appeal(need("basis.appeal_id", b.appeal_id)?),
        BasisKind::ReceptionCard => {
            Named::ReceptionCard(need("basis.reception_card_id", b.reception_card_id)?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basis(kind: BasisKind, meeting: u64, index: u32, appeal: u64, card: u64) -> pb::Basis {
        pb::Basis {
            kind: kind as i32,
            meeting_id: meeting,
            decision_index: index,
            appeal_id: appeal,
            reception_card_id: card,
        }
    }

    fn field_of(b: &pb::Basis) -> String {
        named(Some(b)).map_or_else(|e| e.field, |n| format!("accepted {n:?}"))
    }

    #[test]
    fn each_kind_names_its_own_record() {
        use BasisKind as K;
        assert_eq!(named(None), Ok(Named::Nothing));
        assert_eq!(
            named(Some(&basis(K::Unspecified, 0, 0, 0, 0))),
            Ok(Named::Nothing)
        );
        assert_eq!(
            named(Some(&basis(K::Leader, 0, 0, 0, 0))),
            Ok(Named::Nothing)
        );
        assert_eq!(
            named(Some(&basis(K::ProtocolDecision, 7, 2, 0, 0))),
            Ok(Named::Decision {
                meeting_id: 7,
                index: 2
            })
        );
        assert_eq!(
            named(Some(&basis(K::Appeal, 0, 0, 5, 0))),
            Ok(Named::Appeal(5))
        );
        assert_eq!(
            named(Some(&basis(K::ReceptionCard, 0, 0, 0, 9))),
            Ok(Named::ReceptionCard(9))
        );
    }

    #[test]
    fn an_id_the_kind_does_not_use_or_a_missing_one_is_named() {
        use BasisKind as K;
        let cases = [
            (basis(K::Unspecified, 0, 0, 5, 0), "basis.appeal_id"),
            (basis(K::Leader, 7, 0, 0, 0), "basis.meeting_id"),
            (basis(K::Leader, 0, 1, 0, 0), "basis.decision_index"),
            (basis(K::Leader, 0, 0, 0, 9), "basis.reception_card_id"),
            (basis(K::Appeal, 0, 0, 0, 0), "basis.appeal_id"),
            (basis(K::Appeal, 0, 0, 5, 9), "basis.reception_card_id"),
            (basis(K::Appeal, 7, 0, 5, 0), "basis.meeting_id"),
            (
                basis(K::ReceptionCard, 0, 0, 0, 0),
                "basis.reception_card_id",
            ),
            (basis(K::ReceptionCard, 0, 0, 5, 9), "basis.appeal_id"),
            (basis(K::ProtocolDecision, 0, 0, 0, 0), "basis.meeting_id"),
            (basis(K::ProtocolDecision, 0, 3, 0, 0), "basis.meeting_id"),
            (basis(K::ProtocolDecision, 7, 0, 5, 0), "basis.appeal_id"),
            (
                basis(K::ProtocolDecision, 7, 0, 0, 9),
                "basis.reception_card_id",
            ),
        ];
        for (b, want) in cases {
            assert_eq!(field_of(&b), want, "{b:?}");
        }
        let unknown = pb::Basis {
            kind: 99,
            ..Default::default()
        };
        assert_eq!(field_of(&unknown), "basis.kind");
    }
}
