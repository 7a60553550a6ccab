//! The reports as they were computed before the fact tables: straight over decoded records.
//! Kept only as the reference the fact-table versions are compared with on random data.

#![allow(clippy::too_many_lines)]

/// The ad-hoc aggregate over records.
pub(crate) mod aggregate {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::NaiveDate;
    use infogroups_shared::classifier::ancestor;
    use infogroups_shared::names::{self, Lang};
    use infogroups_shared::pb::{self, Dimension as D};
    use infogroups_shared::validate::to_naive;

    use crate::reports::aggregate::{Metrics, Namer, Query, dim_name};
    use crate::reports::{TableBuilder, percent};

    fn key_of(
        d: D,
        a: &pb::Appeal,
        q: &pb::AppealQuestion,
        reg: NaiveDate,
        n: &Namer<'_>,
    ) -> String {
        let code = |level: usize| {
            let c = ancestor(&q.classifier_code, level);
            format!("{c} {}", (n.code)(&c))
        };
        match d {
            D::Group => (n.group)(a.group_id),
            D::Territory => (n.territory)(a.territory_id),
            D::Section => code(1),
            D::Thematic => code(2),
            D::Topic => code(3),
            D::Question => format!("{} {}", q.classifier_code, (n.code)(&q.classifier_code)),
            D::Channel => names::channel(
                Lang::Ru,
                pb::Channel::try_from(a.channel).unwrap_or_default(),
            )
            .into(),
            D::Kind => names::appeal_kind(
                Lang::Ru,
                pb::AppealKind::try_from(a.kind).unwrap_or_default(),
            )
            .into(),
            D::Result => names::question_result(
                Lang::Ru,
                pb::QuestionResult::try_from(q.result).unwrap_or_default(),
            )
            .into(),
            D::Month => reg.format("%Y-%m").to_string(),
            D::Unspecified => String::new(),
        }
    }

    #[derive(Default)]
    struct Acc {
        appeals: BTreeSet<u64>,
        questions: u64,
        answered: BTreeSet<u64>,
        /// Answered, or still open on a day after the due one.
        owed: BTreeSet<u64>,
        on_time: BTreeSet<u64>,
        days: BTreeMap<u64, i64>,
    }

