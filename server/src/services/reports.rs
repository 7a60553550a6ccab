//! `ReportService`: the regulation's reports, ad-hoc aggregates, the head's dashboard and
//! exports. Counts only: no report or file carries a citizen's name.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use infogroups_shared::pb::{self, Dimension as D, report_service_server::ReportService};
use infogroups_shared::validate::{self, FieldError};
use infogroups_shared::{city_time, classifier, discipline, names};
use tonic::{Request, Response, Status};

use super::Ctx;
use crate::auth::{Caller, caller};
use crate::db::blocking;
use crate::entity::Entity;
use crate::error::{ApiError, ApiResult};
use crate::policy::{Action, Resource, authorize, may_read_group};
use crate::reports::facts::{NO_DAY, day_of};
use crate::reports::{self, TableBuilder, aggregate, export};

/// The report service.
pub struct ReportSvc {
    ctx: Ctx,
}

impl ReportSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    fn today(&self) -> NaiveDate {
        city_time::date_at(self.ctx.db.clock().now_ms())
    }

    fn allowed(&self, c: &Caller) -> ApiResult<()> {
        authorize(&c.actor, Action::ReadReports, &Resource::default())?;
        Ok(())
    }

    fn groups_report(&self, req: &pb::GroupsReportRequest) -> ApiResult<pb::Table> {
        check_year("groups_report.year", req.year)?;
        let kind = pb::PeriodKind::try_from(req.period).unwrap_or_default();
        let (from, to) = reports::period(req.year, kind)
            .ok_or_else(|| FieldError::new("period", "выберите период", "choose the period"))?;
        let db = &self.ctx.db;
        let mut groups: Vec<pb::Group> = db
            .all::<pb::Group>()?
            .into_iter()
            .filter(|g| !g.meta().archived)
            .collect();
        groups.sort_by_key(|g| g.number);
        let cal = self
            .ctx
            .calendar
            .read()
            .map_err(|_| ApiError::ShuttingDown)?;
        let title = match kind {
            pb::PeriodKind::FirstHalf => format!(
                "Информация о работе информационных групп за первое полугодие {} года",
                req.year
            ),
            pb::PeriodKind::SecondHalf => format!(
                "Информация о работе информационных групп за второе полугодие {} года",
                req.year
            ),
            _ => format!(
                "Информация о работе информационных групп за {} год",
                req.year
            ),
        };
        let today = self.today();
        let facts = db.facts()?;
        let sources = reports::groups::Sources {
            groups: &groups,
            facts: &facts,
            calendar: &cal,
            today,
        };
        Ok(reports::groups::report(&sources, &title, from, to))
    }

    fn appeals_analysis(&self, req: &pb::AppealsAnalysisRequest) -> ApiResult<pb::Table> {
        check_year("appeals_analysis.year", req.year)?;
        let db = &self.ctx.db;
        let sections: Vec<(String, String)> = {
            let guard = self
                .ctx
                .classifier
                .read()
                .map_err(|_| ApiError::ShuttingDown)?;
            guard
                .0
                .nodes()
                .filter(|n| classifier::level(&n.code) == 1)
                .map(|n| (n.code.clone(), n.name.clone()))
                .collect()
        };
        let territories: Vec<pb::Territory> = db.all()?;
        Ok(reports::appeals::analysis(
            req.year,
            &*db.facts()?,
            &territories,
            &sections,
        ))
    }

    fn aggregate(&self, req: &pb::AggregateRequest) -> ApiResult<pb::Table> {
        let (from, to) = validate::date_range("period", &req.period.unwrap_or_default())?;
        let mut group_by = Vec::new();
        for (i, d) in req.group_by.iter().enumerate() {
            let dim = D::try_from(*d)
                .ok()
                .filter(|d| *d != D::Unspecified)
                .ok_or_else(|| {
                    FieldError::new(
                        format!("group_by[{i}]"),
                        "неизвестное измерение",
                        "unknown dimension",
                    )
                })?;
            group_by.push(dim);
        }
        if group_by.len() > 4 {
            return Err(FieldError::new(
                "group_by",
                "не более четырёх измерений",
                "at most four dimensions",
            )
            .into());
        }
        validate::optional_line("classifier_prefix", &req.classifier_prefix, 24)?;
        let db = &self.ctx.db;
        let groups: BTreeMap<u64, String> = db
            .all::<pb::Group>()?
            .into_iter()
            .map(|g| (g.meta().id, g.name))
            .collect();
        let territories: BTreeMap<u64, String> = db
            .all::<pb::Territory>()?
            .into_iter()
            .map(|t| (t.meta().id, t.name))
            .collect();
        let guard = self
            .ctx
            .classifier
            .read()
            .map_err(|_| ApiError::ShuttingDown)?;
        let index = &guard.0;
        let group_name = |id: u64| groups.get(&id).cloned().unwrap_or_else(|| "—".into());
        let territory_name = |id: u64| territories.get(&id).cloned().unwrap_or_else(|| "—".into());
        let code_name = |code: &str| index.get(code).map(|n| n.name.clone()).unwrap_or_default();
        let namer = aggregate::Namer {
            group: &group_name,
            territory: &territory_name,
            code: &code_name,
        };
        let query = aggregate::Query {
            from,
            to,
            group_by,
            group_id: req.group_id,
            territory_id: req.territory_id,
            classifier_prefix: req.classifier_prefix.trim().to_string(),
            channel: i32::try_from(req.channel).unwrap_or(0),
            kind: i32::try_from(req.kind).unwrap_or(0),
            result: i32::try_from(req.result).unwrap_or(0),
        };
        Ok(aggregate::run(&*db.facts()?, &query, &namer))
    }

    fn discipline_table(&self, year: i32) -> ApiResult<pb::Table> {
        let db = &self.ctx.db;
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
        let (rows, total) = {
            let facts = db.facts()?;
            reports::discipline_by_department(&facts, from, to, self.today())
        };
        let mut t = TableBuilder::new(
            format!("Исполнительская дисциплина за {year} год"),
            [
                "Подразделение",
                "На контроле",
                "В срок",
                "С нарушением",
                "Продлено",
                "Просрочено",
                "В работе",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        );
        let values = |x: &discipline::Tally| {
            [
                x.total,
                x.on_time,
                x.late,
                x.extended,
                x.overdue,
                x.in_progress,
            ]
            .map(f64::from)
        };
        for (dep, tally) in &rows {
            let name = db
                .get::<pb::Department>(*dep)?
                .map(|d| d.name)
                .unwrap_or_else(|| "—".into());
            t.numbers(name, &values(tally));
        }
        t.numbers("Итого", &values(&total));
        Ok(t.build())
    }
}

