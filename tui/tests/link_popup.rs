//! The download-link popup, drawn over the secretary's screen at 80×24 in both languages: the
//! link whole as text, the file, until when it works.

mod common;

use common::*;
use infogroups_shared::names::Lang;
use infogroups_shared::pb;

use infogroups_tui::ui::link_popup::LinkPopup;
use infogroups_tui::ui::popup::Popup;

#[test]
fn the_link_popup_shows_the_link_the_file_and_the_expiry() {
    for (lang, tag) in [(Lang::Ru, "ru"), (Lang::En, "en")] {
        let mut s = signed_in(lang, (80, 24), SEK1);
        let shared = pb::ShareResponse {
            url: "https://ig.example.org:8443/d/0f1e2d3c4b5a69788796a5b4c3d2e1f0".into(),
            file_name: "Протокол № 3 от 02.12.2026.pdf".into(),
            expires_at_ms: now_ms() + 10 * 60 * 1000,
        };
        s.popups.push(Popup::Link(LinkPopup::new(&shared, lang)));
        let t = draw(&s);
        let screen = format!("{}", t.backend());
        assert!(
            screen.contains("0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("link_popup_{tag}_80x24"), t.backend());
    }
}
