//! `ReportService`: the regulation's reports, ad-hoc aggregates, the head's dashboard and
//! exports. Counts only: no report or file carries a citizen's name.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use infogroups_shared::pb::{self, Dimension as D, report_service_server::ReportService};
use infogroups_shared::validate::{self, FieldError};
use infogroups_shared::{city_time, classifier, discipline, periods};
use tonic::{Request, Response, Status};

use super::Ctx;
use super::exports;
use crate::auth::{Caller, caller};
use crate::db::blocking;
use crate::documents::{self, model::Document, reports::ReportHead};
use crate::entity::Entity;
use crate::error::{ApiError, ApiResult};
use crate::policy::{Action, Resource, authorize};
use crate::reports::facts::{NO_DAY, day_of};
use crate::reports::{self, TableBuilder, aggregate};

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
        let mut t = reports::groups::report(&sources, &title, from, to);
        let guard = self
            .ctx
            .classifier
            .read()
            .map_err(|_| ApiError::ShuttingDown)?;
        reports::groups::name_top_codes(&mut t, &|code| guard.0.get(code).map(|n| n.name.clone()));
        Ok(t)
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
        let (from, to) = periods::report_range("period", &req.period.unwrap_or_default())?;
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
            today: self.today(),
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
        let (first, last) =
            periods::year(year).map_or((NO_DAY, NO_DAY), |(f, l)| (day_of(f), day_of(l)));
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
                .map(|(code, n)| match guard.0.get(code) {
                    Some(x) => format!("{code} {} ({n})", x.name),
                    None => format!("{code} ({n})"),
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
            period: periods::year(year).map(|(from, to)| pb::DateRange {
                from: Some(validate::from_naive(from)),
                to: Some(validate::from_naive(to)),
            }),
            as_of: Some(validate::from_naive(today)),
        }))
    }

    async fn export(
        &self,
        req: Request<pb::ExportRequest>,
    ) -> Result<Response<pb::ExportResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        Ok(Response::new(self.export_file(&c, req).await?))
    }

    async fn share_export(
        &self,
        req: Request<pb::ExportRequest>,
    ) -> Result<Response<pb::ShareResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let kind = pb::ExportKind::try_from(req.kind).unwrap_or_default();
        let subject = exported_record(kind, req.id);
        // The same file, permissions and audit as `Export`; only the way it travels differs.
        let file = self.export_file(&c, req).await?;
        let now = self.ctx.db.clock().now_ms();
        let what = kind
            .as_str_name()
            .trim_start_matches("EXPORT_KIND_")
            .to_ascii_lowercase();
        let link = crate::downloads::Link::to_file(
            c.actor.user_id,
            subject,
            what,
            file.file_name,
            file.content,
            now,
        );
        let shared = self
            .ctx
            .downloads
            .share(now, link)
            .map_err(ApiError::from)?;
        Ok(Response::new(shared))
    }

    async fn mail_export(
        &self,
        req: Request<pb::ExportRequest>,
    ) -> Result<Response<pb::MailQueued>, Status> {
        let c = caller(&req)?;
        crate::mail::require_on(&self.ctx)?;
        let me = c.actor.user_id;
        let user: pb::User =
            self.ctx
                .db
                .get(me)
                .map_err(ApiError::from)?
                .ok_or(ApiError::NotFound {
                    kind: "user",
                    id: me,
                })?;
        let prefs = crate::mail::prefs::get(&self.ctx.db, me).map_err(ApiError::from)?;
        // Only to the caller's own address: the one person the export's checks let see it.
        let to = crate::mail::prefs::address(&prefs, &user).ok_or_else(|| {
            ApiError::precondition(
                "укажите свой адрес электронной почты в настройках почты",
                "set your own e-mail address in the mail preferences first",
            )
        })?;
        let req = req.into_inner();
        let kind = pb::ExportKind::try_from(req.kind).unwrap_or_default();
        let record = exported_record(kind, req.id);
        // The same file, permissions and audit as `Export`; only the way it travels differs.
        let file = self.export_file(&c, req).await?;
        let letter = crate::mail::outbox::Letter {
            to: vec![to.clone()],
            // The file's name may carry an applicant's name: it stays out of the subject.
            subject: "Инфогруппы: выгруженный документ".into(),
            body: "Документ, выгруженный вами из системы «Инфогруппы», — во вложении.".into(),
            attachments: vec![crate::mail::outbox::attachment(
                &file.file_name,
                crate::downloads::http::content_type(&file.file_name),
                file.content,
            )],
        };
        self.ctx
            .db
            .write(me, move |tx| {
                crate::mail::outbox::enqueue(tx, letter)?;
                if let Some((k, id)) = record {
                    tx.audit(k, id, "mail_export", 0);
                }
                Ok(())
            })
            .await?;
        Ok(Response::new(pb::MailQueued {
            recipients: vec![to],
            skipped: Vec::new(),
        }))
    }
}

/// The record a document export shows, for the audit of its download; none for tables.
fn exported_record(kind: pb::ExportKind, id: u64) -> Option<(crate::entity::Kind, u64)> {
    use crate::entity::Kind;
    use pb::ExportKind as K;
    match kind {
        K::Protocol | K::Brief | K::Announcement | K::Results => Some((Kind::Meeting, id)),
        K::ReceptionCard => Some((Kind::ReceptionCard, id)),
        K::ControlCard => Some((Kind::Assignment, id)),
        _ => None,
    }
}

