//! The report tabs' parameters and the requests they make. Pure: what to ask the server for a
//! kind of report, a period and a grouping — the figures themselves are computed by the server.

use chrono::{Datelike, NaiveDate};
use infogroups_shared::names::Lang;
use infogroups_shared::{pb, periods, quarters, validate};

use crate::msg::call::{Call, ReportKind};

/// A period the aggregate screen offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The current quarter.
    Quarter,
    /// The current half-year.
    Half,
    /// The current year.
    Year,
    /// The previous year.
    LastYear,
    /// The last five years.
    FiveYears,
    /// Any days typed, first and last.
    Range(NaiveDate, NaiveDate),
}

impl Period {
    /// The presets the period key steps through.
    const PRESETS: [Period; 5] = [
        Period::Quarter,
        Period::Half,
        Period::Year,
        Period::LastYear,
        Period::FiveYears,
    ];

    /// The first and last day of the period, for `today`.
    pub fn bounds(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let y = today.year();
        let found = match self {
            Period::Quarter => periods::quarter_of(today),
            Period::Half => periods::half_of(today),
            Period::Year => periods::year(y),
            Period::LastYear => periods::year(y - 1),
            Period::FiveYears => periods::years(y - 4, y),
            Period::Range(from, to) => Some((from, to)),
        };
        found.unwrap_or((today, today))
    }

    /// Its name.
    pub fn name(self, lang: Lang) -> &'static str {
        let (ru, en) = match self {
            Period::Quarter => ("текущий квартал", "this quarter"),
            Period::Half => ("текущее полугодие", "this half-year"),
            Period::Year => ("текущий год", "this year"),
            Period::LastYear => ("прошлый год", "last year"),
            Period::FiveYears => ("пять лет", "five years"),
            Period::Range(..) => ("произвольный период", "a chosen period"),
        };
        lang.pick(ru, en)
    }

    /// The preset after this one; after a typed range, the first.
    fn next(self) -> Self {
        let i = Self::PRESETS.iter().position(|p| *p == self);
        i.map_or(Self::PRESETS[0], |i| {
            Self::PRESETS[(i + 1) % Self::PRESETS.len()]
        })
    }
}

/// The groupings the aggregate screen cycles through.
pub const DIMENSIONS: [pb::Dimension; 10] = [
    pb::Dimension::Territory,
    pb::Dimension::Group,
    pb::Dimension::Section,
    pb::Dimension::Thematic,
    pb::Dimension::Topic,
    pb::Dimension::Question,
    pb::Dimension::Channel,
    pb::Dimension::Kind,
    pb::Dimension::Result,
    pb::Dimension::Month,
];

/// A grouping's name.
pub fn dimension_name(lang: Lang, d: pb::Dimension) -> &'static str {
    use pb::Dimension as D;
    let (ru, en) = match d {
        D::Unspecified => ("—", "—"),
        D::Group => ("группа", "group"),
        D::Territory => ("территория", "territory"),
        D::Section => ("раздел классификатора", "classifier section"),
        D::Thematic => ("тематика", "thematic"),
        D::Topic => ("тема", "topic"),
        D::Question => ("вопрос", "question"),
        D::Channel => ("канал поступления", "channel"),
        D::Kind => ("вид обращения", "kind"),
        D::Result => ("результат", "result"),
        D::Month => ("месяц", "month"),
    };
    lang.pick(ru, en)
}

/// A report tab's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// The aggregate's period.
    pub period: Period,
    /// Index into [`DIMENSIONS`].
    pub dimension: usize,
    /// Years back from the current one (reports by year).
    pub years_back: i32,
    /// The groups report's part of the year.
    pub part: pb::PeriodKind,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            period: Period::Year,
            dimension: 0,
            years_back: 0,
            part: pb::PeriodKind::FirstHalf,
        }
    }
}

impl Params {
    /// What a tab opens on: the groups' report on the last completed half-year or year.
    pub fn opening(today: NaiveDate) -> Self {
        let (year, part) = quarters::last_completed_half(today);
        Self {
            years_back: today.year() - year,
            part,
            ..Self::default()
        }
    }

