//! Withholding a citizen's personal data (152-FZ): what lists, streams and callers without the
//! right receive instead of the record.

use infogroups_shared::pb;

/// Removes the citizen from an appeal, marking it depersonalised.
pub fn strip_appeal(a: &mut pb::Appeal) {
    if a.citizen.take().is_some() {
        a.depersonalised = true;
    }
}

/// Removes the citizen from a reception card, marking it depersonalised.
pub fn strip_card(c: &mut pb::ReceptionCard) {
    if c.citizen.take().is_some() {
        c.depersonalised = true;
    }
}

/// An appeal as someone without the right to the citizen sees it.
pub fn depersonalised(mut a: pb::Appeal) -> pb::Appeal {
    strip_appeal(&mut a);
    a
}

/// A reception card as someone without the right to the citizen sees it.
pub fn depersonalised_card(mut c: pb::ReceptionCard) -> pb::ReceptionCard {
    strip_card(&mut c);
    c
}
