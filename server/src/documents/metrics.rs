//! The shipped serif (PT Serif, SIL Open Font License 1.1, `server/fonts/OFL.txt`) and its
//! glyph widths. Column widths are fitted with these widths for both formats: PT Serif runs a
//! little wider than Times New Roman, so a DOCX opened with Times fits too.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The regular face, embedded in every PDF.
pub static REGULAR: &[u8] = include_bytes!("../../fonts/PTSerif-Regular.ttf");
/// The bold face.
pub static BOLD: &[u8] = include_bytes!("../../fonts/PTSerif-Bold.ttf");

/// Millimetres per point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;

/// A face of the serif.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// Regular.
    Regular,
    /// Bold.
    Bold,
}

/// Advance widths per character in em units, read once from the font.
struct Widths {
    per_char: HashMap<char, f32>,
    fallback: f32,
}

impl Widths {
    fn load(data: &[u8]) -> Self {
        let mut per_char = HashMap::new();
        let mut fallback = 0.5;
        if let Ok(face) = ttf_parser::Face::parse(data, 0) {
            let upem = f32::from(face.units_per_em());
            let advance = |c: char| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map(|a| f32::from(a) / upem)
            };
            // Latin, Cyrillic and the punctuation of Russian office text.
            let ranges = [(0x20u32, 0x24f), (0x400, 0x4ff), (0x2010, 0x2122)];
            for (lo, hi) in ranges {
                for c in (lo..=hi).filter_map(char::from_u32) {
                    if let Some(a) = advance(c) {
                        per_char.insert(c, a);
                    }
                }
            }
            fallback = advance('о').unwrap_or(0.5);
        }
        Self { per_char, fallback }
    }

    fn em(&self, text: &str) -> f32 {
        text.chars()
            .map(|c| self.per_char.get(&c).copied().unwrap_or(self.fallback))
            .sum()
    }
}

static REGULAR_WIDTHS: LazyLock<Widths> = LazyLock::new(|| Widths::load(REGULAR));
static BOLD_WIDTHS: LazyLock<Widths> = LazyLock::new(|| Widths::load(BOLD));

/// The width of `text` on one line, points.
pub fn width_pt(text: &str, face: Face, size_pt: f32) -> f32 {
    let w = match face {
        Face::Regular => &*REGULAR_WIDTHS,
        Face::Bold => &*BOLD_WIDTHS,
    };
    w.em(text) * size_pt
}

/// The width of `text` on one line, millimetres.
pub fn width_mm(text: &str, face: Face, size_pt: f32) -> f32 {
    width_pt(text, face, size_pt) * MM_PER_PT
}

/// The words of `text` a line may break between: split at spaces, tabs and line breaks only,
/// so a no-break space (see [`bind`]) keeps its neighbours together.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
}

/// Glues what a line must not break: «№» to its number, initials to the surname that follows
/// («Е.А. Кузнецова»), and a count in parentheses to the word before it, with no-break spaces.
pub fn bind(text: &str) -> String {
    let parts: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len());
    for (i, w) in parts.iter().enumerate() {
        out.push_str(w);
        if i + 1 == parts.len() {
            break;
        }
        let initials = w.len() > 1
            && w.ends_with('.')
            && w.chars().count() <= 6
            && w.split('.')
                .filter(|p| !p.is_empty())
                .all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase));
        let next = parts[i + 1];
        // A count in parentheses («(4);») belongs to the word before it.
        let count = next.strip_prefix('(').is_some_and(|r| {
            let digits = r.trim_end_matches([')', ';', '.', ',']);
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && r.contains(')')
        });
        let glue = (*w == "№" || initials || count) && !next.is_empty();
        out.push(if glue { '\u{a0}' } else { ' ' });
    }
    out
}

/// The widest word of `text`, millimetres.
pub fn longest_word_mm(text: &str, face: Face, size_pt: f32) -> f32 {
    words(text)
        .map(|w| width_mm(w, face, size_pt))
        .fold(0.0, f32::max)
}

/// The widest line of `text` (lines split at newlines), millimetres.
pub fn widest_line_mm(text: &str, face: Face, size_pt: f32) -> f32 {
    text.lines()
        .map(|l| width_mm(l, face, size_pt))
        .fold(0.0, f32::max)
}

/// Breaks `text` into lines no wider than `width_pt` at spaces (and at its own newlines); a
/// word wider than the line is cut by characters, which fitted tables never need.
pub fn wrap(text: &str, face: Face, size_pt: f32, width_pt_max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in words(para) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width_pt(&candidate, face, size_pt) <= width_pt_max || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
            while width_pt(&line, face, size_pt) > width_pt_max && line.chars().count() > 1 {
                let mut head = String::new();
                for c in line.chars() {
                    head.push(c);
                    if width_pt(&head, face, size_pt) > width_pt_max {
                        head.pop();
                        break;
                    }
                }
                if head.is_empty() {
                    break;
                }
                let rest = line[head.len()..].to_string();
                lines.push(head);
                line = rest;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_cyrillic_and_bold_is_wider() {
        let r = width_pt("Показатель", Face::Regular, 12.0);
        let b = width_pt("Показатель", Face::Bold, 12.0);
        assert!(r > 40.0 && r < 80.0, "{r}");
        assert!(b > r);
    }

    #[test]
    fn numbers_and_initials_stay_with_what_follows() {
        assert_eq!(bind("поручение № 2026/0153"), "поручение №\u{a0}2026/0153");
        assert_eq!(bind("Е.А. Кузнецова"), "Е.А.\u{a0}Кузнецова");
        assert_eq!(
            bind("С.И. Новиков, А.В. Петрова"),
            "С.И.\u{a0}Новиков, А.В.\u{a0}Петрова"
        );
        assert_eq!(bind("ул. Ленина"), "ул. Ленина");
        assert_eq!(bind("шахт (1);"), "шахт\u{a0}(1);");
        assert_eq!(bind("шахт (см. ниже)"), "шахт (см. ниже)");
        assert_eq!(words("Е.А.\u{a0}Кузнецова и\nещё").count(), 3);
    }

    #[test]
    fn wrapping_keeps_words_whole_and_lines_within_the_width() {
        let lines = wrap(
            "Гражданин принят, дан ответ на месте",
            Face::Regular,
            12.0,
            80.0,
        );
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "Гражданин принят, дан ответ на месте");
        for l in &lines {
            assert!(width_pt(l, Face::Regular, 12.0) <= 80.0, "{l}");
        }
    }
}
