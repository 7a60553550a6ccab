//! Keeping the files the tests export, so that a person can open and render every document
//! (`pdftoppm`) without driving the client: set `INFOGROUPS_DOCS_OUT` to a folder.

use infogroups_shared::pb;

/// Writes an exported file into `INFOGROUPS_DOCS_OUT` when it is set; does nothing otherwise.
pub fn keep(file: &pb::ExportResponse) {
    if let Some(dir) = std::env::var_os("INFOGROUPS_DOCS_OUT") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create INFOGROUPS_DOCS_OUT");
        std::fs::write(dir.join(&file.file_name), &file.content)
            .expect("write into INFOGROUPS_DOCS_OUT");
    }
}
