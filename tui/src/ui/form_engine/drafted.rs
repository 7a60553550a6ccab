//! A form as a draft keeps it, and a form opened again from its draft: the values typed (never a
//! password) and the form's own data, so a crash or a dropped connection loses nothing.

use infogroups_shared::names::Lang;

use crate::msg::draft::{Draft, DraftValue};
use crate::ui::form_engine::{FieldKind, FormPopup, FormSpec};

impl FormPopup {
    /// What to keep of the form while it is changed and unsent, so a crash or a dropped
    /// connection loses nothing; none for an unchanged form or one its feature does not keep.
    /// A password is never written down.
    pub fn draft(&self) -> Option<Draft> {
        if !self.changed() {
            return None;
        }
        let (kind, spec) = self.spec.kept()?;
        Some(Draft {
            kind: kind.to_string(),
            spec,
            title: self.title.clone(),
            summary: self.summary.clone(),
            values: self
                .fields
                .iter()
                .map(|f| DraftValue {
                    name: f.name.to_string(),
                    text: if f.kind == FieldKind::Secret {
                        String::new()
                    } else {
                        f.input.text().to_string()
                    },
                    choice: f.choice,
                    picked: f.picked_keys().into_iter().map(String::from).collect(),
                })
                .collect(),
        })
    }

    /// The form `spec` of `draft` opened again with the values it held, as changed (closing it
    /// asks first, and it is kept again).
    pub fn reopened(spec: Box<dyn FormSpec>, draft: &Draft, lang: Lang) -> Self {
        let mut form = Self::new(spec, draft.title.clone(), draft.summary.clone(), lang);
        form.baseline = Some(form.values());
        for v in &draft.values {
            if let Some(f) = form.fields.iter_mut().find(|f| f.name == v.name) {
                if f.kind == FieldKind::Choice {
                    f.choice = v.choice.min(f.options.len().saturating_sub(1));
                } else if f.kind == FieldKind::Checklist {
                    f.picked.fill(false);
                    *f = f.clone().ticking(&v.picked);
                } else if f.kind != FieldKind::Secret {
                    f.input.set(v.text.clone());
                }
            }
        }
        form
    }
}