/// The file of a document in a document format.
fn document_file(doc: &Document, format: pb::FileFormat) -> ApiResult<pb::ExportResponse> {
    let f = match format {
        pb::FileFormat::Pdf => documents::Format::Pdf,
        pb::FileFormat::Docx => documents::Format::Docx,
        _ => {
            return Err(FieldError::new(
                "format",
                "этот документ выгружается в .docx или .pdf",
                "this document exports as .docx or .pdf",
            )
            .into());
        }
    };
    let content = documents::render(doc, f).map_err(|e| {
        tracing::error!(error = %e, "rendering a document");
        ApiError::precondition(
            "документ не удалось сформировать",
            "the document could not be rendered",
        )
    })?;
    Ok(pb::ExportResponse {
        file_name: format!("{}.{}", doc.file_stem, f.extension()),
        content,
    })
}

impl ReportSvc {
    /// A table in any format: .csv and .xlsx of the table, .docx and .pdf as a signed document.
    fn table_file(
        &self,
        c: &Caller,
        head: &ReportHead,
        t: &pb::Table,
        format: pb::FileFormat,
    ) -> ApiResult<pb::ExportResponse> {
        let failed = |e: &dyn std::fmt::Display| {
            tracing::error!(error = %e, "rendering a table");
            ApiError::precondition(
                "файл не удалось сформировать",
                "the file could not be rendered",
            )
        };
        match format {
            pb::FileFormat::Csv => Ok(pb::ExportResponse {
                file_name: format!("{}.csv", head.file_stem),
                content: reports::csv::csv(t).map_err(|e| failed(&e))?,
            }),
            pb::FileFormat::Xlsx => Ok(pb::ExportResponse {
                file_name: format!("{}.xlsx", head.file_stem),
                content: reports::xlsx::xlsx(t, head.kind).map_err(|e| failed(&e))?,
            }),
            _ => {
                let s = exports::sources(&self.ctx)?;
                let signer = exports::control_sector_head(&s);
                let doc = documents::reports::report(head, t, signer, c.actor.user_id, &s);
                document_file(&doc, format)
            }
        }
    }

    async fn export_file(
        &self,
        c: &Caller,
        req: pb::ExportRequest,
    ) -> ApiResult<pb::ExportResponse> {
        use pb::ExportKind as K;
        let format = pb::FileFormat::try_from(req.format)
            .ok()
            .filter(|f| *f != pb::FileFormat::Unspecified)
            .ok_or_else(|| {
                FieldError::new("format", "выберите формат файла", "choose the file format")
            })?;
        let kind = pb::ExportKind::try_from(req.kind)
            .ok()
            .filter(|k| *k != K::Unspecified)
            .ok_or_else(|| FieldError::new("kind", "выберите документ", "choose what to export"))?;
        let ctx = &self.ctx;
        match kind {
            K::Protocol => document_file(&exports::protocol(ctx, c, req.id)?, format),
            K::ReceptionCard => {
                document_file(&exports::reception_card(ctx, c, req.id).await?, format)
            }
            K::Brief | K::Announcement | K::Results => {
                document_file(&exports::meeting_paper(ctx, c, kind, req.id)?, format)
            }
            K::ControlCard => document_file(&exports::control_card(ctx, c, req.id)?, format),
            K::Register => {
                let (head, t) = exports::register(ctx, c, &req.register.unwrap_or_default())?;
                self.table_file(c, &head, &t, format)
            }
            K::GroupsReport => {
                self.allowed(c)?;
                let r = req.groups_report.unwrap_or_default();
                let t = self.groups_report(&r)?;
                let period = pb::PeriodKind::try_from(r.period).unwrap_or_default();
                self.table_file(
                    c,
                    &documents::reports::groups_head(r.year, period),
                    &t,
                    format,
                )
            }
            K::AppealsAnalysis => {
                self.allowed(c)?;
                let r = req.appeals_analysis.unwrap_or_default();
                let t = self.appeals_analysis(&r)?;
                self.table_file(c, &documents::reports::appeals_head(r.year), &t, format)
            }
            K::Aggregate => {
                self.allowed(c)?;
                let r = req.aggregate.unwrap_or_default();
                let t = self.aggregate(&r)?;
                let (from, to) = exports::period_dates(&r.period.unwrap_or_default());
                let grouping = t
                    .columns
                    .iter()
                    .take(r.group_by.len())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
                    .to_lowercase();
                let grouping = if grouping.is_empty() {
                    String::new()
                } else {
                    format!("по: {grouping}")
                };
                self.table_file(
                    c,
                    &documents::reports::aggregate_head(&from, &to, &grouping),
                    &t,
                    format,
                )
            }
            K::Discipline => {
                self.allowed(c)?;
                let year = req.groups_report.map_or(self.today().year(), |r| r.year);
                check_year("groups_report.year", year)?;
                let t = self.discipline_table(year)?;
                self.table_file(c, &documents::reports::discipline_head(year), &t, format)
            }
            K::Unspecified => {
                Err(FieldError::new("kind", "выберите документ", "choose what to export").into())
            }
        }
    }
}
