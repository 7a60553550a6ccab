//! Finding a colleague by what someone types in a person field: a login or the start of any
//! word of the full name («пет» finds «Петрова Анна», «иван п» finds «Иванов Пётр»). Pure, so
//! the form's suggestions and the value it sends follow one rule.

use infogroups_shared::pb;

/// How well a user matches, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// The login or the whole full name, exactly.
    Exact,
    /// The login starts with the query.
    LoginPrefix,
    /// Every word of the query starts a word of the full name.
    NameWords,
}

/// Lower case with ё read as е, as most people type it.
pub fn fold(s: &str) -> String {
    s.trim().to_lowercase().replace('ё', "е")
}

fn rank(user: &pb::User, query: &str) -> Option<Rank> {
    let login = fold(&user.username);
    let name = fold(&user.full_name);
    if query.is_empty() {
        return Some(Rank::NameWords);
    }
    if login == query || name == query {
        return Some(Rank::Exact);
    }
    if login.starts_with(query) {
        return Some(Rank::LoginPrefix);
    }
    words_match(&name, query).then_some(Rank::NameWords)
}

/// Whether every word of `query` starts a word of `name` (both already [`fold`]ed).
pub fn words_match(name: &str, query: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    query
        .split_whitespace()
        .all(|q| words.iter().any(|w| w.starts_with(q)))
}

/// The users matching `query`, best first, then by full name; an empty query matches everyone.
pub fn matches<'a>(
    users: impl IntoIterator<Item = &'a pb::User>,
    query: &str,
) -> Vec<&'a pb::User> {
    let query = fold(query);
    // An archived account signs in no more: it is offered for nothing.
    let mut found: Vec<(Rank, &pb::User)> = users
        .into_iter()
        .filter(|u| !u.meta.is_some_and(|m| m.archived))
        .filter_map(|u| rank(u, &query).map(|r| (r, u)))
        .collect();
    found.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then_with(|| a.full_name.cmp(&b.full_name))
            .then_with(|| a.username.cmp(&b.username))
    });
    found.into_iter().map(|(_, u)| u).collect()
}

/// Why typed text names nobody in particular.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unresolved {
    /// Nobody matches.
    Nobody,
    /// This many people match and none exactly.
    Several(usize),
}

/// The one user `text` names: an exact login or full name, else the only match.
pub fn resolve<'a>(
    users: impl IntoIterator<Item = &'a pb::User>,
    text: &str,
) -> Result<&'a pb::User, Unresolved> {
    if text.trim().is_empty() {
        return Err(Unresolved::Nobody);
    }
    let found = matches(users, text);
    let query = fold(text);
    match found.as_slice() {
        [] => Err(Unresolved::Nobody),
        [only] => Ok(only),
        [first, ..] if rank(first, &query) == Some(Rank::Exact) => Ok(first),
        many => Err(Unresolved::Several(many.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(login: &str, name: &str) -> pb::User {
        pb::User {
            username: login.into(),
            full_name: name.into(),
            ..Default::default()
        }
    }

    fn people() -> Vec<pb::User> {
        vec![
            user("isp1", "Смирнов Алексей Иванович"),
            user("isp2", "Петрова Анна Сергеевна"),
            user("ivanov", "Иванов Пётр Петрович"),
            user("sek1", "Кузнецова Ольга Петровна"),
        ]
    }

    fn logins(found: &[&pb::User]) -> Vec<String> {
        found.iter().map(|u| u.username.clone()).collect()
    }

    #[test]
    fn a_login_prefix_comes_before_name_words() {
        let p = people();
        assert_eq!(logins(&matches(&p, "isp")), ["isp2", "isp1"]);
        // «пет» starts Пётр, Петрович, Петровна and Петрова (ё is read as е).
        assert_eq!(logins(&matches(&p, "Пет")), ["ivanov", "sek1", "isp2"]);
        assert_eq!(logins(&matches(&p, "пётр")), ["ivanov", "sek1", "isp2"]);
    }

    #[test]
    fn every_word_of_the_query_must_start_a_word_of_the_name() {
        let p = people();
        assert_eq!(logins(&matches(&p, "иван п")), ["ivanov"]);
        assert!(matches(&p, "иван к").is_empty());
        assert!(
            matches(&p, "ван").is_empty(),
            "inside a word is not a match"
        );
    }

    #[test]
    fn an_empty_query_lists_everyone_by_name() {
        let p = people();
        assert_eq!(
            logins(&matches(&p, "  ")),
            ["ivanov", "sek1", "isp2", "isp1"]
        );
    }

    #[test]
    fn resolving_takes_an_exact_name_or_the_only_match() {
        let p = people();
        assert_eq!(resolve(&p, "ISP1").map(|u| &u.username[..]), Ok("isp1"));
        assert_eq!(resolve(&p, "смирн").map(|u| &u.username[..]), Ok("isp1"));
        assert_eq!(
            resolve(&p, "петрова анна сергеевна").map(|u| &u.username[..]),
            Ok("isp2")
        );
        assert_eq!(resolve(&p, "isp").err(), Some(Unresolved::Several(2)));
        assert_eq!(resolve(&p, "zzz").err(), Some(Unresolved::Nobody));
        assert_eq!(resolve(&p, " ").err(), Some(Unresolved::Nobody));
    }

    #[test]
    fn an_archived_account_is_offered_for_nothing() {
        let mut p = people();
        p[0].meta = Some(pb::Meta {
            archived: true,
            ..Default::default()
        });
        assert!(matches(&p, "isp1").is_empty());
        assert_eq!(resolve(&p, "isp1").err(), Some(Unresolved::Nobody));
    }

    #[test]
    fn an_exact_login_wins_over_longer_logins_it_starts() {
        let mut p = people();
        p.push(user("isp10", "Орлов Игорь"));
        assert_eq!(resolve(&p, "isp1").map(|u| &u.username[..]), Ok("isp1"));
    }
}