    /// The next period (the aggregate's, or the report's year or part of it).
    pub fn next_period(&mut self, kind: ReportKind) {
        match kind {
            ReportKind::Aggregates => self.period = self.period.next(),
            ReportKind::GroupsReport => {
                // This year's halves and whole, then last year's, then back to this year.
                use pb::PeriodKind as P;
                (self.part, self.years_back) = match (self.part, self.years_back) {
                    (P::FirstHalf, y) => (P::SecondHalf, y),
                    (P::SecondHalf, y) => (P::Year, y),
                    (_, 0) => (P::FirstHalf, 1),
                    _ => (P::FirstHalf, 0),
                };
            }
            ReportKind::Quarterly | ReportKind::AppealsAnalysis => {
                self.years_back = (self.years_back + 1) % 5;
            }
            ReportKind::Dashboard | ReportKind::Directories => {}
        }
    }

    /// The next grouping.
    pub fn next_dimension(&mut self) {
        self.dimension = (self.dimension + 1) % DIMENSIONS.len();
    }

    /// The aggregate's grouping.
    pub fn dimension(&self) -> pb::Dimension {
        DIMENSIONS[self.dimension % DIMENSIONS.len()]
    }

    fn aggregate(&self, today: NaiveDate) -> pb::AggregateRequest {
        let (from, to) = self.period.bounds(today);
        pb::AggregateRequest {
            period: Some(pb::DateRange {
                from: Some(validate::from_naive(from)),
                to: Some(validate::from_naive(to)),
            }),
            group_by: vec![self.dimension() as i32],
            ..Default::default()
        }
    }

    fn groups_report(&self, today: NaiveDate) -> pb::GroupsReportRequest {
        pb::GroupsReportRequest {
            year: today.year() - self.years_back,
            period: self.part as i32,
        }
    }

    /// What the tab asks the server for.
    pub fn call(&self, kind: ReportKind, today: NaiveDate) -> Call {
        let year = today.year() - self.years_back;
        match kind {
            ReportKind::Dashboard => Call::Dashboard,
            ReportKind::Directories => Call::CalendarYears,
            ReportKind::Quarterly => Call::Quarterly(pb::QuarterlyMinimumRequest { year }),
            ReportKind::Aggregates => Call::Aggregate(self.aggregate(today)),
            ReportKind::GroupsReport => Call::GroupsReport(self.groups_report(today)),
            ReportKind::AppealsAnalysis => {
                Call::AppealsAnalysis(pb::AppealsAnalysisRequest { year })
            }
        }
    }

    /// The export of what the tab shows, if it has one.
    pub fn export(&self, kind: ReportKind, today: NaiveDate) -> Option<pb::ExportRequest> {
        let year = today.year() - self.years_back;
        let mut r = pb::ExportRequest::default();
        match kind {
            ReportKind::Dashboard | ReportKind::Quarterly | ReportKind::Directories => return None,
            ReportKind::Aggregates => {
                r.kind = pb::ExportKind::Aggregate as i32;
                r.aggregate = Some(self.aggregate(today));
            }
            ReportKind::GroupsReport => {
                r.kind = pb::ExportKind::GroupsReport as i32;
                r.groups_report = Some(self.groups_report(today));
            }
            ReportKind::AppealsAnalysis => {
                r.kind = pb::ExportKind::AppealsAnalysis as i32;
                r.appeals_analysis = Some(pb::AppealsAnalysisRequest { year });
            }
        }
        Some(r)
    }

    /// The parameters in words, for the tab's header.
    pub fn describe(&self, kind: ReportKind, lang: Lang, today: NaiveDate) -> String {
        let year = today.year() - self.years_back;
        match kind {
            ReportKind::Dashboard | ReportKind::Directories => String::new(),
            ReportKind::Quarterly | ReportKind::AppealsAnalysis => year.to_string(),
            ReportKind::Aggregates => {
                let (from, to) = self.period.bounds(today);
                format!(
                    "{} ({} – {}) · {}",
                    self.period.name(lang),
                    from.format("%d.%m.%Y"),
                    to.format("%d.%m.%Y"),
                    dimension_name(lang, self.dimension())
                )
            }
            ReportKind::GroupsReport => {
                let part = match self.part {
                    pb::PeriodKind::FirstHalf => lang.pick("I полугодие", "first half"),
                    pb::PeriodKind::SecondHalf => lang.pick("II полугодие", "second half"),
                    _ => lang.pick("год", "year"),
                };
                format!("{part} {year}")
            }
        }
    }
}

