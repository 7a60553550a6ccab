//! The texts of the draft a previous session left: the offer to open it, and what is said when
//! it cannot be.

use infogroups_shared::names::Lang;

/// The offer's title.
pub fn offer_title(lang: Lang) -> &'static str {
    lang.pick("Черновик", "Draft")
}

/// The label of what the draft is.
pub fn offer_label(lang: Lang) -> &'static str {
    lang.pick("Есть несохранённый черновик", "There is an unsaved draft")
}

/// The question under it.
pub fn offer_question(lang: Lang) -> &'static str {
    lang.pick("открыть?", "open it?")
}

/// The draft's form is one this version of the client does not know.
pub fn cannot_reopen(lang: Lang) -> &'static str {
    lang.pick(
        "Черновик не открыть: такой формы больше нет",
        "The draft cannot be opened: that form is gone",
    )
}