fn check_year(field: &str, year: i32) -> Result<(), FieldError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "год от 2000 до 2100",
            "year must be 2000–2100",
        ))
    }
}

fn date_text(d: Option<&pb::Date>) -> String {
    d.and_then(validate::to_naive)
        .map(city_time::ru_date)
        .unwrap_or_default()
}

#[tonic::async_trait]
impl ReportService for ReportSvc {
    async fn groups_report(
        &self,
        req: Request<pb::GroupsReportRequest>,
    ) -> Result<Response<pb::Table>, Status> {
        let c = caller(&req)?;
        self.allowed(&c)?;
        // Counting a million appeals takes tens of milliseconds: off the async workers.
        Ok(Response::new(blocking(|| {
            self.groups_report(req.get_ref())
        })?))
    }

    async fn appeals_analysis(
        &self,
        req: Request<pb::AppealsAnalysisRequest>,
    ) -> Result<Response<pb::Table>, Status> {
        let c = caller(&req)?;
        self.allowed(&c)?;
        Ok(Response::new(blocking(|| {
            self.appeals_analysis(req.get_ref())
        })?))
    }

    async fn aggregate(
        &self,
        req: Request<pb::AggregateRequest>,
    ) -> Result<Response<pb::Table>, Status> {
        let c = caller(&req)?;
        self.allowed(&c)?;
        Ok(Response::new(blocking(|| self.aggregate(req.get_ref()))?))
    }

