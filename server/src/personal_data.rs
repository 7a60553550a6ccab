//! Withholding a citizen's personal data (152-FZ): what lists, streams and callers without the
//! right receive instead of the record.

use infogroups_shared::pb;

pub use infogroups_shared::personal_data::{strip_appeal, strip_card};

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