/// The production calendar's years as a table.
pub fn calendar_table(r: &pb::ListCalendarYearsResponse, lang: Lang) -> pb::Table {
    let mut years = r.years.clone();
    years.sort_by_key(|y| std::cmp::Reverse(y.year));
    let row = |y: &pb::CalendarYear| {
        let source = if y.built_in {
            lang.pick("встроенный", "built in")
        } else {
            lang.pick("введён администратором", "entered by the administrator")
        };
        pb::Row {
            cells: vec![
                y.year.to_string(),
                source.to_string(),
                y.days_off.len().to_string(),
                y.working_weekends.len().to_string(),
                y.decree.clone(),
            ],
            values: vec![
                0.0,
                0.0,
                y.days_off.len() as f64,
                y.working_weekends.len() as f64,
            ],
        }
    };
    pb::Table {
        title: lang
            .pick("Производственный календарь", "Production calendar")
            .to_string(),
        columns: [
            lang.pick("Год", "Year"),
            lang.pick("Источник", "Source"),
            lang.pick("Нерабочих дней", "Days off"),
            lang.pick("Рабочих выходных", "Working weekends"),
            lang.pick("Постановление", "Decree"),
        ]
        .into_iter()
        .map(str::to_string)
        .collect(),
        rows: years.iter().map(row).collect(),
        totals: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn periods_cover_whole_quarters_halves_and_years() {
        let today = d(2026, 11, 27);
        assert_eq!(
            Period::Quarter.bounds(today),
            (d(2026, 10, 1), d(2026, 12, 31))
        );
        assert_eq!(Period::Half.bounds(today), (d(2026, 7, 1), d(2026, 12, 31)));
        assert_eq!(
            Period::Quarter.bounds(d(2026, 2, 14)),
            (d(2026, 1, 1), d(2026, 3, 31))
        );
        assert_eq!(
            Period::Half.bounds(d(2026, 6, 30)),
            (d(2026, 1, 1), d(2026, 6, 30))
        );
        assert_eq!(
            Period::LastYear.bounds(today),
            (d(2025, 1, 1), d(2025, 12, 31))
        );
        assert_eq!(
            Period::FiveYears.bounds(today),
            (d(2022, 1, 1), d(2026, 12, 31))
        );
    }

    #[test]
    fn a_typed_range_is_asked_for_as_typed_and_the_period_key_returns_to_the_presets() {
        let mut p = Params {
            period: Period::Range(d(2026, 2, 15), d(2026, 12, 20)),
            ..Params::default()
        };
        assert_eq!(
            p.period.bounds(d(2027, 1, 5)),
            (d(2026, 2, 15), d(2026, 12, 20))
        );
        assert_eq!(
            p.describe(ReportKind::Aggregates, Lang::En, d(2027, 1, 5)),
            "a chosen period (15.02.2026 – 20.12.2026) · territory"
        );
        p.next_period(ReportKind::Aggregates);
        assert_eq!(p.period, Period::Quarter);
    }

    #[test]
    fn the_groups_report_opens_on_the_last_completed_period() {
        let p = Params::opening(d(2026, 12, 3));
        assert_eq!(
            p.describe(ReportKind::GroupsReport, Lang::En, d(2026, 12, 3)),
            "first half 2026"
        );
        let p = Params::opening(d(2027, 2, 10));
        assert_eq!(
            p.describe(ReportKind::GroupsReport, Lang::En, d(2027, 2, 10)),
            "year 2026"
        );
    }

    #[test]
    fn the_groups_report_steps_through_halves_and_years() {
        let mut p = Params::default();
        let today = d(2026, 11, 27);
        let mut seen = Vec::new();
        for _ in 0..6 {
            seen.push(p.describe(ReportKind::GroupsReport, Lang::En, today));
            p.next_period(ReportKind::GroupsReport);
        }
        assert_eq!(
            seen,
            [
                "first half 2026",
                "second half 2026",
                "year 2026",
                "first half 2025",
                "second half 2025",
                "year 2025"
            ]
        );
        assert_eq!(
            p.describe(ReportKind::GroupsReport, Lang::En, today),
            "first half 2026"
        );
    }

    #[test]
    fn the_aggregate_asks_for_the_chosen_period_and_grouping() {
        let mut p = Params::default();
        p.next_dimension();
        let Call::Aggregate(r) = p.call(ReportKind::Aggregates, d(2026, 3, 3)) else {
            panic!("not an aggregate");
        };
        assert_eq!(r.group_by, [pb::Dimension::Group as i32]);
        let range = r.period.unwrap_or_default();
        assert_eq!(
            range.from.and_then(|x| validate::to_naive(&x)),
            Some(d(2026, 1, 1))
        );
        assert_eq!(
            range.to.and_then(|x| validate::to_naive(&x)),
            Some(d(2026, 12, 31))
        );
        assert!(p.export(ReportKind::Quarterly, d(2026, 3, 3)).is_none());
    }
}
