//! Fixtures: accounts with roles, groups, assignments and directory entries, and a small city
//! with one user per role in two groups.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use infogroups_server::Clock;
use infogroups_server::accounts;
use infogroups_server::auth;
use infogroups_server::db::Db;
use infogroups_shared::pb::{self, Role};
use infogroups_shared::{city_time, validate};

use crate::TEST_PASSWORD;
use crate::client::{Authed, login};
use crate::server::TestServer;

/// A request id unique within this process run: `<tag>-<pid>-<n>`.
pub fn request_id(tag: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{tag}-{}-{n}", std::process::id())
}

/// A role held outside any group (administrator, head, executor…).
pub fn global(role: Role) -> pb::RoleGrant {
    pb::RoleGrant {
        role: role as i32,
        group_id: 0,
    }
}

/// A role held in one group (leader, secretary, member).
pub fn in_group(role: Role, group_id: u64) -> pb::RoleGrant {
    pb::RoleGrant {
        role: role as i32,
        group_id,
    }
}

/// An API date; nothing checks it, so impossible dates can be sent on purpose.
pub fn date(year: i32, month: i32, day: i32) -> pb::Date {
    pb::Date { year, month, day }
}

/// The API form of a calendar date.
pub fn api_date(d: NaiveDate) -> pb::Date {
    validate::from_naive(d)
}

/// Today in the city, by the server's clock.
pub fn today(clock: &Clock) -> NaiveDate {
    city_time::date_at(clock.now_ms())
}

/// The UTC milliseconds of `hour`:00 in the city on `date` (a training clock's start).
pub fn city_ms(date: NaiveDate, hour: i64) -> i64 {
    city_time::midnight_ms(date) + hour * 3_600_000
}

/// The furthest one `AdvanceClock` call moves: a leap year, in minutes.
const MAX_ADVANCE_MINUTES: i64 = 366 * 24 * 60;

/// Moves a training server's clock (`serve --clock`) forward to `hour`:00 of `date` in the
/// city, the way a trainer does: the administrator's `AdvanceClock`, a year at most per call.
/// The clock lands on that moment or within a minute after it; a moment more than a minute in
/// the past is an error, since time only moves forward.
pub async fn advance_clock_to(admin: &Authed, date: NaiveDate, hour: i64) -> Result<pb::Settings> {
    let target = city_ms(date, hour);
    let mut settings = admin
        .maintenance()
        .get_settings(pb::GetSettingsRequest {})
        .await
        .context("GetSettings")?
        .into_inner();
    anyhow::ensure!(
        target + 60_000 > settings.server_time_ms,
        "the clock is already past {date} {hour}:00"
    );
    loop {
        let left = target - settings.server_time_ms;
        if left <= 0 {
            return Ok(settings);
        }
        // Rounded up, so the clock never stops short of the moment.
        let minutes = ((left + 59_999) / 60_000).min(MAX_ADVANCE_MINUTES);
        settings = admin
            .maintenance()
            .advance_clock(pb::AdvanceClockRequest {
                minutes: u32::try_from(minutes).context("minutes")?,
            })
            .await
            .context("AdvanceClock")?
            .into_inner();
    }
}

/// The id of an entity's metadata (0 when missing).
pub fn id_of(meta: Option<pb::Meta>) -> u64 {
    meta.map_or(0, |m| m.id)
}

/// The version of an entity's metadata (0 when missing).
pub fn version_of(meta: Option<pb::Meta>) -> u64 {
    meta.map_or(0, |m| m.version)
}

/// The argon2 hash of [`TEST_PASSWORD`], computed once per process: creating accounts straight
/// in the store skips the deliberately slow hashing the API does per account.
async fn test_password_hash() -> Result<String> {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(h) = HASH.get() {
        return Ok(h.clone());
    }
    let h = tokio::task::spawn_blocking(|| auth::hash_password(TEST_PASSWORD))
        .await
        .context("hashing task")??;
    Ok(HASH.get_or_init(|| h).clone())
}

/// Creates an account with [`TEST_PASSWORD`] directly in the store, through the same staging code
/// as `CreateUser` (entity, index, audit and event in one durable write) but without hashing.
pub async fn add_user(db: &Db, username: &str, roles: &[pb::RoleGrant]) -> Result<pb::User> {
    let phc = test_password_hash().await?;
    let req = new_user_request(username, roles);
    accounts::validate_new(&req)?;
    let user = db
        .write(0, |tx| accounts::stage_new(tx, &req, phc))
        .await
        .with_context(|| format!("adding user {username}"))?;
    Ok(user)
}

