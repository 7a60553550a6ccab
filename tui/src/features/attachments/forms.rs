//! The form of a record's files: the files listed above it (name, size, date), and one field
//! that says what to do — attach a file of this computer by its path, save one of the files into
//! the download folder (never over a file already there), or get a one-time link to it.

use std::path::PathBuf;

use infogroups_shared::attachment::{size_en, size_ru};
use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{Field, FieldKind as K, FormPopup, FormSpec, choice_of, value};

/// What the form can do, in the order its choice offers them when the record has files.
const ATTACH: usize = 0;
const SAVE: usize = 1;
const LINK: usize = 2;

/// The files of one record and what to do with them.
#[derive(Debug, Clone, PartialEq)]
pub struct Files {
    /// The record.
    pub record: pb::RecordRef,
    /// Its files, oldest first.
    pub files: Vec<pb::Attachment>,
}

impl FormSpec for Files {
    fn fields(&self, lang: Lang) -> Vec<Field> {
        let mut fields = Vec::new();
        if !self.files.is_empty() {
            fields.push(Field::choice(
                "action",
                W::FieldFileAction,
                [W::FileAttach, W::FileSave, W::FileLink]
                    .iter()
                    .map(|w| w.get(lang).to_string())
                    .collect(),
            ));
            fields.push(Field::choice(
                "file",
                W::FieldFile,
                self.files.iter().map(|f| f.file_name.clone()).collect(),
            ));
        }
        fields.push(Field::new("path", W::FieldFilePath, K::Line, false));
        fields
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let action = if self.files.is_empty() {
            ATTACH
        } else {
            choice_of(fields, "action")
        };
        let typed = value(fields, "path").trim();
        let chosen = self.files.get(choice_of(fields, "file"));
        let which = |f: &pb::Attachment| pb::DownloadAttachmentRequest {
            record: Some(self.record),
            attachment_id: f.id,
        };
        match (action, chosen) {
            (SAVE, Some(f)) => Ok(Call::SaveAttachment {
                request: which(f),
                file_name: f.file_name.clone(),
                path: (!typed.is_empty()).then(|| PathBuf::from(typed)),
            }),
            (LINK, Some(f)) => Ok(Call::ShareAttachment(which(f))),
            _ if typed.is_empty() => Err(FieldError::new(
                "path",
                "укажите путь к файлу на этом компьютере",
                "give the path of a file on this computer",
            )),
            _ => Ok(Call::Attach {
                record: self.record,
                path: expand_home(typed, std::env::var_os("HOME").map(PathBuf::from)),
            }),
        }
    }

    /// One text for attaching and saving: a save adds the path the file got.
    fn done(&self) -> W {
        W::DoneFiles
    }
}

/// `~` and `~/…` as the home folder; any other path as typed.
pub fn expand_home(typed: &str, home: Option<PathBuf>) -> PathBuf {
    match (typed.strip_prefix('~'), home) {
        (Some(""), Some(home)) => home,
        (Some(rest), Some(home)) if rest.starts_with('/') => {
            home.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(typed),
    }
}

/// One file as the list above the form shows it: name, size, when it was attached.
pub fn file_line(f: &pb::Attachment, lang: Lang) -> String {
    let size = lang.pick(&size_ru(f.size), &size_en(f.size)).to_string();
    format!(
        "{} · {size} · {}",
        f.file_name,
        crate::ui::text::date_time(f.uploaded_at_ms)
    )
}

/// The form of `record`'s `files`, under the record's `summary` lines.
pub fn files_form(
    record: pb::RecordRef,
    files: Vec<pb::Attachment>,
    mut summary: Vec<String>,
    lang: Lang,
) -> FormPopup {
    if files.is_empty() {
        summary.push(W::FilesNone.get(lang).to_string());
    }
    summary.extend(files.iter().map(|f| file_line(f, lang)));
    FormPopup::new(
        Files { record, files },
        W::FilesTitle.get(lang).to_string(),
        summary,
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tilde_is_the_home_folder() {
        let home = Some(PathBuf::from("/home/secretary"));
        assert_eq!(
            expand_home("~", home.clone()),
            PathBuf::from("/home/secretary")
        );
        assert_eq!(
            expand_home("~/Сканы/протокол.pdf", home.clone()),
            PathBuf::from("/home/secretary/Сканы/протокол.pdf")
        );
        assert_eq!(
            expand_home("~other/x", home.clone()),
            PathBuf::from("~other/x")
        );
        assert_eq!(expand_home("/tmp/a.pdf", home), PathBuf::from("/tmp/a.pdf"));
        assert_eq!(expand_home("~/a", None), PathBuf::from("~/a"));
    }

    #[test]
    fn a_file_reads_with_its_size_and_date() {
        let f = pb::Attachment {
            file_name: "скан.pdf".into(),
            size: 1536,
            ..Default::default()
        };
        assert!(file_line(&f, Lang::Ru).starts_with("скан.pdf · 1,5 КБ · "));
        assert!(file_line(&f, Lang::En).starts_with("скан.pdf · 1.5 KB · "));
    }
}
