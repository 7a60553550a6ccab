//! The form that saves a server-rendered file: a report or register as a table, a record's
//! document (protocol, card, brief) as .pdf or .docx.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use crate::msg::call::Call;
use crate::strings::link::L;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{Field, FieldKind as K, FormPopup, FormSpec, choice_of, value};

/// The position of «as a link» among the ways to get the file.
const AS_LINK: usize = 1;

/// The export formats offered, in order.
pub const FORMATS: [(pb::FileFormat, &str); 4] = [
    (pb::FileFormat::Xlsx, "xlsx"),
    (pb::FileFormat::Pdf, "pdf"),
    (pb::FileFormat::Docx, "docx"),
    (pb::FileFormat::Csv, "csv"),
];

/// Whether `kind` is a document (.pdf/.docx only) rather than a table.
pub fn is_document(kind: i32) -> bool {
    use pb::ExportKind as K;
    matches!(
        K::try_from(kind),
        Ok(K::Protocol
            | K::ReceptionCard
            | K::Brief
            | K::Announcement
            | K::Results
            | K::ControlCard)
    )
}

/// Save a server-rendered file.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// What to render (the format is the form's).
    pub request: Box<pb::ExportRequest>,
    /// The documents offered on the same record, with their names (a meeting's protocol, brief,
    /// announcement, results); empty when `request` says which.
    pub kinds: Vec<(pb::ExportKind, String)>,
}

impl FormSpec for Export {
    fn fields(&self, lang: Lang) -> Vec<Field> {
        // A document is printed or edited: .pdf and .docx are offered; a table in any format.
        let document = is_document(self.request.kind);
        let names = FORMATS
            .iter()
            .filter(|(f, _)| !document || matches!(f, pb::FileFormat::Pdf | pb::FileFormat::Docx))
            .map(|(_, n)| (*n).to_string())
            .collect();
        let mut fields = Vec::new();
        if self.kinds.len() > 1 {
            fields.push(Field::choice(
                "document",
                W::FieldDocument,
                self.kinds.iter().map(|(_, n)| n.clone()).collect(),
            ));
        }
        fields.push(Field::choice("format", W::FieldFormat, names));
        fields.push(Field::new("path", W::FieldSaveAs, K::Line, false));
        // Over SSH the folder is on the server host; a link opens on the person's own computer.
        fields.push(Field::choice(
            "deliver",
            W::FieldDeliver,
            vec![
                L::AsFile.get(lang).to_string(),
                L::AsLink.get(lang).to_string(),
            ],
        ));
        fields
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        // The options may be fewer than FORMATS (documents are .pdf/.docx): go by the name.
        let chosen = fields
            .iter()
            .find(|f| f.name == "format")
            .and_then(|f| f.options.get(f.choice))
            .map_or("", String::as_str);
        let (format, ext) = FORMATS
            .iter()
            .copied()
            .find(|(_, n)| *n == chosen)
            .unwrap_or(FORMATS[0]);
        let mut r = (*self.request).clone();
        r.format = format as i32;
        if let Some((kind, _)) = fields
            .iter()
            .find(|f| f.name == "document")
            .and_then(|f| self.kinds.get(f.choice))
        {
            r.kind = *kind as i32;
        }
        if choice_of(fields, "deliver") == AS_LINK {
            return Ok(Call::ShareExport(r));
        }
        let typed = value(fields, "path").trim();
        let path = (!typed.is_empty()).then(|| {
            let mut path = std::path::PathBuf::from(typed);
            if path.extension().is_none_or(|e| e != ext) {
                path.set_extension(ext);
            }
            path
        });
        Ok(Call::Export { request: r, path })
    }

    fn done(&self) -> W {
        W::DoneSaved
    }
}

/// The form that saves a server-rendered file. Its name is left empty: the file is then saved
/// under the name the server gives it (the document, its number and period); a name typed in
/// is used instead (its extension follows the chosen format).
pub fn export_form(request: pb::ExportRequest, summary: Vec<String>, lang: Lang) -> FormPopup {
    FormPopup::new(
        Export {
            request: Box::new(request),
            kinds: Vec::new(),
        },
        W::ExportTitle.get(lang).to_string(),
        summary,
        lang,
    )
}

/// The form to save one of several documents of a record (`kinds`, the first chosen at first),
/// named as [`export_form`] says.
pub fn export_choice_form(
    kinds: Vec<(pb::ExportKind, String)>,
    id: u64,
    summary: Vec<String>,
    lang: Lang,
) -> FormPopup {
    let request = pb::ExportRequest {
        kind: kinds.first().map_or(0, |(k, _)| *k as i32),
        id,
        ..Default::default()
    };
    FormPopup::new(
        Export {
            request: Box::new(request),
            kinds,
        },
        W::ExportTitle.get(lang).to_string(),
        summary,
        lang,
    )
}