    async fn dashboard(
        &self,
        req: Request<pb::DashboardRequest>,
    ) -> Result<Response<pb::DashboardResponse>, Status> {
        let c = caller(&req)?;
        self.allowed(&c)?;
        let db = &self.ctx.db;
        let today = self.today();
        let year = today.year();
        let territories: Vec<pb::Territory> = db.all().map_err(ApiError::from)?;
        let guard = self
            .ctx
            .classifier
            .read()
            .map_err(|_| ApiError::ShuttingDown)?;
        let facts = db.facts().map_err(ApiError::from)?;
        let first = NaiveDate::from_ymd_opt(year, 1, 1).map_or(NO_DAY, day_of);
        let last = NaiveDate::from_ymd_opt(year, 12, 31).map_or(NO_DAY, day_of);
        let in_year = |d: i32| d != NO_DAY && (first..=last).contains(&d);
        let meeting_status = |s: i32| pb::MeetingStatus::try_from(s).unwrap_or_default();
        let held = facts
            .meetings
            .iter()
            .filter(|m| {
                in_year(m.date) && infogroups_shared::meeting::was_held(meeting_status(m.status))
            })
            .count();
        let planned = facts
            .meetings
            .iter()
            .filter(|m| in_year(m.date) && m.status != pb::MeetingStatus::Cancelled as i32)
            .count();
        // Late now: past the due date and still not handed over (3.6.9).
        let protocols_late = facts.meetings.iter().filter(|m| m.late_unhanded).count();
        let a = &facts.appeals;
        let today_day = day_of(today);
        let (mut open, mut overdue) = (0usize, 0usize);
        // Per territory: appeals registered this year and how often each code was raised.
        let mut by_territory: HashMap<u32, (usize, HashMap<u32, u32>)> = HashMap::new();
        for r in 0..a.len() {
            let status = pb::AppealStatus::try_from(i32::from(a.status[r])).unwrap_or_default();
            if !infogroups_shared::appeal::is_final(status) {
                open += 1;
                if a.due[r] != NO_DAY && a.due[r] < today_day {
                    overdue += 1;
                }
            }
            if in_year(a.registered[r]) {
                let (n, codes) = by_territory.entry(a.territory[r]).or_default();
                *n += 1;
                for qi in a.questions(r) {
                    *codes.entry(a.q_code[qi]).or_default() += 1;
                }
            }
        }
        let asg = &facts.assignments;
        let (mut open_asg, mut overdue_asg, mut on_time, mut done) =
            (0usize, 0usize, 0usize, 0usize);
        for r in 0..asg.len() {
            let status =
                pb::AssignmentStatus::try_from(i32::from(asg.status[r])).unwrap_or_default();
            if !infogroups_shared::assignment::is_final(status) {
                open_asg += 1;
            }
            if status == pb::AssignmentStatus::Overdue {
                overdue_asg += 1;
            }
            if in_year(asg.completed[r]) {
                match status {
                    pb::AssignmentStatus::DoneOnTime => {
                        on_time += 1;
                        done += 1;
                    }
                    pb::AssignmentStatus::DoneLate => done += 1,
                    _ => {}
                }
            }
        }
        let mut t = TableBuilder::new(
            "Наиболее частые проблемы по территориям",
            vec![
                "Территория".into(),
                "Обращений за год".into(),
                "Чаще всего".into(),
            ],
        );
        for terr in &territories {
            let mine = u32::try_from(terr.meta().id)
                .ok()
                .and_then(|id| by_territory.get(&id));
            let count = mine.map_or(0, |(n, _)| *n);
            // The most raised code; on a tie, the lowest code.
            let top = mine
                .and_then(|(_, codes)| {
                    codes
                        .iter()
                        .map(|(c, n)| (facts.codes.name(*c), *n))
                        .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(x.0)))
                })
                .map(|(code, n)| {
                    let name = guard
                        .0
                        .get(code)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| code.to_string());
                    format!("{name} ({n})")
                });
            t.row(
                vec![
                    terr.name.clone(),
                    count.to_string(),
                    top.unwrap_or_default(),
                ],
                vec![0.0, count as f64, 0.0],
            );
        }
        Ok(Response::new(pb::DashboardResponse {
            meetings_held: held as u32,
            meetings_planned: planned as u32,
            appeals_open: open as u32,
            appeals_overdue: overdue as u32,
            assignments_open: open_asg as u32,
            assignments_overdue: overdue_asg as u32,
            on_time_share: if done == 0 {
                0.0
            } else {
                on_time as f64 / done as f64
            },
            top_problems: Some(t.build()),
            protocols_late: u32::try_from(protocols_late).unwrap_or(u32::MAX),
        }))
    }

    async fn export(
        &self,
        req: Request<pb::ExportRequest>,
    ) -> Result<Response<pb::ExportResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let format = pb::FileFormat::try_from(req.format)
            .ok()
            .filter(|f| *f != pb::FileFormat::Unspecified)
            .ok_or_else(|| {
                FieldError::new("format", "выберите формат файла", "choose the file format")
            })?;
        let kind = pb::ExportKind::try_from(req.kind)
            .ok()
            .filter(|k| *k != pb::ExportKind::Unspecified)
            .ok_or_else(|| FieldError::new("kind", "выберите документ", "choose what to export"))?;
        let table_file =
            |t: pb::Table, stem: &str, subtitle: &str| -> ApiResult<pb::ExportResponse> {
                let (content, ext) = match format {
                    pb::FileFormat::Csv => (export::csv(&t), "csv"),
                    pb::FileFormat::Xlsx => (
                        export::xlsx(&t)
                            .map_err(|e| ApiError::precondition(e.to_string(), e.to_string()))?,
                        "xlsx",
                    ),
                    _ => (
                        export::table_docx(&t, subtitle, &city_time::ru_date(self.today()))
                            .map_err(|e| ApiError::precondition(e.to_string(), e.to_string()))?,
                        "docx",
                    ),
                };
                Ok(pb::ExportResponse {
                    file_name: format!("{stem}.{ext}"),
                    content,
                })
            };
        let out = match kind {
            pb::ExportKind::Protocol | pb::ExportKind::ReceptionCard => {
                if format != pb::FileFormat::Docx {
                    return Err(FieldError::new(
                        "format",
                        "этот документ выгружается в .docx",
                        "this document exports as .docx",
                    )
                    .into());
                }
                validate::id("id", req.id)?;
                let blocks = if kind == pb::ExportKind::Protocol {
                    self.protocol_blocks(&c, req.id)?
                } else {
                    self.card_blocks(&c, req.id)?
                };
                let stem = if kind == pb::ExportKind::Protocol {
                    "protocol"
                } else {
                    "reception-card"
                };
                pb::ExportResponse {
                    file_name: format!("{stem}-{}.docx", req.id),
                    content: export::docx(&blocks)
                        .map_err(|e| ApiError::precondition(e.to_string(), e.to_string()))?,
                }
            }
            pb::ExportKind::GroupsReport => {
                self.allowed(&c)?;
                let r = req.groups_report.unwrap_or_default();
                let t = self.groups_report(&r)?;
                table_file(t, &format!("groups-report-{}", r.year), "")?
            }
            pb::ExportKind::AppealsAnalysis => {
                self.allowed(&c)?;
                let r = req.appeals_analysis.unwrap_or_default();
                let t = self.appeals_analysis(&r)?;
                table_file(t, &format!("appeals-analysis-{}", r.year), "")?
            }
            pb::ExportKind::Aggregate => {
                self.allowed(&c)?;
                let r = req.aggregate.unwrap_or_default();
                let t = self.aggregate(&r)?;
                let p = r.period.unwrap_or_default();
                table_file(
                    t,
                    "aggregate",
                    &format!(
                        "за период {} — {}",
                        date_text(p.from.as_ref()),
                        date_text(p.to.as_ref())
                    ),
                )?
            }
            pb::ExportKind::Discipline => {
                self.allowed(&c)?;
                let year = req.groups_report.map_or(self.today().year(), |r| r.year);
                check_year("groups_report.year", year)?;
                table_file(
                    self.discipline_table(year)?,
                    &format!("discipline-{year}"),
                    "",
                )?
            }
            pb::ExportKind::Unspecified => {
                return Err(
                    FieldError::new("kind", "выберите документ", "choose what to export").into(),
                );
            }
        };
        Ok(Response::new(out))
    }
}

