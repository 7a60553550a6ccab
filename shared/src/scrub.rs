//! Scrubbing personal data out of free text (152-FZ art. 3 p. 9, depersonalisation): the
//! citizen's own recorded name, address, phone and e-mail wherever they occur, plus anything that
//! looks like a phone number or an e-mail address, whoever's it is.
//!
//! Names are matched as words, case-insensitively, with the short endings Russian declension adds
//! («Кравченко», «Ивановой» for «Иванова»); an address is removed whole, and so is each of its
//! distinctive words (a street's name), but not the generic ones («улица», «дом») nor numbers,
//! which alone identify no one.

use crate::pb;

/// What replaces every scrubbed piece.
pub const MARK: &str = "[обезличено]";

/// Words of an address that identify nobody: kinds of streets and buildings, the region.
const GENERIC: &[&str] = &[
    "улица",
    "ул",
    "проспект",
    "пр",
    "пр-т",
    "переулок",
    "пер",
    "площадь",
    "пл",
    "бульвар",
    "шоссе",
    "проезд",
    "микрорайон",
    "мкр",
    "дом",
    "корпус",
    "корп",
    "квартира",
    "кв",
    "строение",
    "город",
    "область",
    "обл",
    "район",
    "посёлок",
    "поселок",
    "пос",
    "хутор",
    "ростовская",
    "новошахтинск",
    "россия",
];

fn fold(s: &str) -> String {
    s.to_lowercase().replace('ё', "е")
}

/// The part of a name a declined form still starts with: the name without a final vowel or «й».
fn stem(word: &str) -> String {
    let mut chars: Vec<char> = fold(word).chars().collect();
    while chars.len() > 3 && chars.last().is_some_and(|c| "аеиоуыэюяйь".contains(*c)) {
        chars.pop();
    }
    chars.into_iter().collect()
}

/// Whether `word` is `name` or a declined form of it (at most three more letters).
fn is_form_of(word: &str, name: &str) -> bool {
    let w = fold(word);
    let n = fold(name);
    if w == n {
        return true;
    }
    let s = stem(name);
    s.chars().count() >= 3 && w.starts_with(&s) && w.chars().count() <= s.chars().count() + 3
}

/// Cuts text into words (letters, digits, hyphens inside words) and what lies between them.
fn words(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let w = c.is_alphanumeric();
        if w != in_word && i > start {
            out.push((in_word, &text[start..i]));
            start = i;
        }
        in_word = w;
    }
    if start < text.len() {
        out.push((in_word, &text[start..]));
    }
    out
}

