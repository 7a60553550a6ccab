//! Bringing in an appeal register kept in a spreadsheet: a form asks for the file's path on this
//! computer; the server's preview (what would be registered, the first refused rows and why)
//! is shown as a confirmation; confirmed, the rows are registered and the counts reported.

use std::path::PathBuf;

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use crate::features::attachments::forms::expand_home;
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{Field, FieldKind as K, FormPopup, FormSpec, value};

/// How many refused rows the preview lists; the rest are counted.
const SHOWN_REFUSALS: usize = 8;

/// The form that asks for the register's path.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRegister;

impl FormSpec for ImportRegister {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        vec![Field::new("path", W::FieldRegisterPath, K::Line, true)]
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let typed = value(fields, "path").trim();
        if typed.is_empty() {
            return Err(FieldError::new(
                "path",
                "укажите путь к файлу .xlsx или .csv на этом компьютере",
                "give the path of an .xlsx or .csv file on this computer",
            ));
        }
        Ok(Call::ImportAppeals {
            path: expand_home(typed, std::env::var_os("HOME").map(PathBuf::from)),
            commit: false,
        })
    }

    fn done(&self) -> W {
        W::DoneRegisterImported
    }
}

/// The confirmation that registers what the preview showed.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmImport {
    /// The register file.
    pub path: PathBuf,
}

impl FormSpec for ConfirmImport {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        Vec::new()
    }

    fn call(&self, _fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::ImportAppeals {
            path: self.path.clone(),
            commit: true,
        })
    }

    fn done(&self) -> W {
        W::DoneRegisterImported
    }
}

/// The form that asks for the register's path.
pub fn import_form(lang: Lang) -> FormPopup {
    FormPopup::new(
        ImportRegister,
        W::ImportRegisterTitle.get(lang).to_string(),
        vec![W::ImportRegisterColumns.get(lang).to_string()],
        lang,
    )
}

/// «accepted N, refused M» in `lang`.
pub fn counts(lang: Lang, r: &pb::ImportRegisterResponse) -> String {
    format!(
        "{} {}, {} {}",
        W::RegisterAccepted.get(lang),
        r.accepted.len(),
        W::RegisterRefused.get(lang),
        r.refused.len()
    )
}

/// One refused row as the preview lists it: its number, the column and the reason.
pub fn refusal_line(lang: Lang, r: &pb::RefusedRow) -> String {
    let reason = lang.pick(&r.reason_ru, &r.reason_en);
    let row = W::RegisterRow.get(lang);
    if r.field.is_empty() {
        format!("{row} {}: {reason}", r.row)
    } else {
        format!("{row} {} «{}»: {reason}", r.row, r.field)
    }
}

/// The preview of `path` as a confirmation: the counts, the first refused rows with their
/// reasons; confirming registers the accepted rows.
pub fn preview_form(path: PathBuf, r: &pb::ImportRegisterResponse, lang: Lang) -> FormPopup {
    let mut lines = vec![path.display().to_string(), counts(lang, r)];
    lines.extend(
        r.refused
            .iter()
            .take(SHOWN_REFUSALS)
            .map(|x| refusal_line(lang, x)),
    );
    if r.refused.len() > SHOWN_REFUSALS {
        lines.push(format!(
            "{} {}",
            W::RegisterMoreRefused.get(lang),
            r.refused.len() - SHOWN_REFUSALS
        ));
    }
    lines.push(W::RegisterConfirm.get(lang).to_string());
    FormPopup::new(
        ConfirmImport { path },
        W::ImportRegisterTitle.get(lang).to_string(),
        lines,
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_row_names_its_number_column_and_reason() {
        let r = pb::RefusedRow {
            row: 4,
            field: "Дата".into(),
            reason_ru: "не заполнено".into(),
            reason_en: "is empty".into(),
        };
        assert_eq!(refusal_line(Lang::Ru, &r), "строка 4 «Дата»: не заполнено");
        assert_eq!(refusal_line(Lang::En, &r), "row 4 «Дата»: is empty");
        let all = pb::ImportRegisterResponse {
            accepted: vec![pb::ImportedRow::default(); 2],
            refused: vec![r; 10],
            ..Default::default()
        };
        assert_eq!(counts(Lang::Ru, &all), "принято 2, отклонено 10");
    }
}