impl ReportSvc {
    fn protocol_blocks(&self, c: &Caller, id: u64) -> ApiResult<Vec<export::Block>> {
        use export::Block as B;
        let db = &self.ctx.db;
        let m: pb::Meeting = db.get(id)?.ok_or(ApiError::NotFound {
            kind: "meeting",
            id,
        })?;
        if authorize(&c.actor, Action::ReadGroup, &Resource::group(m.group_id)).is_err() {
            return Err(ApiError::NotFound {
                kind: "meeting",
                id,
            });
        }
        let p = m.protocol.clone().unwrap_or_default();
        let g = db.get::<pb::Group>(m.group_id)?.unwrap_or_default();
        let user = |id: u64| -> ApiResult<String> {
            Ok(db
                .get::<pb::User>(id)?
                .map(|u| u.full_name)
                .unwrap_or_default())
        };
        let territory = db
            .get::<pb::Territory>(m.territory_id)?
            .map(|t| t.name)
            .unwrap_or_default();
        let venue = db
            .get::<pb::Venue>(m.venue_id)?
            .map(|v| format!("{}, {}", v.name, v.address))
            .unwrap_or_default();
        let mut present = Vec::new();
        for u in &p.members_present {
            present.push(user(*u)?);
        }
        let invited: Vec<String> = m
            .participants
            .iter()
            .filter(|x| p.participants_present.contains(&x.index))
            .map(|x| format!("{} {}", x.position, x.name).trim().to_string())
            .collect();
        let mut blocks = vec![
            B::Heading(format!("ПРОТОКОЛ № {}", p.number)),
            B::Centered(format!(
                "выездной встречи информационной группы № {} Администрации города Новошахтинска с жителями",
                g.number
            )),
            B::Centered(format!(
                "{}, {}–{}",
                date_text(m.date.as_ref()),
                p.start_time,
                p.end_time
            )),
            B::Para("Место проведения:".into(), venue),
            B::Para("Территория:".into(), territory),
            B::Para("Председательствовал:".into(), user(g.leader_id)?),
            B::Para("Секретарь:".into(), user(g.secretary_id)?),
            B::Para("Присутствовали члены группы:".into(), present.join(", ")),
            B::Para("Приглашённые:".into(), invited.join(", ")),
            B::Para(
                "Жителей присутствовало:".into(),
                p.residents_attending.to_string(),
            ),
            B::Para(
                "Информация, доведённая до жителей:".into(),
                p.information_given.clone(),
            ),
        ];
        let mode = |m: i32| match pb::AnswerMode::try_from(m).unwrap_or_default() {
            pb::AnswerMode::OnTheSpot => "дан ответ на месте",
            pb::AnswerMode::Explained => "разъяснено",
            pb::AnswerMode::OnControl => "взято на контроль",
            pb::AnswerMode::Unspecified => "",
        };
        blocks.push(B::Table(
            vec!["№".into(), "Вопрос".into(), "Код".into(), "Ответ".into()],
            p.questions
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    vec![
                        (i + 1).to_string(),
                        q.substance.clone(),
                        q.classifier_code.clone(),
                        format!("{}. {}", mode(q.answer_mode), q.answer),
                    ]
                })
                .collect(),
        ));
        blocks.push(B::Para("РЕШИЛИ:".into(), String::new()));
        for (i, d) in p.decisions.iter().enumerate() {
            let mut refs = Vec::new();
            for aid in &d.assignment_ids {
                if let Some(a) = db.get::<pb::Assignment>(*aid)? {
                    refs.push(format!(
                        "поручение {} — {}, срок {}",
                        a.number,
                        user(a.executor_id)?,
                        date_text(a.deadline.as_ref().and_then(|x| x.date.as_ref()))
                    ));
                }
            }
            let tail = if refs.is_empty() {
                String::new()
            } else {
                format!(" ({})", refs.join("; "))
            };
            blocks.push(B::Para(format!("{}.", i + 1), format!("{}{tail}", d.text)));
        }
        for a in &p.amendments {
            blocks.push(B::Para(
                "Поправка:".into(),
                format!("{} ({})", a.text, user(a.by_user_id)?),
            ));
        }
        blocks.push(B::Signature(
            "Руководитель информационной группы".into(),
            user(g.leader_id)?,
        ));
        blocks.push(B::Signature(
            "Секретарь информационной группы".into(),
            user(g.secretary_id)?,
        ));
        let handed = m
            .handover
            .as_ref()
            .filter(|h| h.handed_at_ms != 0)
            .map(|h| city_time::ru_date(city_time::date_at(h.handed_at_ms)));
        blocks.push(B::Para(
            "Передан в контрольно-организационный сектор:".into(),
            handed.unwrap_or_else(|| "—".into()),
        ));
        Ok(blocks)
    }

    fn card_blocks(&self, c: &Caller, id: u64) -> ApiResult<Vec<export::Block>> {
        use export::Block as B;
        let db = &self.ctx.db;
        let card: pb::ReceptionCard = db.get(id)?.ok_or(ApiError::NotFound {
            kind: "reception_card",
            id,
        })?;
        if !may_read_group(&c.actor, card.group_id) {
            return Err(ApiError::NotFound {
                kind: "reception_card",
                id,
            });
        }
        let received_by = db
            .get::<pb::User>(card.received_by)?
            .map(|u| format!("{}, {}", u.full_name, u.position))
            .unwrap_or_default();
        let code_name = self
            .ctx
            .classifier
            .read()
            .ok()
            .and_then(|g| g.0.get(&card.classifier_code).map(|n| n.name.clone()))
            .unwrap_or_default();
        let yes = |b: bool| if b { "да" } else { "нет" }.to_string();
        Ok(vec![
            B::Heading(format!("КАРТОЧКА ЛИЧНОГО ПРИЁМА № {id}")),
            B::Centered(format!("{}, {}", date_text(card.date.as_ref()), card.place)),
            B::Para("Принял:".into(), received_by),
            // Exports never carry a citizen's personal data (152-FZ); the card in the system does.
            B::Para(
                "Заявитель:".into(),
                "персональные данные в выгрузку не включаются".into(),
            ),
            B::Para(
                "Документ, удостоверяющий личность, предъявлен:".into(),
                yes(card.identity_checked),
            ),
            B::Para("Краткое содержание:".into(), card.content.clone()),
            B::Para(
                "Код классификатора:".into(),
                format!("{} {code_name}", card.classifier_code),
            ),
            B::Para("Вид вопроса:".into(), format!("{}", card.question_type)),
            B::Para(
                "Дан устный ответ с согласия заявителя:".into(),
                if card.oral_answer_given {
                    format!("да: {}", card.oral_answer)
                } else {
                    "нет".into()
                },
            ),
            B::Para(
                "Результат:".into(),
                names::question_result(
                    names::Lang::Ru,
                    pb::QuestionResult::try_from(card.result).unwrap_or_default(),
                )
                .into(),
            ),
            B::Para(
                "На контроле:".into(),
                if card.on_control {
                    format!("да, срок {}", date_text(card.deadline.as_ref()))
                } else {
                    "нет".into()
                },
            ),
            B::Signature("Принял".into(), String::new()),
        ])
    }
}
