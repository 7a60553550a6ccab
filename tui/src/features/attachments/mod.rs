//! The files kept on a record (a meeting's signed protocol scan, an appeal's letter and answer,
//! a card's or an assignment's report): the command every such card offers and the form that
//! lists them and attaches, saves or links one.

pub mod forms;

use infogroups_shared::pb;

use crate::features::record_list::row::Start;
use crate::msg::call::Call;

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
