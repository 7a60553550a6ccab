//! What the documents look up: the directory's names, loaded once per document by the service,
//! so every document module is a pure function of the record and these sources.

use std::collections::HashMap;

use infogroups_shared::city_time;
use infogroups_shared::pb;
use infogroups_shared::validate::to_naive;

/// Names and records a document refers to.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// Users by id.
    pub users: HashMap<u64, pb::User>,
    /// Groups by id.
    pub groups: HashMap<u64, pb::Group>,
    /// Territories by id.
    pub territories: HashMap<u64, pb::Territory>,
    /// Venues by id.
    pub venues: HashMap<u64, pb::Venue>,
    /// Departments by id.
    pub departments: HashMap<u64, pb::Department>,
    /// Outside organisations by id.
    pub organisations: HashMap<u64, pb::Organisation>,
    /// Assignments the document refers to, by id.
    pub assignments: HashMap<u64, pb::Assignment>,
    /// Classifier names by full code.
    pub codes: HashMap<String, String>,
    /// Today in the city, DD.MM.YYYY: the date of documents issued now.
    pub today: String,
}

impl Sources {
    /// A user's full name, «—» for none.
    pub fn user_name(&self, id: u64) -> String {
        self.users
            .get(&id)
            .map(|u| u.full_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "—".into())
    }

    /// A user's position, empty for none.
    pub fn user_position(&self, id: u64) -> String {
        self.users
            .get(&id)
            .map(|u| u.position.clone())
            .unwrap_or_default()
    }

    /// A territory's name.
    pub fn territory(&self, id: u64) -> String {
        self.territories
            .get(&id)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| "—".into())
    }

    /// A department's name.
    pub fn department(&self, id: u64) -> String {
        self.departments
            .get(&id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| "—".into())
    }

    /// A venue as «name, address».
    pub fn venue(&self, id: u64) -> String {
        self.venues
            .get(&id)
            .map(|v| format!("{}, {}", v.name, v.address))
            .unwrap_or_else(|| "место уточняется".into())
    }

    /// A classifier code with its name («0005.0005.0056.1156 Перебои в теплоснабжении»).
    pub fn code(&self, code: &str) -> String {
        match self.codes.get(code) {
            Some(name) if !code.is_empty() => format!("{code} {name}"),
            _ => code.to_string(),
        }
    }

    /// The executor mark (отметка об исполнителе): the name and the phone of who prepared it.
    pub fn executor_mark(&self, user_id: u64) -> Option<String> {
        let u = self.users.get(&user_id)?;
        let name = infogroups_shared::names::signature_name(&u.full_name);
        Some(if u.contact.is_empty() {
            format!("Исп.: {name}")
        } else {
            format!("Исп.: {name}\nтел. {}", u.contact)
        })
    }
}

/// A date as DD.MM.YYYY, empty for none.
pub fn date(d: Option<&pb::Date>) -> String {
    d.and_then(to_naive)
        .map(city_time::ru_date)
        .unwrap_or_default()
}

/// The city date of a UTC instant, DD.MM.YYYY; «—» for an instant never recorded (0), which
/// would otherwise print as 01.01.1970 on an official paper.
pub fn date_at(ms: i64) -> String {
    if ms == 0 {
        return "—".to_string();
    }
    city_time::ru_date(city_time::date_at(ms))
}

/// A file name's stem made safe for every file system: letters, digits and «-» only.
pub fn file_stem(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .split('-')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_never_recorded_is_a_dash_not_1970() {
        assert_eq!(date_at(0), "—");
        // 2026-12-03 21:30 UTC is already 4 December in Moscow.
        assert_eq!(date_at(1_796_333_400_000), "04.12.2026");
    }

    #[test]
    fn file_stems_keep_the_number_and_period_readable() {
        assert_eq!(file_stem(&["protocol", "3-2026/1"]), "protocol-3-2026-1");
        assert_eq!(
            file_stem(&["groups-report", "2026", "first half"]),
            "groups-report-2026-first-half"
        );
    }
}
