//! The person's own SSH public keys, for signing in over SSH without a password: the keys the
//! account holds are listed; a pasted OpenSSH line adds one, a chosen key is removed. The server
//! checks the line; its refusal comes back on the field.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{Field, FieldKind, FormPopup, FormSpec, choice_of, value};

/// The SSH keys form.
#[derive(Debug, Clone, PartialEq)]
pub struct SshKeysForm {
    /// The keys the account holds now, oldest first.
    pub keys: Vec<pb::SshKey>,
}

/// How a key is named in the list: its comment, algorithm and fingerprint.
fn label(key: &pb::SshKey) -> String {
    format!("{} {} {}", key.comment, key.algorithm, key.fingerprint)
        .trim()
        .to_string()
}

impl FormSpec for SshKeysForm {
    fn fields(&self, lang: Lang) -> Vec<Field> {
        let mut out = vec![Field::new(
            "public_key",
            W::FieldPublicKey,
            FieldKind::Line,
            false,
        )];
        if !self.keys.is_empty() {
            let mut options = vec![W::KeepAll.get(lang).to_string()];
            options.extend(self.keys.iter().map(label));
            out.push(Field::choice("remove", W::FieldRemoveKey, options));
        }
        out
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let chosen = choice_of(fields, "remove");
        if let Some(key) = chosen.checked_sub(1).and_then(|i| self.keys.get(i)) {
            return Ok(Call::RemoveSshKey(key.fingerprint.clone()));
        }
        let line = value(fields, "public_key").trim();
        if line.is_empty() {
            return Err(FieldError::new(
                "public_key",
                "вставьте открытый ключ или выберите ключ для удаления",
                "paste a public key or choose a key to remove",
            ));
        }
        Ok(Call::AddSshKey(line.to_string()))
    }

    fn done(&self) -> W {
        W::DoneSshKeys
    }
}

/// The form over the keys the account holds.
pub fn form(keys: Vec<pb::SshKey>, lang: Lang) -> FormPopup {
    let mut intro = vec![W::SshKeysIntro.get(lang).to_string()];
    if keys.is_empty() {
        intro.push(W::SshKeysNone.get(lang).to_string());
    }
    intro.extend(keys.iter().map(label));
    FormPopup::new(
        SshKeysForm { keys },
        W::SshKeysTitle.get(lang).to_string(),
        intro,
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> pb::SshKey {
        pb::SshKey {
            fingerprint: format!("SHA256:{n}"),
            algorithm: "ssh-ed25519".into(),
            comment: format!("laptop{n}"),
            ..Default::default()
        }
    }

    #[test]
    fn without_keys_only_the_paste_is_asked_for() {
        let fields = SshKeysForm { keys: vec![] }.fields(Lang::Ru);
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].name, "public_key");
    }

    #[test]
    fn the_removal_choice_offers_each_key_after_keeping_all() {
        let fields = SshKeysForm {
            keys: vec![key(1), key(2)],
        }
        .fields(Lang::En);
        let remove = fields.iter().find(|f| f.name == "remove").expect("choice");
        assert_eq!(remove.options.len(), 3);
        assert!(remove.options[2].contains("SHA256:2"));
    }
}
