//! `DirectoryService`: territories, venues, departments, outside organisations, the production
//! calendar's years. Entries are archived, never deleted.

use infogroups_shared::calendar::{DeadlinePreset as Preset, YearSource};
use infogroups_shared::classifier;
use infogroups_shared::pb::{self, directory_service_server::DirectoryService};
use infogroups_shared::validate::{self, FieldError, MAX_LINE, MAX_TEXT};
use tonic::{Request, Response, Status};

use super::Ctx;
use crate::auth::{Caller, caller};
use crate::entity::Entity;
use crate::error::{ApiError, ApiResult};
use crate::policy::{Action, Resource, authorize};

/// The directory service.
pub struct DirectorySvc {
    ctx: Ctx,
}

impl DirectorySvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// Creates (id 0) or replaces an entry after the administrator check; `refs` checks the
    /// records the entry names exist.
    async fn save<E: Entity>(
        &self,
        c: &Caller,
        request_id: &str,
        expected_version: u64,
        entry: E,
        refs: impl FnOnce(&crate::db::Tx<'_>, &E) -> ApiResult<()>,
    ) -> ApiResult<E> {
        authorize(&c.actor, Action::EditDirectory, &Resource::default())?;
        let id = entry.meta().id;
        if id == 0 {
            validate::request_id("request_id", request_id)?;
        }
        self.ctx
            .db
            .write(c.actor.user_id, |tx| {
                let field = format!("{}.meta", E::KIND.name());
                if id == 0
                    && let Some(done) = tx.replayed::<E>(E::KIND.name(), request_id)?
                {
                    return Ok(done);
                }
                refs(tx, &entry)?;
                if id == 0 {
                    validate::owned::meta(&field, Some(&entry.meta()), None)?;
                    tx.create(entry, Some(request_id))
                } else {
                    let stored = tx.require_at::<E>(id, expected_version)?.meta();
                    // Saving edits the entry; archiving is its own step.
                    validate::owned::meta(&field, Some(&entry.meta()), Some(&stored))?;
                    let mut entry = entry;
                    entry.meta_mut().archived = stored.archived;
                    tx.update(entry, expected_version, "update")
                }
            })
            .await
    }
}

fn missing(field: &str) -> FieldError {
    FieldError::new(field, "не заполнено", "is required")
}

/// The stored form of an administrator-entered calendar year.
fn calendar_key(year: i32) -> Vec<u8> {
    let mut k = b"m/calendar/".to_vec();
    k.extend_from_slice(&year.to_be_bytes());
    k
}

/// Loads every administrator-entered year into the server's calendar (at start).
pub fn load_calendar(ctx: &Ctx) -> Result<(), ApiError> {
    for (k, v) in ctx.db.store().scan(b"m/calendar/", None, 1000)? {
        let y: pb::CalendarYear = crate::db::decode(&k, &v)?;
        let decree = validate::decree_year(&y).map_err(ApiError::from)?;
        if let Ok(mut cal) = ctx.calendar.write() {
            let _ = cal.set_year(decree);
        }
    }
    Ok(())
}