    /// Runs the query.
    pub(crate) fn run(appeals: &[pb::Appeal], q: &Query, n: &Namer<'_>) -> pb::Table {
        let mut groups: BTreeMap<Vec<String>, Acc> = BTreeMap::new();
        for a in appeals {
            let Some(reg) = a.registered.as_ref().and_then(to_naive) else {
                continue;
            };
            if !(q.from..=q.to).contains(&reg)
                || (q.group_id != 0 && a.group_id != q.group_id)
                || (q.territory_id != 0 && a.territory_id != q.territory_id)
                || (q.channel != 0 && a.channel != q.channel)
                || (q.kind != 0 && a.kind != q.kind)
            {
                continue;
            }
            let id = a.meta.map_or(0, |m| m.id);
            let answered = a.status == pb::AppealStatus::Answered as i32;
            let open = [pb::AppealStatus::Registered, pb::AppealStatus::Extended]
                .iter()
                .any(|s| *s as i32 == a.status);
            let overdue = a
                .due
                .as_ref()
                .and_then(|x| x.date.as_ref())
                .and_then(to_naive)
                .is_some_and(|due| due < q.today);
            let answer_days = a
                .answer
                .as_ref()
                .and_then(|x| x.date.as_ref())
                .and_then(to_naive)
                .map(|d| (d - reg).num_days());
            for question in &a.questions {
                if !question.classifier_code.starts_with(&q.classifier_prefix)
                    || (q.result != 0 && question.result != q.result)
                {
                    continue;
                }
                let key: Vec<String> = q
                    .group_by
                    .iter()
                    .map(|d| key_of(*d, a, question, reg, n))
                    .collect();
                let acc = groups.entry(key).or_default();
                acc.appeals.insert(id);
                acc.questions += 1;
                if answered || (open && overdue) {
                    acc.owed.insert(id);
                }
                if answered {
                    acc.answered.insert(id);
                    if a.answer.as_ref().is_some_and(|x| x.on_time) {
                        acc.on_time.insert(id);
                    }
                    if let Some(days) = answer_days {
                        acc.days.insert(id, days);
                    }
                }
            }
        }
        let mut columns: Vec<String> = q
            .group_by
            .iter()
            .map(|d| dim_name(*d).to_string())
            .collect();
        if columns.is_empty() {
            columns.push("Всего".into());
        }
        columns.extend(
            [
                "Обращений",
                "Вопросов",
                "Ответ в срок, %",
                "Ср. дней до ответа",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        let mut t = TableBuilder::new("Выборка по обращениям", columns);
        let metrics = |acc: &Acc| -> Metrics {
            let avg = if acc.days.is_empty() {
                0.0
            } else {
                (acc.days.values().sum::<i64>() as f64 * 10.0 / acc.days.len() as f64).round()
                    / 10.0
            };
            Metrics {
                values: [
                    acc.appeals.len() as f64,
                    acc.questions as f64,
                    percent(acc.on_time.len(), acc.owed.len()),
                    avg,
                ],
                rated: !acc.owed.is_empty(),
                dated: !acc.days.is_empty(),
            }
        };
        let mut total = Acc::default();
        for (key, acc) in &groups {
            let m = metrics(acc);
            let mut cells = if key.is_empty() {
                vec!["Всего".to_string()]
            } else {
                key.clone()
            };
            let mut values = vec![0.0; cells.len()];
            cells.extend(m.cells());
            values.extend_from_slice(&m.values);
            t.row(cells, values);
            total.appeals.extend(acc.appeals.iter().copied());
            total.questions += acc.questions;
            total.answered.extend(acc.answered.iter().copied());
            total.owed.extend(acc.owed.iter().copied());
            total.on_time.extend(acc.on_time.iter().copied());
            total.days.extend(acc.days.iter().map(|(k, v)| (*k, *v)));
        }
        let m = metrics(&total);
        let width = q.group_by.len().max(1);
        let mut cells = vec!["Итого".to_string()];
        cells.extend(std::iter::repeat_n(String::new(), width - 1));
        cells.extend(m.cells());
        let mut values = vec![0.0; width];
        values.extend_from_slice(&m.values);
        let mut table = t.build();
        table.totals = Some(pb::Row { cells, values });
        table
    }
}

/// The appeals analysis over records.
pub(crate) mod appeals {
    use chrono::{Datelike, NaiveDate};
    use infogroups_shared::classifier::ancestor;
    use infogroups_shared::names::{self, Lang};
    use infogroups_shared::pb::{self, AppealStatus as A, QuestionResult as R};
    use infogroups_shared::validate::to_naive;

    use crate::reports::TableBuilder;

    fn registered(a: &pb::Appeal) -> Option<NaiveDate> {
        a.registered.as_ref().and_then(to_naive)
    }

    /// One year's counts, keyed by row label in a fixed order.
    fn year_counts(
        appeals: &[&pb::Appeal],
        cards: usize,
        territories: &[pb::Territory],
        sections: &[(String, String)],
    ) -> Vec<(String, f64)> {
        let n = |f: &dyn Fn(&pb::Appeal) -> bool| appeals.iter().filter(|a| f(a)).count() as f64;
        let q = |f: &dyn Fn(&pb::AppealQuestion) -> bool| {
            appeals
                .iter()
                .flat_map(|a| a.questions.iter())
                .filter(|x| f(x))
                .count() as f64
        };
        let mut rows = vec![
            ("Обращений всего".to_string(), appeals.len() as f64),
            ("Карточек личного приёма".to_string(), cards as f64),
            ("Вопросов в обращениях".to_string(), q(&|_| true)),
        ];
        for c in 1..=7 {
            let ch = pb::Channel::try_from(c).unwrap_or_default();
            rows.push((
                format!("Канал: {}", names::channel(Lang::Ru, ch)),
                n(&|a| a.channel == c),
            ));
        }
        for k in 1..=3 {
            let kind = pb::AppealKind::try_from(k).unwrap_or_default();
            rows.push((
                format!("Вид: {}", names::appeal_kind(Lang::Ru, kind)),
                n(&|a| a.kind == k),
            ));
        }
        for (code, name) in sections {
            rows.push((
                format!("Раздел {code} {name}"),
                q(&|x| ancestor(&x.classifier_code, 1) == *code),
            ));
        }
        for t in territories {
            let id = t.meta.map_or(0, |m| m.id);
            rows.push((
                format!("Территория: {}", t.name),
                n(&|a| a.territory_id == id),
            ));
        }
        rows.push(("Повторных".into(), n(&|a| a.repeated)));
        rows.push(("Коллективных".into(), n(&|a| a.collective)));
        for (label, r) in [
            ("Поддержано", vec![R::Supported, R::MeasuresTaken]),
            ("  в т. ч. меры приняты", vec![R::MeasuresTaken]),
            ("Разъяснено", vec![R::Explained]),
            ("Не поддержано", vec![R::NotSupported]),
            ("Направлено по компетенции", vec![R::Forwarded]),
        ] {
            rows.push((
                label.into(),
                q(&|x| r.iter().any(|r| *r as i32 == x.result)),
            ));
        }
        rows.push((
            "Оставлено без ответа (ст. 11)".into(),
            n(&|a| {
                infogroups_shared::appeal::is_special(A::try_from(a.status).unwrap_or_default())
            }),
        ));
        rows.push(("Рассмотрено с выездом на место".into(), q(&|x| x.on_site)));
        rows.push((
            "Ответ дан в срок".into(),
            n(&|a| a.answer.as_ref().is_some_and(|x| x.on_time) && a.status == A::Answered as i32),
        ));
        rows.push((
            "Ответ дан с нарушением срока".into(),
            n(
                &|a| {
                    a.answer.as_ref().is_some_and(|x| !x.on_time) && a.status == A::Answered as i32
                },
            ),
        ));
        rows.push((
            "Срок рассмотрения продлевался".into(),
            n(&|a| !a.extensions.is_empty() || a.status == A::Extended as i32),
        ));
        rows
    }

    /// The analysis for `year` beside `year - 1`.
    pub(crate) fn analysis(
        year: i32,
        appeals: &[pb::Appeal],
        cards: &[pb::ReceptionCard],
        territories: &[pb::Territory],
        sections: &[(String, String)],
    ) -> pb::Table {
        let of = |y: i32| -> Vec<&pb::Appeal> {
            appeals
                .iter()
                .filter(|a| registered(a).is_some_and(|d| d.year() == y))
                .collect()
        };
        let cards_of = |y: i32| {
            cards
                .iter()
                .filter(|c| {
                    c.date
                        .as_ref()
                        .and_then(to_naive)
                        .is_some_and(|d| d.year() == y)
                })
                .count()
        };
        let prev = year_counts(&of(year - 1), cards_of(year - 1), territories, sections);
        let cur = year_counts(&of(year), cards_of(year), territories, sections);
        let mut t = TableBuilder::new(
            format!(
                "Анализ обращений граждан за {year} год в сравнении с {} годом",
                year - 1
            ),
            vec![
                "Показатель".into(),
                format!("{} год", year - 1),
                format!("{year} год"),
                "Изменение, %".into(),
            ],
        );
        for ((label, p), (_, c)) in prev.into_iter().zip(cur) {
            t.comparison(label, p, c);
        }
        t.build()
    }
}

/// The groups report over records.
pub(crate) mod groups {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::NaiveDate;
    use infogroups_shared::calendar::ProductionCalendar;
    use infogroups_shared::meeting::was_held;
    use infogroups_shared::pb::{self, AssignmentStatus as S, MeetingStatus as M};
    use infogroups_shared::quarters;
    use infogroups_shared::validate::to_naive;

    use crate::reports::TableBuilder;
    use crate::reports::groups::top_codes;

    /// What the report reads.
    pub(crate) struct Inputs<'a> {
        /// Groups, in column order.
        pub groups: &'a [pb::Group],
        /// All meetings.
        pub meetings: &'a [pb::Meeting],
        /// All assignments.
        pub assignments: &'a [pb::Assignment],
        /// All reception cards.
        pub cards: &'a [pb::ReceptionCard],
        /// The calendar (the quarterly minimum).
        pub calendar: &'a ProductionCalendar,
        /// Today (quarters still under way are not "missed").
        pub today: NaiveDate,
    }

    fn date(d: Option<&pb::Date>) -> Option<NaiveDate> {
        d.and_then(to_naive)
    }

    fn id(meta: Option<pb::Meta>) -> u64 {
        meta.map_or(0, |m| m.id)
    }

    #[derive(Default, Clone)]
    struct Col {
        planned: f64,
        held: f64,
        residents: f64,
        received: f64,
        places: BTreeSet<u64>,
        questions: f64,
        answered_on_spot: f64,
        on_control: f64,
        issued: f64,
        on_time: f64,
        late: f64,
        extended: f64,
        overdue: f64,
        handed_on_time: f64,
        handed_late: f64,
        late_unhanded: f64,
        quarters_met: f64,
        quarters_missed: f64,
        topics: BTreeMap<String, u32>,
    }

    /// Builds the report for the days `from..=to`.
    pub(crate) fn report(
        inp: &Inputs<'_>,
        title: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> pb::Table {
        let in_period = |d: Option<NaiveDate>| d.is_some_and(|d| (from..=to).contains(&d));
        let mut cols: Vec<Col> = vec![Col::default(); inp.groups.len()];
        let index: BTreeMap<u64, usize> = inp
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (id(g.meta), i))
            .collect();
        for m in inp
            .meetings
            .iter()
            .filter(|m| in_period(date(m.date.as_ref())))
        {
            let Some(c) = index.get(&m.group_id).map(|i| &mut cols[*i]) else {
                continue;
            };
            let status = M::try_from(m.status).unwrap_or(M::Unspecified);
            if status != M::Cancelled {
                c.planned += 1.0;
            }
            if !was_held(status) {
                continue;
            }
            c.held += 1.0;
            if m.venue_id != 0 {
                c.places.insert(m.venue_id);
            }
            if let Some(p) = &m.protocol {
                c.residents += f64::from(p.residents_attending);
                for q in &p.questions {
                    c.questions += 1.0;
                    if q.answer_mode == pb::AnswerMode::OnControl as i32 {
                        c.on_control += 1.0;
                    } else {
                        c.answered_on_spot += 1.0;
                    }
                    if !q.classifier_code.is_empty() {
                        *c.topics.entry(q.classifier_code.clone()).or_default() += 1;
                    }
                }
            }
            if let Some(h) = &m.handover
                && h.handed_at_ms != 0
            {
                if h.late {
                    c.handed_late += 1.0;
                } else {
                    c.handed_on_time += 1.0;
                }
            } else if m.handover.as_ref().is_some_and(|h| h.late) {
                c.late_unhanded += 1.0;
            }
        }
        for card in inp
            .cards
            .iter()
            .filter(|x| in_period(date(x.date.as_ref())))
        {
            if let Some(i) = index.get(&card.group_id) {
                cols[*i].received += 1.0;
            }
        }
        for a in inp
            .assignments
            .iter()
            .filter(|a| in_period(date(a.issued.as_ref())))
        {
            let Some(c) = index.get(&a.group_id).map(|i| &mut cols[*i]) else {
                continue;
            };
            let status = S::try_from(a.status).unwrap_or(S::Unspecified);
            if status == S::Removed {
                continue;
            }
            c.issued += 1.0;
            match status {
                S::DoneOnTime => c.on_time += 1.0,
                S::DoneLate => c.late += 1.0,
                S::Overdue => c.overdue += 1.0,
                _ => {}
            }
            if a.extensions
                .iter()
                .any(|e| e.state == pb::ExtensionState::Granted as i32)
            {
                c.extended += 1.0;
            }
        }
        for (g, c) in inp.groups.iter().zip(cols.iter_mut()) {
            let held: Vec<NaiveDate> = inp
                .meetings
                .iter()
                .filter(|m| {
                    m.group_id == id(g.meta)
                        && was_held(M::try_from(m.status).unwrap_or(M::Unspecified))
                })
                .filter_map(|m| date(m.date.as_ref()))
                .collect();
            let mut year_q = from;
            while year_q <= to {
                let y = chrono::Datelike::year(&year_q);
                let q = quarters::quarter_of(year_q);
                match quarters::state(
                    inp.calendar,
                    y,
                    q,
                    &held,
                    inp.today,
                    0,
                    quarters::formed_on(g),
                ) {
                    quarters::QuarterState::Met => c.quarters_met += 1.0,
                    quarters::QuarterState::Missed => c.quarters_missed += 1.0,
                    _ => {}
                }
                let Some((_, end)) = quarters::bounds(y, q) else {
                    break;
                };
                let Some(next) = end.succ_opt() else { break };
                year_q = next;
            }
        }
        let mut columns = vec!["Показатель".to_string()];
        columns.extend(inp.groups.iter().map(|g| format!("Группа № {}", g.number)));
        columns.push("Итого".into());
        let mut t = TableBuilder::new(title, columns);
        let row = |t: &mut TableBuilder, label: &str, f: &dyn Fn(&Col) -> f64| {
            let mut values: Vec<f64> = cols.iter().map(f).collect();
            values.push(values.iter().sum());
            t.numbers(label, &values);
        };
        row(&mut t, "Встреч запланировано", &|c| {
            c.planned
        });
        row(&mut t, "Встреч проведено", &|c| c.held);
        row(
            &mut t,
            "Кварталов с выполненным минимумом (п. 3.1)",
            &|c| c.quarters_met,
        );
        row(&mut t, "Кварталов без встречи", &|c| {
            c.quarters_missed
        });
        row(&mut t, "Жителей присутствовало", &|c| c.residents);
        row(&mut t, "Граждан принято на личном приёме", &|c| c.received);
        row(&mut t, "Мест проведения", &|c| {
            c.places.len() as f64
        });
        row(&mut t, "Вопросов поднято", &|c| c.questions);
        row(
            &mut t,
            "  из них отвечено на месте / разъяснено",
            &|c| c.answered_on_spot,
        );
        row(&mut t, "  из них взято на контроль", &|c| c.on_control);
        row(&mut t, "Поручений дано", &|c| c.issued);
        row(&mut t, "  исполнено в срок", &|c| c.on_time);
        row(&mut t, "  исполнено с нарушением срока", &|c| c.late);
        row(&mut t, "  продлено", &|c| c.extended);
        row(&mut t, "  просрочено", &|c| c.overdue);
        row(&mut t, "Протоколов передано в срок", &|c| c.handed_on_time);
        row(
            &mut t,
            "Протоколов передано с опозданием",
            &|c| c.handed_late,
        );
        row(
            &mut t,
            "Протоколов не передано, срок истёк",
            &|c| c.late_unhanded,
        );
        let mut top = vec!["Наиболее часто поднимаемые проблемы".to_string()];
        let mut all: BTreeMap<String, u32> = BTreeMap::new();
        for c in &cols {
            top.push(top_codes(&c.topics, 3));
            for (k, v) in &c.topics {
                *all.entry(k.clone()).or_default() += v;
            }
        }
        top.push(top_codes(&all, 3));
        t.text(top);
        t.build()
    }
}
