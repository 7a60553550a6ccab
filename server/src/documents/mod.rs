//! The documents the administration prints (`../shared/docs/documents.md`): one module per
//! document builds a format-neutral [`model::Document`] from the store, and one writer per
//! format renders it, so the DOCX and the PDF carry the same content in the same layout.

pub mod control_card;
pub mod docx;
pub mod meeting_papers;
pub mod metrics;
pub mod model;
pub mod pdf;
pub mod protocol;
pub mod reception_card;
pub mod registers;
pub mod reports;
pub mod sources;

/// A document that could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("document: {0}")]
pub struct DocumentError(pub String);

/// The formats a document renders to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Word.
    Docx,
    /// PDF for printing.
    Pdf,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// Renders `doc` as `format`.
pub fn render(doc: &model::Document, format: Format) -> Result<Vec<u8>, DocumentError> {
    match format {
        Format::Docx => docx::render(doc),
        Format::Pdf => pdf::render(doc),
    }
}