#[tonic::async_trait]
impl DirectoryService for DirectorySvc {
    async fn save_territory(
        &self,
        req: Request<pb::SaveTerritoryRequest>,
    ) -> Result<Response<pb::Territory>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let t = req.territory.ok_or_else(|| missing("territory"))?;
        validate::name_line("territory.name", &t.name, MAX_LINE, true)?;
        validate::known_enum::<pb::TerritoryKind>("territory.kind", t.kind)?;
        validate::text("territory.description", &t.description, false, MAX_TEXT)?;
        validate::text(
            "territory.known_problems",
            &t.known_problems,
            false,
            MAX_TEXT,
        )?;
        Ok(Response::new(
            self.save(&c, &req.request_id, req.expected_version, t, |_, _| Ok(()))
                .await?,
        ))
    }

    async fn save_venue(
        &self,
        req: Request<pb::SaveVenueRequest>,
    ) -> Result<Response<pb::Venue>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let v = req.venue.ok_or_else(|| missing("venue"))?;
        validate::name_line("venue.name", &v.name, MAX_LINE, true)?;
        validate::required_line("venue.address", &v.address, MAX_LINE)?;
        validate::known_enum::<pb::VenueKind>("venue.kind", v.kind)?;
        validate::optional_line("venue.contact_person", &v.contact_person, MAX_LINE)?;
        validate::optional_line("venue.contact_phone", &v.contact_phone, MAX_LINE)?;
        Ok(Response::new(
            self.save(&c, &req.request_id, req.expected_version, v, |tx, v| {
                crate::refs::exists::<pb::Territory>(tx, "venue.territory_id", v.territory_id)
            })
            .await?,
        ))
    }

    async fn save_department(
        &self,
        req: Request<pb::SaveDepartmentRequest>,
    ) -> Result<Response<pb::Department>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let d = req.department.ok_or_else(|| missing("department"))?;
        validate::name_line("department.name", &d.name, MAX_LINE, true)?;
        validate::optional_line("department.short_name", &d.short_name, 60)?;
        Ok(Response::new(
            self.save(&c, &req.request_id, req.expected_version, d, |tx, d| {
                crate::refs::exists::<pb::User>(tx, "department.head_user_id", d.head_user_id)
            })
            .await?,
        ))
    }

    async fn save_organisation(
        &self,
        req: Request<pb::SaveOrganisationRequest>,
    ) -> Result<Response<pb::Organisation>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let o = req.organisation.ok_or_else(|| missing("organisation"))?;
        validate::name_line("organisation.name", &o.name, MAX_LINE, true)?;
        validate::known_enum::<pb::OrganisationKind>("organisation.kind", o.kind)?;
        validate::optional_line("organisation.contact_person", &o.contact_person, MAX_LINE)?;
        validate::optional_line("organisation.contact", &o.contact, MAX_LINE)?;
        Ok(Response::new(
            self.save(&c, &req.request_id, req.expected_version, o, |_, _| Ok(()))
                .await?,
        ))
    }

    async fn archive(
        &self,
        req: Request<pb::ArchiveRequest>,
    ) -> Result<Response<pb::ArchiveResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::known_enum::<pb::DirectoryKind>("kind", req.kind)?;
        validate::id("id", req.id)?;
        authorize(&c.actor, Action::EditDirectory, &Resource::default()).map_err(ApiError::from)?;
        fn archived<E: Entity>(
            tx: &mut crate::db::Tx<'_>,
            id: u64,
            expected: u64,
        ) -> ApiResult<u64> {
            let mut e = tx.require::<E>(id)?;
            e.meta_mut().archived = true;
            Ok(tx.update(e, expected, "archive")?.meta().version)
        }
        let version = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                let (id, v) = (req.id, req.expected_version);
                match pb::DirectoryKind::try_from(req.kind) {
                    Ok(pb::DirectoryKind::Territory) => archived::<pb::Territory>(tx, id, v),
                    Ok(pb::DirectoryKind::Venue) => archived::<pb::Venue>(tx, id, v),
                    Ok(pb::DirectoryKind::Department) => archived::<pb::Department>(tx, id, v),
                    _ => archived::<pb::Organisation>(tx, id, v),
                }
            })
            .await?;
        Ok(Response::new(pb::ArchiveResponse { version }))
    }

    async fn list_directory(
        &self,
        req: Request<pb::ListDirectoryRequest>,
    ) -> Result<Response<pb::ListDirectoryResponse>, Status> {
        let _ = caller(&req)?;
        let req = req.into_inner();
        validate::known_enum::<pb::DirectoryKind>("kind", req.kind)?;
        fn live<E: Entity>(db: &crate::db::Db, all: bool) -> ApiResult<Vec<E>> {
            Ok(db
                .all::<E>()?
                .into_iter()
                .filter(|e| all || !e.meta().archived)
                .collect())
        }
        let db = &self.ctx.db;
        let all = req.include_archived;
        let mut out = pb::ListDirectoryResponse::default();
        match pb::DirectoryKind::try_from(req.kind) {
            Ok(pb::DirectoryKind::Territory) => out.territories = live(db, all)?,
            Ok(pb::DirectoryKind::Venue) => out.venues = live(db, all)?,
            Ok(pb::DirectoryKind::Department) => out.departments = live(db, all)?,
            _ => out.organisations = live(db, all)?,
        }
        Ok(Response::new(out))
    }

    async fn save_calendar_year(
        &self,
        req: Request<pb::CalendarYear>,
    ) -> Result<Response<pb::CalendarYear>, Status> {
        let c = caller(&req)?;
        let y = req.into_inner();
        validate::owned::calendar_year(&y)?;
        let decree = validate::decree_year(&y)?;
        authorize(&c.actor, Action::EditDirectory, &Resource::default()).map_err(ApiError::from)?;
        let stored = y.clone();
        self.ctx
            .db
            .write(c.actor.user_id, |tx| {
                tx.put_raw(
                    calendar_key(stored.year),
                    prost::Message::encode_to_vec(&stored),
                );
                tx.audit(crate::entity::Kind::Department, 0, "calendar_year", 0);
                Ok(())
            })
            .await?;
        if let Ok(mut cal) = self.ctx.calendar.write() {
            let _ = cal.set_year(decree);
        }
        Ok(Response::new(y))
    }

    async fn list_calendar_years(
        &self,
        req: Request<pb::ListCalendarYearsRequest>,
    ) -> Result<Response<pb::ListCalendarYearsResponse>, Status> {
        let _ = caller(&req)?;
        let cal = self
            .ctx
            .calendar
            .read()
            .map_err(|_| ApiError::ShuttingDown)?;
        let mut years = Vec::new();
        for year in 1993..=2100 {
            match cal.year_source(year) {
                YearSource::Predicted => {}
                YearSource::Official => years.push(pb::CalendarYear {
                    year,
                    built_in: true,
                    decree: String::new(),
                    ..Default::default()
                }),
                YearSource::Decree => {
                    if let Some(d) = cal.decree_year(year) {
                        years.push(pb::CalendarYear {
                            year,
                            days_off: d
                                .days_off
                                .iter()
                                .map(|x| validate::from_naive(*x))
                                .collect(),
                            working_weekends: d
                                .working_weekends
                                .iter()
                                .map(|x| validate::from_naive(*x))
                                .collect(),
                            decree: d.decree.clone(),
                            built_in: false,
                        });
                    }
                }
            }
        }
        Ok(Response::new(pb::ListCalendarYearsResponse { years }))
    }

    async fn compute_deadline(
        &self,
        req: Request<pb::ComputeDeadlineRequest>,
    ) -> Result<Response<pb::Deadline>, Status> {
        let _ = caller(&req)?;
        let req = req.into_inner();
        let start = validate::date("start", req.start.as_ref())?;
        validate::known_enum::<pb::DeadlinePreset>("preset", req.preset)?;
        let cal = self
            .ctx
            .calendar
            .read()
            .map_err(|_| ApiError::ShuttingDown)?;
        let d = match pb::DeadlinePreset::try_from(req.preset) {
            Ok(pb::DeadlinePreset::FiveWorkingDays) => cal.fifth_working_day_after(start),
            Ok(p) => cal.preset_deadline(start, preset_of(p)),
            Err(_) => cal.fifth_working_day_after(start),
        };
        Ok(Response::new(pb::Deadline {
            date: Some(validate::from_naive(d.date)),
            predicted: d.predicted,
        }))
    }

    async fn import_classifier(
        &self,
        req: Request<pb::ImportClassifierRequest>,
    ) -> Result<Response<pb::ImportClassifierResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        validate::required_line("version", &req.version, MAX_LINE)?;
        let parsed = match pb::ClassifierFormat::try_from(req.format) {
            Ok(pb::ClassifierFormat::Json) => classifier::parse_json(&req.content),
            Ok(pb::ClassifierFormat::Csv) => classifier::parse_csv(&req.content),
            _ => {
                return Err(FieldError::new(
                    "format",
                    "выберите JSON или CSV",
                    "choose JSON or CSV",
                )
                .into());
            }
        };
        let nodes = parsed.map_err(|e| {
            FieldError::new(
                "content",
                format!("файл не принят: {e}"),
                format!("file rejected: {e}"),
            )
        })?;
        authorize(&c.actor, Action::EditDirectory, &Resource::default()).map_err(ApiError::from)?;
        let in_use = crate::classifier_store::codes_in_use(&self.ctx.db).map_err(ApiError::from)?;
        let old = self
            .ctx
            .classifier
            .read()
            .map_err(|_| ApiError::ShuttingDown)?
            .0
            .clone();
        let count = nodes.len() as u32;
        let version = req.version.trim().to_string();
        let imported = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                crate::classifier_store::stage_import(tx, &old, nodes, &in_use, &version)
            })
            .await?;
        let (added, kept) = (imported.added, imported.kept_in_use);
        if let Ok(mut slot) = self.ctx.classifier.write() {
            *slot = (imported.index, version);
        }
        Ok(Response::new(pb::ImportClassifierResponse {
            nodes: count,
            added,
            kept_in_use: kept,
        }))
    }

    async fn search_classifier(
        &self,
        req: Request<pb::SearchClassifierRequest>,
    ) -> Result<Response<pb::SearchClassifierResponse>, Status> {
        let _ = caller(&req)?;
        let req = req.into_inner();
        validate::optional_line("query", &req.query, 200)?;
        let limit = match req.limit {
            0 => 50,
            n => n.min(500) as usize,
        };
        let guard = self
            .ctx
            .classifier
            .read()
            .map_err(|_| ApiError::ShuttingDown)?;
        let (index, version) = &*guard;
        Ok(Response::new(pb::SearchClassifierResponse {
            nodes: index
                .search(&req.query, limit)
                .into_iter()
                .map(crate::classifier_store::node_pb)
                .collect(),
            version: version.clone(),
        }))
    }
}

/// The calendar's preset for an API preset (the five-working-day one is handled apart).
pub fn preset_of(p: pb::DeadlinePreset) -> Preset {
    match p {
        pb::DeadlinePreset::Immediately => Preset::Immediately,
        pb::DeadlinePreset::Urgent => Preset::Urgent,
        pb::DeadlinePreset::Operative => Preset::Operative,
        pb::DeadlinePreset::Monthly => Preset::Monthly,
        pb::DeadlinePreset::Quarterly => Preset::Quarterly,
        _ => Preset::Default,
    }
}
