//! Withholding a citizen's personal data (152-FZ): the one rule for what "without the citizen"
//! means, used by the server for lists and streams and by the client for what it keeps.

use crate::pb;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_citizen_goes_and_the_record_says_so() {
        let mut a = pb::Appeal {
            citizen: Some(pb::Citizen {
                surname: "Кравченко".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        strip_appeal(&mut a);
        assert!(a.citizen.is_none() && a.depersonalised);
        // An anonymous appeal had no citizen: nothing was withheld.
        let mut anonymous = pb::Appeal {
            anonymous: true,
            ..Default::default()
        };
        strip_appeal(&mut anonymous);
        assert!(!anonymous.depersonalised);
        let mut c = pb::ReceptionCard {
            citizen: Some(pb::Citizen::default()),
            ..Default::default()
        };
        strip_card(&mut c);
        assert!(c.citizen.is_none() && c.depersonalised);
    }
}