fn new_user_request(username: &str, roles: &[pb::RoleGrant]) -> pb::CreateUserRequest {
    pb::CreateUserRequest {
        request_id: request_id("user"),
        username: username.to_string(),
        password: TEST_PASSWORD.to_string(),
        full_name: format!("Тестовый пользователь {username}"),
        roles: roles.to_vec(),
        ..Default::default()
    }
}

/// Creates an account with [`TEST_PASSWORD`] through `CreateUser` (needs an administrator).
pub async fn create_user(
    admin: &Authed,
    username: &str,
    roles: &[pb::RoleGrant],
) -> Result<pb::User> {
    Ok(admin
        .users()
        .create_user(new_user_request(username, roles))
        .await
        .with_context(|| format!("CreateUser {username}"))?
        .into_inner())
}

/// A group with a leader, a secretary and members, created through `CreateGroup`; the server
/// grants the group roles.
pub async fn create_group(
    admin: &Authed,
    number: u32,
    leader_id: u64,
    secretary_id: u64,
    member_ids: &[u64],
) -> Result<pb::Group> {
    Ok(admin
        .groups()
        .create_group(pb::CreateGroupRequest {
            request_id: request_id("group"),
            group: Some(pb::Group {
                number,
                name: format!("Информационная группа № {number}"),
                leader_id,
                secretary_id,
                member_ids: member_ids.to_vec(),
                ..Default::default()
            }),
        })
        .await
        .with_context(|| format!("CreateGroup {number}"))?
        .into_inner())
}

/// A valid request for a task in `group_id` for `executor_id`, due by the default preset.
pub fn assignment_request(group_id: u64, executor_id: u64) -> pb::CreateAssignmentRequest {
    pb::CreateAssignmentRequest {
        request_id: request_id("assignment"),
        text: "Организовать ремонт уличного освещения".to_string(),
        kind: pb::AssignmentKind::Task as i32,
        group_id,
        executor_id,
        preset: pb::DeadlinePreset::DefaultMonth as i32,
        ..Default::default()
    }
}

/// Issues a task in `group_id` for `executor_id` (the issuer must lead or keep the group).
pub async fn create_assignment(
    issuer: &Authed,
    group_id: u64,
    executor_id: u64,
) -> Result<pb::Assignment> {
    Ok(issuer
        .assignments()
        .create_assignment(assignment_request(group_id, executor_id))
        .await
        .context("CreateAssignment")?
        .into_inner())
}

/// `executor` asks for `days` more than `a`'s deadline.
pub async fn ask_for_days(
    executor: &Authed,
    a: &pb::Assignment,
    days: u64,
) -> Result<pb::Assignment> {
    let later = a
        .deadline
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(infogroups_shared::validate::to_naive)
        .and_then(|d| d.checked_add_days(chrono::Days::new(days)))
        .map(api_date)
        .context("a later date")?;
    Ok(executor
        .assignments()
        .request_extension(pb::RequestExtensionRequest {
            assignment_id: id_of(a.meta),
            expected_version: version_of(a.meta),
            new_deadline: Some(later),
            reason: "Подрядчик задерживает поставку".into(),
        })
        .await
        .with_context(|| format!("RequestExtension by {}", executor.username))?
        .into_inner())
}

/// `who` grants the pending extension of `a`.
pub async fn grant_extension(
    who: &Authed,
    a: &pb::Assignment,
) -> std::result::Result<pb::Assignment, tonic::Status> {
    who.assignments()
        .decide_extension(pb::DecideExtensionRequest {
            assignment_id: id_of(a.meta),
            expected_version: version_of(a.meta),
            grant: true,
            comment: String::new(),
        })
        .await
        .map(tonic::Response::into_inner)
}

/// Moves an assignment one step (any text needed is filled in).
pub async fn transition(
    actor: &Authed,
    a: &pb::Assignment,
    kind: pb::TransitionKind,
) -> Result<pb::Assignment> {
    Ok(actor
        .assignments()
        .transition(pb::TransitionRequest {
            assignment_id: id_of(a.meta),
            expected_version: version_of(a.meta),
            kind: kind as i32,
            text: "Выполнено, акт приложен".to_string(),
        })
        .await
        .with_context(|| format!("Transition {kind:?} by {}", actor.username))?
        .into_inner())
}

