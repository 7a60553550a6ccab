//! The files kept on a record (a meeting's signed protocol scan, an appeal's letter and answer,
//! a card's or an assignment's report): the command every such card offers and the form that
//! lists them and attaches, saves or links one; the files section of the card.

pub mod forms;

use infogroups_shared::pb;

use crate::features::record_list::row::{DetailLine, Start};
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;

/// A record of `kind` with `id`, as the files' calls name it.
pub fn record(kind: pb::RecordKind, id: u64) -> pb::RecordRef {
    pb::RecordRef {
        kind: kind as i32,
        id,
    }
}

/// What the files key starts on a record: the server is asked for its files, and the form
/// opens on the answer ([`forms::files_form`]).
pub fn start(kind: pb::RecordKind, id: u64) -> Start {
    Start::Call(Box::new(Call::ListAttachments(record(kind, id))))
}

/// The files of the record as last listed, for its card: its files section, or nothing when it
/// has none (or they were not asked for yet).
pub fn card_lines(kind: pb::RecordKind, id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let Some(files) = ctx.files.get(&(kind as i32, id)).filter(|f| !f.is_empty()) else {
        return Vec::new();
    };
    let mut out = vec![
        DetailLine::Blank,
        DetailLine::Text(W::FilesTitle.get(ctx.lang).to_string()),
    ];
    out.extend(
        files
            .iter()
            .map(|f| DetailLine::Text(forms::file_line(f, ctx.lang))),
    );
    out
}

/// What opening a record asks, so its card shows its files.
pub fn fetch(kind: pb::RecordKind, id: u64) -> Call {
    Call::ListAttachments(record(kind, id))
}