/// Replaces every case-insensitive occurrence of `needle` in `text`.
fn replace_ci(text: &str, needle: &str) -> String {
    let needle = needle.trim();
    if needle.chars().count() < 3 {
        return text.to_string();
    }
    let hay: Vec<char> = text.chars().collect();
    let n: Vec<char> = fold(needle).chars().collect();
    let folded: Vec<char> = hay
        .iter()
        .map(|c| fold(&c.to_string()).chars().next().unwrap_or(*c))
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < hay.len() {
        if i + n.len() <= hay.len() && folded[i..i + n.len()] == n[..] {
            out.push_str(MARK);
            i += n.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// The citizen's words to scrub: names and the distinctive words of the address.
fn citizen_words(c: &pb::Citizen) -> Vec<String> {
    let mut out: Vec<String> = [&c.surname, &c.first_name, &c.patronymic]
        .iter()
        .flat_map(|n| n.split_whitespace())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_string)
        .collect();
    for (is_word, w) in words(&c.postal_address) {
        let generic = GENERIC.contains(&fold(w).as_str());
        if is_word && !generic && w.chars().count() >= 4 && w.chars().any(char::is_alphabetic) {
            out.push(w.to_string());
        }
    }
    out
}

/// Whether the token is an e-mail address: something@something.something.
fn is_email(token: &str) -> bool {
    let Some((local, domain)) = token.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

/// Removes e-mail addresses: whitespace-separated tokens of the form a@b.c.
fn scrub_emails(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        let trimmed = token.trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
        let tail = &token[trimmed.len()..];
        let trimmed = trimmed.trim_start_matches(['(', '<', '«', '"']);
        let head = &token[..token.len() - tail.len() - trimmed.len()];
        if is_email(trimmed) {
            out.push_str(head);
            out.push_str(MARK);
            out.push_str(tail);
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut token, &mut out);
            out.push(c);
        } else {
            token.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// Whether a run of digits and separators is a phone number: 10 to 12 digits (a full Russian
/// number, +7 or 8 first), 7 or more after a «+», or a local number of 5 to 7 digits written in
/// groups of at most three («2-34-56»). Dates, years and registration numbers are none of these.
fn is_phone(run: &str) -> bool {
    let digits = run.chars().filter(char::is_ascii_digit).count();
    let groups: Vec<&str> = run
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    if run.starts_with('+') && digits >= 7 {
        return true;
    }
    if (10..=12).contains(&digits) && groups.iter().all(|g| g.len() <= 4 || groups.len() == 1) {
        return true;
    }
    (5..=7).contains(&digits) && groups.len() >= 3 && groups.iter().all(|g| g.len() <= 3)
}

/// Removes phone numbers: runs of digits joined by spaces, hyphens and brackets.
fn scrub_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            || (matches!(chars[i], '+' | '(')
                && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        // A run never starts inside a word or a longer number («ИГ-2026-00001» keeps its digits).
        let glued = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '-');
        if !starts || glued {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len()
            && (chars[j].is_ascii_digit()
                || (matches!(chars[j], ' ' | '-' | '(' | ')')
                    && chars
                        .get(j + 1)
                        .is_some_and(|c| c.is_ascii_digit() || *c == '(')))
        {
            j += 1;
        }
        let run: String = chars[i..j].iter().collect();
        let glued_after = chars.get(j).is_some_and(|c| c.is_alphanumeric());
        if !glued_after && is_phone(&run) {
            out.push_str(MARK);
        } else {
            out.push_str(&run);
        }
        i = j;
    }
    out
}

/// Scrubs `text`: the citizen's recorded contact and address whole, the words of their name and
/// address, then any e-mail address and phone number.
pub fn scrub(text: &str, citizen: Option<&pb::Citizen>) -> String {
    let mut t = text.to_string();
    if let Some(c) = citizen {
        for whole in [&c.postal_address, &c.contact, &c.workplace] {
            t = replace_ci(&t, whole);
        }
        let names = citizen_words(c);
        if !names.is_empty() {
            t = words(&t)
                .into_iter()
                .map(|(is_word, w)| {
                    if is_word && names.iter().any(|n| is_form_of(w, n)) {
                        MARK
                    } else {
                        w
                    }
                })
                .collect();
        }
    }
    scrub_phones(&scrub_emails(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn citizen() -> pb::Citizen {
        pb::Citizen {
            surname: "Кравченко".into(),
            first_name: "Мария".into(),
            patronymic: "Петровна".into(),
            postal_address: "ул. Садовая, д. 12, кв. 4".into(),
            contact: "+7 (928) 111-22-33".into(),
            workplace: String::new(),
        }
    }

    #[test]
    fn the_citizens_name_address_and_contact_go_in_any_case_and_form() {
        let t = scrub(
            "Со слов Кравченко Марии Петровны (ул. Садовая, д. 12, кв. 4), звонить +7 (928) 111-22-33; \
             у МАРИИ течёт крыша на Садовой.",
            Some(&citizen()),
        );
        for leak in ["Кравченко", "Мари", "Петровн", "Садов", "928", "111"]
        {
            assert!(
                !t.to_lowercase().contains(&leak.to_lowercase()),
                "{leak} in {t}"
            );
        }
        assert!(t.contains("течёт крыша"), "{t}");
    }

    #[test]
    fn any_phone_and_email_go_but_dates_years_and_numbers_stay() {
        let t = scrub(
            "Соседка: 8-863-69-2-34-56, 2-34-56, ivanova.a@mail.ru, 89281234567. \
             Обращение ИГ-2026-00001 от 12.03.2026, дом 15, 2026 год, 120 жителей.",
            None,
        );
        assert!(!t.contains("34-56") && !t.contains("mail.ru") && !t.contains("89281234567"));
        for kept in [
            "ИГ-2026-00001",
            "12.03.2026",
            "дом 15",
            "2026 год",
            "120 жителей",
        ] {
            assert!(t.contains(kept), "{kept} lost in {t}");
        }
    }

    #[test]
    fn generic_address_words_and_unrelated_text_are_kept() {
        let t = scrub("Улица и дом в городе в порядке", Some(&citizen()));
        assert_eq!(t, "Улица и дом в городе в порядке");
    }
}