/// A valid request creating a territory named `name`.
pub fn territory_request(name: &str) -> pb::SaveTerritoryRequest {
    pb::SaveTerritoryRequest {
        request_id: request_id("territory"),
        expected_version: 0,
        territory: Some(pb::Territory {
            name: name.to_string(),
            kind: pb::TerritoryKind::Microdistrict as i32,
            ..Default::default()
        }),
    }
}

/// Creates a territory (administrator): the cheapest durable create of the API.
pub async fn save_territory(admin: &Authed, name: &str) -> Result<pb::Territory> {
    Ok(admin
        .directory()
        .save_territory(territory_request(name))
        .await
        .with_context(|| format!("SaveTerritory {name}"))?
        .into_inner())
}

/// A small city: one signed-in user per role, group A and group B, each with a leader, a
/// secretary and a member, and two executors outside the groups.
#[derive(Debug)]
pub struct City {
    /// The first administrator.
    pub admin: Authed,
    /// The head of the administration.
    pub head: Authed,
    /// The control sector.
    pub control: Authed,
    /// The general department.
    pub general: Authed,
    /// The population-relations department.
    pub population: Authed,
    /// Group A's leader.
    pub leader_a: Authed,
    /// Group A's secretary.
    pub secretary_a: Authed,
    /// A member of group A.
    pub member_a: Authed,
    /// An executor (the fixtures' assignments go to this one).
    pub executor: Authed,
    /// Another executor, bound to nothing.
    pub executor2: Authed,
    /// Group B's leader.
    pub leader_b: Authed,
    /// Group B's secretary.
    pub secretary_b: Authed,
    /// A member of group B.
    pub member_b: Authed,
    /// Group A.
    pub group_a: pb::Group,
    /// Group B.
    pub group_b: pb::Group,
}

impl City {
    /// Builds the city on an in-process server: accounts straight in the store, groups through
    /// `CreateGroup`, then every user signs in.
    pub async fn build(server: &TestServer) -> Result<Self> {
        let db = server.db();
        let mut ids = std::collections::HashMap::new();
        for (name, roles) in [
            ("head", vec![global(Role::Head)]),
            ("control", vec![global(Role::ControlSector)]),
            ("general", vec![global(Role::GeneralDepartment)]),
            ("population", vec![global(Role::PopulationDepartment)]),
            ("executor", vec![global(Role::Executor)]),
            ("executor2", vec![global(Role::Executor)]),
            ("leader_a", vec![]),
            ("secretary_a", vec![]),
            ("member_a", vec![]),
            ("leader_b", vec![]),
            ("secretary_b", vec![]),
            ("member_b", vec![]),
        ] {
            ids.insert(name, id_of(add_user(db, name, &roles).await?.meta));
        }
        let admin = server.admin().await?;
        let group_a = create_group(
            &admin,
            1,
            ids["leader_a"],
            ids["secretary_a"],
            &[ids["member_a"]],
        )
        .await?;
        let group_b = create_group(
            &admin,
            2,
            ids["leader_b"],
            ids["secretary_b"],
            &[ids["member_b"]],
        )
        .await?;
        let addr = server.addr();
        let names = [
            "head",
            "control",
            "general",
            "population",
            "leader_a",
            "secretary_a",
            "member_a",
            "executor",
            "executor2",
            "leader_b",
            "secretary_b",
            "member_b",
        ];
        let logins = futures::future::try_join_all(
            names.iter().map(|name| login(addr, name, TEST_PASSWORD)),
        )
        .await?;
        let mut it = logins.into_iter();
        let mut next = || it.next().context("a login is missing");
        Ok(Self {
            admin,
            head: next()?,
            control: next()?,
            general: next()?,
            population: next()?,
            leader_a: next()?,
            secretary_a: next()?,
            member_a: next()?,
            executor: next()?,
            executor2: next()?,
            leader_b: next()?,
            secretary_b: next()?,
            member_b: next()?,
            group_a,
            group_b,
        })
    }

    /// Group A's id.
    pub fn a(&self) -> u64 {
        id_of(self.group_a.meta)
    }

    /// Group B's id.
    pub fn b(&self) -> u64 {
        id_of(self.group_b.meta)
    }
}
