//! The popup that shows a one-time download link the server made (`ShareExport`,
//! `ShareCalendarFile`): the link as plain text to read or select, the file and until when the
//! link works, in the city's time.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;

use super::popup::InfoPopup;
use crate::strings::link::L;

/// The popup for `shared`.
pub fn link_popup(shared: &pb::ShareResponse, lang: Lang) -> InfoPopup {
    let until = chrono::DateTime::from_timestamp_millis(shared.expires_at_ms)
        .map(|t| {
            t.with_timezone(&infogroups_shared::city_time::offset())
                .format("%H:%M")
                .to_string()
        })
        .unwrap_or_default();
    InfoPopup {
        title: L::Title.get(lang).to_string(),
        lines: vec![
            (L::Link.get(lang).to_string(), shared.url.clone()),
            (L::File.get(lang).to_string(), shared.file_name.clone()),
            (L::ValidUntil.get(lang).to_string(), until),
            (
                L::HowToOpen.get(lang).to_string(),
                L::HowTo.get(lang).to_string(),
            ),
        ],
    }
}
