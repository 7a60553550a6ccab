//! Every text of [`W`] is in exactly one area, and each reads in both languages.

use std::collections::BTreeMap;

use super::*;

/// Each area's source, to read which texts it holds.
const AREAS: [(&str, &str); 6] = [
    ("common", include_str!("common.rs")),
    ("assignments", include_str!("assignments.rs")),
    ("meetings", include_str!("meetings.rs")),
    ("appeals", include_str!("appeals.rs")),
    ("directory", include_str!("directory.rs")),
    ("reports", include_str!("reports.rs")),
];

/// The names `W::…` used in `src`.
fn named(src: &str) -> Vec<&str> {
    src.split("W::")
        .skip(1)
        .map(|s| s.split(|c: char| !c.is_alphanumeric()).next().unwrap_or(""))
        .collect()
}

#[test]
fn every_text_is_in_exactly_one_area() {
    let own = include_str!("../work.rs");
    let decl = own
        .split("pub enum W {")
        .nth(1)
        .and_then(|s| s.split('}').next())
        .unwrap_or("");
    let variants: Vec<&str> = decl
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    assert!(
        variants.len() > 300,
        "the enum was not read: {}",
        variants.len()
    );
    let mut found: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (area, src) in AREAS {
        for name in named(src) {
            found.entry(name).or_default().push(area);
        }
    }
    for v in &variants {
        assert_eq!(
            found.get(v).map(Vec::len),
            Some(1),
            "{v}: {:?}",
            found.get(v)
        );
    }
    assert_eq!(
        found.len(),
        variants.len(),
        "an area names a text W does not have"
    );
}

#[test]
fn texts_come_from_their_area() {
    assert_eq!(W::TabMeetings.get(Lang::Ru), "Встречи");
    assert_eq!(W::TabAssignments.get(Lang::En), "Assignments");
    assert_eq!(W::Empty.get(Lang::En), "Nothing here");
}
