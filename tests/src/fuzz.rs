//! Bad-input fuzzing over every RPC of the API, driven by the API's own descriptor set: a request
//! of any method is generated field by field from its message descriptor (`prost-reflect`),
//! filled with adversarial values — empty, huge, control-character and right-to-left strings,
//! out-of-range numbers, unknown enum values, impossible dates and swapped ranges, ids that do not
//! exist or belong to the other group — sometimes mangled at the byte level (invalid UTF-8 in a
//! string, truncation, garbage), and sent as a user in one of the roles through a raw tonic
//! client. Every answer is judged: a clean status (never `Internal`, `Unknown`, `DataLoss`,
//! `Unavailable` or `Unimplemented`), an `InvalidArgument` that names its field in both
//! languages, nothing written on a refusal, a success that decodes and that the policy allows.
//!
//! The same generator runs in `cargo test` (a fixed number of cases, `tests/tests/fuzz.rs`) and
//! in the long-running program `ig-fuzz` (a time budget). Every case has a seed: the same seed on
//! a fresh world replays the same request.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use bytes::{Buf, BufMut, Bytes};
use chrono::{Datelike, Days};
use futures::StreamExt;
use infogroups_shared::pb::{self, Role};
use infogroups_shared::validate::FieldError;
use prost::Message;
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, MethodDescriptor,
    Value,
};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

use crate::client::{Authed, Bearer, login};
use crate::fixtures::{self, City, api_date, id_of, request_id, today};
use crate::server::TestServer;
use crate::{TEST_PASSWORD, code_of};

/// The API's package; only its services are fuzzed (health and reflection are tonic's).
const PACKAGE: &str = "infogroups.v1";

/// The largest answer the fuzz client accepts.
const MAX_ANSWER: usize = 256 * 1024 * 1024;

/// How long a watch stream is read before the case lets it go (an open stream is fine).
const WATCH_READ: Duration = Duration::from_millis(200);

/// One RPC of the API.
#[derive(Debug, Clone)]
pub struct Method {
    /// `/infogroups.v1.Service/Method`.
    pub path: String,
    /// `Service/Method`, for reports.
    pub name: String,
    /// The request's descriptor.
    pub input: MessageDescriptor,
    /// The answer's descriptor.
    pub output: MessageDescriptor,
    /// A server stream (Watch).
    pub streaming: bool,
}

/// Every RPC of the API's descriptor set, in a stable order.
pub fn methods() -> Result<Vec<Method>> {
    let pool = DescriptorPool::decode(pb::FILE_DESCRIPTOR_SET).context("the descriptor set")?;
    let mut out: Vec<Method> = pool
        .services()
        .filter(|s| s.package_name() == PACKAGE)
        .flat_map(|s| s.methods().collect::<Vec<MethodDescriptor>>())
        .map(|m| Method {
            path: format!("/{}/{}", m.parent_service().full_name(), m.name()),
            name: format!("{}/{}", m.parent_service().name(), m.name()),
            input: m.input(),
            output: m.output(),
            streaming: m.is_server_streaming(),
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// A codec that passes encoded messages through untouched, so the fuzzer can send bytes no typed
/// client would produce.
#[derive(Debug, Clone, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::default()
    }
}

impl Decoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        let n = src.remaining();
        Ok(Some(src.copy_to_bytes(n)))
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::default()
    }
}

/// The answer to one raw call: the status code, and the answer's bytes (the first message of a
/// stream) on success.
#[derive(Debug)]
pub struct RawAnswer {
    /// `Ok` or the refusal's status.
    pub result: Result<Vec<Bytes>, Status>,
}

/// Sends `body` to `method` over `channel` with `bearer`, as raw bytes.
pub async fn call_raw(
    channel: &Channel,
    bearer: Bearer,
    method: &Method,
    body: Bytes,
) -> Result<RawAnswer> {
    let path = PathAndQuery::try_from(method.path.clone())
        .with_context(|| format!("{} is not a method path", method.path))?;
    let svc = InterceptedService::new(channel.clone(), bearer);
    let mut grpc = tonic::client::Grpc::new(svc).max_decoding_message_size(MAX_ANSWER);
    grpc.ready()
        .await
        .map_err(|e| anyhow::anyhow!("connection not ready: {e}"))?;
    if !method.streaming {
        let result = grpc
            .unary(Request::new(body), path, RawCodec)
            .await
            .map(|r| vec![r.into_inner()]);
        return Ok(RawAnswer { result });
    }
    let mut stream = match grpc
        .server_streaming(Request::new(body), path, RawCodec)
        .await
    {
        Ok(r) => r.into_inner(),
        Err(status) => {
            return Ok(RawAnswer {
                result: Err(status),
            });
        }
    };
    // Read what the stream sends at once (a resync, a replay, an error); an open stream that
    // stays quiet is a fine answer and is simply dropped.
    let mut got = Vec::new();
    while let Ok(next) = tokio::time::timeout(WATCH_READ, stream.next()).await {
        match next {
            None => break,
            Some(Ok(m)) => got.push(m),
            Some(Err(status)) => {
                return Ok(RawAnswer {
                    result: Err(status),
                });
            }
        }
        if got.len() >= 64 {
            break;
        }
    }
    Ok(RawAnswer { result: Ok(got) })
}

/// The settings of a fuzzed server.
pub fn server_config(c: &mut infogroups_server::Config) {
    // The deadline timer would write events of its own between a case's two reads of the log.
    c.deadline_timer = false;
    // Generated logins guess passwords; a throttled account could not sign in again after a case
    // ended its session. Throttling has tests of its own.
    c.login_free_attempts = u32::MAX;
    c.login_global_free = u32::MAX;
}

/// The people the fuzzer calls as: one per role, a user with no role at all, and no token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// For reports (and the login name, but for `anonymous`).
    pub name: &'static str,
    /// The signed-in user (an anonymous caller has an empty token).
    pub authed: Authed,
}

impl Caller {
    /// Signs in again after a case ended this caller's session (Logout, a password set by the
    /// administrator, an archived account): later cases should reach past authentication.
    /// Stays as it is when the login is refused (the password changed, the account archived).
    async fn revive(&mut self) {
        if self.authed.token.is_empty() {
            return;
        }
        let password = if self.name == "admin" {
            crate::ADMIN_PASSWORD
        } else {
            TEST_PASSWORD
        };
        if let Ok(Ok(fresh)) =
            Authed::login_on(self.authed.channel().clone(), self.name, password).await
        {
            self.authed = fresh;
        }
    }
}

/// The world the fuzzer works in: a city with both groups, a user without roles, and some of
/// every kind of entity in each group, whose ids the generator uses (a user of group A naming
/// group B's meeting is exactly the probing the policy must refuse).
#[derive(Debug)]
pub struct World {
    /// Who calls.
    pub callers: Vec<Caller>,
    /// Ids worth naming: existing entities of both groups, the users, the directories.
    pub ids: Vec<u64>,
    /// Group A's id.
    pub group_a: u64,
    /// Group B's id.
    pub group_b: u64,
    /// Today in the city when the world was built.
    pub today: chrono::NaiveDate,
    /// What each group owns, group A first.
    pub owned: Vec<Owned>,
}

impl World {
    /// The caller called `name` (`admin`, `leader_a`, `nobody`…).
    pub fn caller(&self, name: &str) -> Option<&Authed> {
        self.callers
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.authed)
    }
}

/// The entities the world made in one group: `(id, version)` of each.
#[derive(Debug, Clone, Copy)]
pub struct Owned {
    /// The group.
    pub group: u64,
    /// An assignment of the group.
    pub assignment: (u64, u64),
    /// A planned meeting of the group.
    pub meeting: (u64, u64),
    /// A registered appeal of the group.
    pub appeal: (u64, u64),
}

impl World {
    /// Builds the city and its entities on `server`.
    pub async fn build(server: &TestServer) -> Result<Self> {
        let city = City::build(server).await?;
        fixtures::add_user(server.db(), "nobody", &[]).await?;
        let nobody = login(server.addr(), "nobody", TEST_PASSWORD).await?;
        let admin = &city.admin;
        let mut ids = vec![city.a(), city.b()];
        for u in [
            &city.admin,
            &city.head,
            &city.leader_a,
            &city.secretary_a,
            &city.member_a,
            &city.executor,
            &city.leader_b,
            &city.secretary_b,
            &city.member_b,
            &nobody,
        ] {
            ids.push(u.user_id);
        }
        let today = today(server.clock());
        let mut groups = Vec::new();
        let mut owned = Vec::new();
        for (group, leader, secretary, name) in [
            (&city.group_a, &city.leader_a, &city.secretary_a, "А"),
            (&city.group_b, &city.leader_b, &city.secretary_b, "Б"),
        ] {
            let territory = id_of(
                fixtures::save_territory(admin, &format!("Микрорайон {name}"))
                    .await?
                    .meta,
            );
            let venue = admin
                .directory()
                .save_venue(pb::SaveVenueRequest {
                    request_id: request_id("venue"),
                    expected_version: 0,
                    venue: Some(pb::Venue {
                        name: format!("МБОУ СОШ {name}"),
                        address: "ул. Харьковская, 10".into(),
                        kind: pb::VenueKind::Education as i32,
                        ..Default::default()
                    }),
                })
                .await
                .context("SaveVenue")?
                .into_inner();
            let mut g = group.clone();
            g.territory_ids.push(territory);
            admin
                .groups()
                .update_group(pb::UpdateGroupRequest {
                    expected_version: fixtures::version_of(group.meta),
                    group: Some(g),
                    reason: "Закреплена территория".into(),
                })
                .await
                .context("UpdateGroup")?;
            let gid = id_of(group.meta);
            let assignment = fixtures::create_assignment(leader, gid, city.executor.user_id)
                .await
                .context("CreateAssignment")?;
            let meeting = secretary
                .meetings()
                .plan_meeting(pb::PlanMeetingRequest {
                    request_id: request_id("meeting"),
                    group_id: gid,
                    territory_id: territory,
                    venue_id: id_of(venue.meta),
                    date: Some(api_date(
                        today.checked_add_days(Days::new(21)).unwrap_or(today),
                    )),
                    time: "17:00".into(),
                })
                .await
                .context("PlanMeeting")?
                .into_inner();
            let appeal = city
                .general
                .appeals()
                .register_appeal(pb::RegisterAppealRequest {
                    request_id: request_id("appeal"),
                    appeal: Some(pb::Appeal {
                        received: Some(api_date(today)),
                        channel: pb::Channel::Post as i32,
                        kind: pb::AppealKind::Application as i32,
                        territory_id: territory,
                        group_id: gid,
                        questions: vec![pb::AppealQuestion {
                            classifier_code: "0005.0005.0056.1154".into(),
                            r#type: pb::QuestionType::Application as i32,
                            ..Default::default()
                        }],
                        citizen: Some(pb::Citizen {
                            surname: "Иванова".into(),
                            first_name: "Анна".into(),
                            postal_address: format!("ул. Ленина, д. 5, кв. {gid}"),
                            ..Default::default()
                        }),
                        text: "Прошу восстановить водоснабжение дома".into(),
                        ..Default::default()
                    }),
                    repeated_confirmed: false,
                })
                .await
                .context("RegisterAppeal")?
                .into_inner();
            groups.push(gid);
            let pair = |m: Option<pb::Meta>| (id_of(m), fixtures::version_of(m));
            owned.push(Owned {
                group: gid,
                assignment: pair(assignment.meta),
                meeting: pair(meeting.meta),
                appeal: pair(appeal.meta),
            });
            ids.extend([
                territory,
                id_of(venue.meta),
                id_of(assignment.meta),
                id_of(meeting.meta),
                id_of(appeal.meta),
            ]);
        }
        let anonymous = Authed::anonymous(city.admin.channel().clone());
        let callers = vec![
            Caller {
                name: "admin",
                authed: city.admin.clone(),
            },
            Caller {
                name: "head",
                authed: city.head.clone(),
            },
            Caller {
                name: "control",
                authed: city.control.clone(),
            },
            Caller {
                name: "general",
                authed: city.general.clone(),
            },
            Caller {
                name: "population",
                authed: city.population.clone(),
            },
            Caller {
                name: "leader_a",
                authed: city.leader_a.clone(),
            },
            Caller {
                name: "secretary_a",
                authed: city.secretary_a.clone(),
            },
            Caller {
                name: "member_a",
                authed: city.member_a.clone(),
            },
            Caller {
                name: "executor",
                authed: city.executor.clone(),
            },
            Caller {
                name: "leader_b",
                authed: city.leader_b.clone(),
            },
            Caller {
                name: "nobody",
                authed: nobody,
            },
            Caller {
                name: "anonymous",
                authed: anonymous,
            },
        ];
        ids.sort_unstable();
        ids.dedup();
        Ok(Self {
            callers,
            ids,
            group_a: groups.first().copied().unwrap_or_default(),
            group_b: groups.get(1).copied().unwrap_or_default(),
            today,
            owned,
        })
    }
}

/// How adversarial one case is: the share of fields that get a hostile value (the rest get
/// plausible ones, so that some requests pass validation and reach the policy and the workflow).
#[derive(Debug, Clone, Copy)]
struct Mood {
    hostile: f64,
    fill: f64,
}

/// Generates requests.
pub struct Generator<'w> {
    rng: StdRng,
    world: &'w World,
    mood: Mood,
}

/// Strings that mean something to some field (times, codes, names, numbers).
const PLAUSIBLE: &[&str] = &[
    "Иванова Анна Петровна",
    "ул. Ленина, д. 5, кв. 12",
    "17:00",
    "09:30",
    "0005.0005.0056.1154",
    "0003.0008.0086.0668",
    "Прошу восстановить водоснабжение",
    "admin",
    "executor",
    "a-new-password-123",
    "ИГ-2026-00001",
    "+7 918 000-00-00",
    "Выполнено, акт приложен",
    "ru",
    "en",
];

/// Strings that have broken programs before.
const NASTY: &[&str] = &[
    "",
    " ",
    "\t\n\r",
    "\u{0}",
    "a\u{0}b",
    "\u{7}\u{8}\u{1b}[2J\u{1b}[31m",
    "\u{202e}txt.exe",
    "\u{200b}\u{200d}\u{feff}",
    "Й̈̈̈̈",
    "😀👨‍👩‍👧‍👦",
    "'; DROP TABLE users; --",
    "../../../../etc/passwd",
    "%s%n%x{year}{seq}{}",
    "25:61",
    "-1",
    "99999999999999999999999",
    "0000.0000.0000.0000",
    "\u{d7ff}\u{e000}\u{fffd}\u{10ffff}",
];

impl<'w> Generator<'w> {
    /// A generator for one case.
    pub fn new(world: &'w World, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let mood = Mood {
            hostile: [0.0, 0.05, 0.2, 0.5, 1.0]
                .choose(&mut rng)
                .copied()
                .unwrap_or(0.2),
            fill: rng.random_range(0.3..1.0),
        };
        Self { rng, world, mood }
    }

    fn hostile(&mut self) -> bool {
        self.rng.random_bool(self.mood.hostile)
    }

    /// The encoded request for `method`: a generated message, sometimes mangled.
    pub fn request(&mut self, method: &Method) -> Bytes {
        let msg = self.message(&method.input, 0);
        let mut bytes = msg.encode_to_vec();
        if self.rng.random_bool(0.12) {
            self.mangle(&method.input, &mut bytes);
        }
        Bytes::from(bytes)
    }

    fn message(&mut self, desc: &MessageDescriptor, depth: u32) -> DynamicMessage {
        let mut msg = DynamicMessage::new(desc.clone());
        match desc.full_name() {
            "infogroups.v1.Date" => return self.date(desc),
            "infogroups.v1.DateRange" => return self.range(desc),
            _ => {}
        }
        for field in desc.fields() {
            if field.is_map() || !self.rng.random_bool(self.mood.fill) {
                continue;
            }
            if field.is_list() {
                let n = if self.hostile() && self.rng.random_bool(0.1) {
                    self.rng.random_range(50..2000)
                } else {
                    self.rng.random_range(0..4)
                };
                let items = (0..n)
                    .filter_map(|_| self.value(&field, depth))
                    .collect::<Vec<_>>();
                msg.set_field(&field, Value::List(items));
            } else if let Some(v) = self.value(&field, depth) {
                msg.set_field(&field, v);
            }
        }
        msg
    }

    fn value(&mut self, field: &FieldDescriptor, depth: u32) -> Option<Value> {
        let name = field.name();
        Some(match field.kind() {
            Kind::String => Value::String(self.string()),
            Kind::Bytes => Value::Bytes(self.bytes()),
            Kind::Bool => Value::Bool(self.rng.random()),
            Kind::Uint64 | Kind::Fixed64 => Value::U64(self.u64_for(name)),
            Kind::Uint32 | Kind::Fixed32 => Value::U32(self.u32_for(name)),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(self.i64_for(name)),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(self.i32_for(name)),
            Kind::Double => Value::F64(self.float()),
            Kind::Float => Value::F32(self.float() as f32),
            Kind::Enum(e) => {
                let known: Vec<i32> = e.values().map(|v| v.number()).collect();
                let n = if self.hostile() {
                    *[-1, i32::MIN, i32::MAX, known.len() as i32 + 7]
                        .choose(&mut self.rng)
                        .unwrap_or(&-1)
                } else {
                    known.choose(&mut self.rng).copied().unwrap_or(0)
                };
                Value::EnumNumber(n)
            }
            Kind::Message(m) => {
                if depth > 4 {
                    return None;
                }
                Value::Message(self.message(&m, depth + 1))
            }
        })
    }

    fn string(&mut self) -> String {
        if !self.hostile() {
            return PLAUSIBLE
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default()
                .to_string();
        }
        match self.rng.random_range(0..10) {
            0..=3 => NASTY
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default()
                .to_string(),
            4 => {
                // Over every line and text limit, sometimes far over.
                let n = *[301, 20_001, 100_000, 1_000_000]
                    .choose(&mut self.rng)
                    .unwrap_or(&301);
                "ж".repeat(n)
            }
            5 => (0..self.rng.random_range(1..40))
                .map(|_| char::from_u32(self.rng.random_range(0..0x20)).unwrap_or('?'))
                .collect(),
            _ => (0..self.rng.random_range(0..60))
                .map(|_| self.rng.random::<char>())
                .collect(),
        }
    }

    fn bytes(&mut self) -> Bytes {
        let n = if self.hostile() {
            *[0usize, 1, 17, 4096, 200_000]
                .choose(&mut self.rng)
                .unwrap_or(&0)
        } else {
            self.rng.random_range(0..64)
        };
        let mut v = vec![0u8; n];
        self.rng.fill(&mut v[..]);
        if !self.hostile() && n > 4 {
            // Something that starts like a text file or a zip archive.
            v[..2].copy_from_slice(if self.rng.random() { b"PK" } else { b"0," });
        }
        Bytes::from(v)
    }

    fn u64_for(&mut self, name: &str) -> u64 {
        if name.ends_with("_id") || name == "id" || name.ends_with("_ids") {
            if self.hostile() {
                return *[0, u64::MAX, 1 << 63, 9_999_999]
                    .choose(&mut self.rng)
                    .unwrap_or(&0);
            }
            return self.world.ids.choose(&mut self.rng).copied().unwrap_or(1);
        }
        if name.contains("version") {
            return if self.hostile() {
                *[0, u64::MAX, 1000].choose(&mut self.rng).unwrap_or(&0)
            } else {
                self.rng.random_range(1..4)
            };
        }
        if self.hostile() {
            *[0, 1, u64::MAX, u64::MAX / 2, 1 << 32]
                .choose(&mut self.rng)
                .unwrap_or(&0)
        } else {
            self.rng.random_range(0..100)
        }
    }

    fn u32_for(&mut self, _name: &str) -> u32 {
        if self.hostile() {
            *[0, u32::MAX, 1 << 31, 100_000]
                .choose(&mut self.rng)
                .unwrap_or(&0)
        } else {
            self.rng.random_range(0..20)
        }
    }

    fn i64_for(&mut self, name: &str) -> i64 {
        if self.hostile() {
            return *[i64::MIN, i64::MAX, -1, 0]
                .choose(&mut self.rng)
                .unwrap_or(&0);
        }
        if name.ends_with("_ms") {
            let now = chrono::Utc::now().timestamp_millis();
            return now + self.rng.random_range(-400i64..400) * 86_400_000;
        }
        self.rng.random_range(-5..100)
    }

    fn i32_for(&mut self, name: &str) -> i32 {
        if self.hostile() {
            return *[i32::MIN, i32::MAX, -1, 0, 13, 32]
                .choose(&mut self.rng)
                .unwrap_or(&0);
        }
        match name {
            "year" => self.world.today.year_ce().1 as i32 + self.rng.random_range(-2..3),
            "month" | "quarter" => self.rng.random_range(1..13),
            _ => self.rng.random_range(0..50),
        }
    }

    fn float(&mut self) -> f64 {
        if self.hostile() {
            *[f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 1e308]
                .choose(&mut self.rng)
                .unwrap_or(&0.0)
        } else {
            self.rng.random_range(0.0..100.0)
        }
    }

    /// A date: near today (either side), or impossible.
    fn date(&mut self, desc: &MessageDescriptor) -> DynamicMessage {
        let (y, m, d) = if self.hostile() {
            *[
                (0, 0, 0),
                (2026, 2, 30),
                (2026, 13, 1),
                (2026, 4, 31),
                (-1, 1, 1),
                (i32::MAX, i32::MAX, i32::MAX),
                (10_000, 1, 1),
                (1, 1, 1),
            ]
            .choose(&mut self.rng)
            .unwrap_or(&(0, 0, 0))
        } else {
            let shift = self.rng.random_range(-400i64..400);
            let day = if shift >= 0 {
                self.world.today.checked_add_days(Days::new(shift as u64))
            } else {
                self.world
                    .today
                    .checked_sub_days(Days::new(shift.unsigned_abs()))
            }
            .unwrap_or(self.world.today);
            let d = api_date(day);
            (d.year, d.month, d.day)
        };
        let mut msg = DynamicMessage::new(desc.clone());
        msg.set_field_by_name("year", Value::I32(y));
        msg.set_field_by_name("month", Value::I32(m));
        msg.set_field_by_name("day", Value::I32(d));
        msg
    }

    /// A date range, often with its ends swapped or missing.
    fn range(&mut self, desc: &MessageDescriptor) -> DynamicMessage {
        let mut msg = DynamicMessage::new(desc.clone());
        let Some(date) = desc.get_field_by_name("from").and_then(|f| match f.kind() {
            Kind::Message(m) => Some(m),
            _ => None,
        }) else {
            return msg;
        };
        let mut a = self.date(&date);
        let mut b = self.date(&date);
        let key = |m: &DynamicMessage| {
            ["year", "month", "day"].map(|f| {
                m.get_field_by_name(f)
                    .and_then(|v| v.as_i32())
                    .unwrap_or_default()
            })
        };
        // Ordered or deliberately swapped.
        if (key(&a) > key(&b)) != self.rng.random_bool(0.4) {
            std::mem::swap(&mut a, &mut b);
        }
        if !self.rng.random_bool(0.1) {
            msg.set_field_by_name("from", Value::Message(a));
        }
        if !self.rng.random_bool(0.1) {
            msg.set_field_by_name("to", Value::Message(b));
        }
        msg
    }

    /// Breaks the encoding: invalid UTF-8 in a string field, truncation, flipped bytes, garbage
    /// appended, an unknown field, or nothing but noise.
    fn mangle(&mut self, desc: &MessageDescriptor, bytes: &mut Vec<u8>) {
        match self.rng.random_range(0..6) {
            0 => {
                let strings: Vec<u32> = desc
                    .fields()
                    .filter(|f| matches!(f.kind(), Kind::String))
                    .map(|f| f.number())
                    .collect();
                if let Some(n) = strings.choose(&mut self.rng) {
                    let bad: &[u8] = [
                        &b"\xff\xfe"[..],
                        b"ok\xc3\x28",
                        b"\xed\xa0\x80",
                        b"\xc0\xaf",
                    ]
                    .choose(&mut self.rng)
                    .copied()
                    .unwrap_or(b"\xff");
                    put_varint(bytes, u64::from(n << 3 | 2));
                    put_varint(bytes, bad.len() as u64);
                    bytes.extend_from_slice(bad);
                }
            }
            1 => {
                let keep = self.rng.random_range(0..=bytes.len());
                bytes.truncate(keep);
            }
            2 => {
                for _ in 0..self.rng.random_range(1..5) {
                    if bytes.is_empty() {
                        break;
                    }
                    let i = self.rng.random_range(0..bytes.len());
                    bytes[i] ^= self.rng.random_range(1..=255);
                }
            }
            3 => {
                let n = self.rng.random_range(1..32);
                bytes.extend((0..n).map(|_| self.rng.random::<u8>()));
            }
            4 => {
                // An unknown field (a newer client): must be ignored, never refused as garbage.
                put_varint(bytes, u64::from(9_999u32 << 3));
                put_varint(bytes, self.rng.random());
            }
            _ => {
                let n = self.rng.random_range(0..64);
                *bytes = (0..n).map(|_| self.rng.random::<u8>()).collect();
            }
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.put_u8((v as u8) | 0x80);
        v >>= 7;
    }
    out.put_u8(v as u8);
}

/// The statuses a server may answer a bad request with.
pub fn clean(code: Code) -> bool {
    matches!(
        code,
        Code::Ok
            | Code::InvalidArgument
            | Code::NotFound
            | Code::PermissionDenied
            | Code::Unauthenticated
            | Code::FailedPrecondition
            | Code::Aborted
            | Code::AlreadyExists
            | Code::OutOfRange
            | Code::ResourceExhausted
    )
}

/// What one case did.
#[derive(Debug)]
pub struct Outcome {
    /// The answer's code.
    pub code: Code,
    /// Whether the event log moved.
    pub wrote: bool,
    /// What was wrong, if anything.
    pub problem: Option<String>,
}

/// The group an event's entity belongs to (0 for none).
fn group_of(ev: &pb::Event) -> u64 {
    use pb::event::Entity as E;
    match &ev.entity {
        Some(E::Meeting(m)) => m.group_id,
        Some(E::Assignment(a)) => a.group_id,
        Some(E::Appeal(a)) => a.group_id,
        Some(E::ReceptionCard(c)) => c.group_id,
        Some(E::Group(g)) => id_of(g.meta),
        _ => 0,
    }
}

/// A digest of everything in the store (entities, indexes, sessions, credentials, audit, the log):
/// a refused request must leave it as it was, not only the event log. With `audit` false the
/// audit log is left out: a refused login or password check is recorded there on purpose.
pub fn state_digest(db: &infogroups_server::db::Db, audit: bool) -> Result<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut after: Option<Vec<u8>> = None;
    loop {
        let page = db.store().scan(b"", after.as_deref(), 4096)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = Some(last.clone());
        for entry in &page {
            if audit || !entry.0.starts_with(b"a/") {
                entry.hash(&mut h);
            }
        }
    }
    Ok(h.finish())
}

/// The RPCs whose refusals are audited (failed logins and password checks, 152-FZ and issue 14).
fn audits_refusals(method: &Method) -> bool {
    matches!(
        method.path.as_str(),
        "/infogroups.v1.AuthService/Login" | "/infogroups.v1.UserService/SetPassword"
    )
}

/// Runs one case: `method` as `caller` with the request of `seed`, and judges the answer.
pub async fn run_case(
    server: &TestServer,
    world: &World,
    method: &Method,
    caller: &Caller,
    seed: u64,
) -> Result<Outcome> {
    let body = Generator::new(world, seed).request(method);
    let db = server.db();
    // The caller's roles as they are now (earlier cases may have changed them).
    let grants: Vec<pb::RoleGrant> = db
        .get::<pb::User>(caller.authed.user_id)
        .ok()
        .flatten()
        .map(|u| u.roles)
        .unwrap_or_default();
    let before = db.published_seq();
    let audit = !audits_refusals(method);
    let digest = state_digest(db, audit)?;
    let bearer = if caller.authed.token.is_empty() {
        Bearer::none()
    } else {
        Bearer::new(&caller.authed.token)?
    };
    let answer = call_raw(caller.authed.channel(), bearer, method, body).await?;
    let after = db.published_seq();
    let wrote = after != before;
    let code = code_of(&answer.result);
    let mut problem = None;
    match &answer.result {
        Err(status) => {
            if !clean(status.code()) {
                problem = Some(format!("not a clean status: {status:?}"));
            } else if status.code() == Code::InvalidArgument {
                let named = FieldError::from_status(status)
                    .is_some_and(|f| !f.field.is_empty() && !f.ru.is_empty() && !f.en.is_empty());
                if !named {
                    problem = Some(format!("InvalidArgument without a named field: {status:?}"));
                }
            }
            if wrote {
                problem.get_or_insert(format!(
                    "refused with {:?} but the log moved {before} -> {after}",
                    status.code()
                ));
            } else if state_digest(db, audit)? != digest {
                problem.get_or_insert(format!(
                    "refused with {:?} but the store changed",
                    status.code()
                ));
            }
        }
        Ok(messages) => {
            for m in messages {
                if let Err(e) = DynamicMessage::decode(method.output.clone(), m.clone()) {
                    problem = Some(format!("the answer does not decode: {e}"));
                }
            }
            if wrote {
                problem = problem.or(check_write(db, world, caller, &grants, before, after)?);
            }
        }
    }
    Ok(Outcome {
        code,
        wrote,
        problem,
    })
}

/// The longest text anywhere in a message, in characters.
fn longest_text(msg: &DynamicMessage) -> usize {
    fn of(v: &Value) -> usize {
        match v {
            Value::String(s) => s.chars().count(),
            Value::Message(m) => longest_text(m),
            Value::List(items) => items.iter().map(of).max().unwrap_or(0),
            _ => 0,
        }
    }
    msg.fields().map(|(_, v)| of(v)).max().unwrap_or(0)
}

/// The descriptor of the log's events.
fn event_descriptor() -> Result<MessageDescriptor> {
    static EVENT: std::sync::OnceLock<Option<MessageDescriptor>> = std::sync::OnceLock::new();
    EVENT
        .get_or_init(|| {
            DescriptorPool::decode(pb::FILE_DESCRIPTOR_SET)
                .ok()
                .and_then(|p| p.get_message_by_name("infogroups.v1.Event"))
        })
        .clone()
        .context("infogroups.v1.Event is not in the descriptor set")
}

/// A write that succeeded must be one the policy allows: a user without roles writes nothing, and
/// a user whose roles are all in one group writes nothing of another group. And nothing stored may
/// hold a text longer than validation's longest.
fn check_write(
    db: &infogroups_server::db::Db,
    world: &World,
    caller: &Caller,
    grants: &[pb::RoleGrant],
    before: u64,
    after: u64,
) -> Result<Option<String>> {
    let events = db.events_after(before, (after - before) as usize)?;
    let event = event_descriptor()?;
    for ev in &events {
        let dynamic = DynamicMessage::decode(event.clone(), ev.encode_to_vec().as_slice())?;
        let longest = longest_text(&dynamic);
        if longest > infogroups_shared::validate::MAX_TEXT {
            return Ok(Some(format!(
                "{} stored a text of {longest} characters in {:?}",
                caller.name,
                crate::watch::entity_of(ev)
            )));
        }
    }
    if grants.is_empty() {
        return Ok(Some(format!(
            "{} holds no role but wrote {} event(s): {:?}",
            caller.name,
            events.len(),
            events.first().map(|e| e.action)
        )));
    }
    let group_roles = [Role::GroupLeader, Role::GroupSecretary, Role::GroupMember];
    let only_a = grants
        .iter()
        .all(|g| g.group_id == world.group_a && group_roles.iter().any(|r| *r as i32 == g.role));
    if only_a
        && let Some(ev) = events
            .iter()
            .find(|e| e.actor_id == caller.authed.user_id && group_of(e) == world.group_b)
    {
        return Ok(Some(format!(
            "{} (group A only) changed group B: {:?}",
            caller.name,
            crate::watch::entity_of(ev)
        )));
    }
    Ok(None)
}

/// Counts by method and by answer, and the failures with their seeds.
#[derive(Debug, Default)]
pub struct Tally {
    /// Cases run.
    pub cases: u64,
    /// Answers by code.
    pub codes: BTreeMap<String, u64>,
    /// Cases by method.
    pub per_method: BTreeMap<String, u64>,
    /// Successful cases by method.
    pub ok_per_method: BTreeMap<String, u64>,
    /// Failures: method, caller, seed, what.
    pub failures: Vec<String>,
}

impl Tally {
    /// Notes one case.
    pub fn note(&mut self, method: &Method, caller: &Caller, seed: u64, outcome: &Outcome) {
        self.cases += 1;
        *self.codes.entry(format!("{:?}", outcome.code)).or_default() += 1;
        *self.per_method.entry(method.name.clone()).or_default() += 1;
        if outcome.code == Code::Ok {
            *self.ok_per_method.entry(method.name.clone()).or_default() += 1;
        }
        if let Some(p) = &outcome.problem {
            self.failures.push(format!(
                "{} as {} (seed {seed}): {p}",
                method.name, caller.name
            ));
        }
    }

    /// The histogram of answers, one `code: count` per line.
    pub fn histogram(&self) -> String {
        self.codes
            .iter()
            .map(|(c, n)| format!("  {c:<20} {n}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Runs `cases` cases over every method and every caller in turn on `world`, from `base_seed`:
/// case `i` sends method `i % methods` as caller `(i / methods) % callers` with seed
/// `base_seed + i`, so every method is tried by every caller once per round.
pub async fn run_round(
    server: &TestServer,
    world: &mut World,
    methods: &[Method],
    base_seed: u64,
    first: u64,
    cases: u64,
    tally: &mut Tally,
) -> Result<()> {
    if methods.is_empty() || world.callers.is_empty() {
        bail!("nothing to fuzz");
    }
    for i in first..first + cases {
        let method = &methods[(i % methods.len() as u64) as usize];
        let who = ((i / methods.len() as u64) % world.callers.len() as u64) as usize;
        let seed = base_seed.wrapping_add(i);
        let caller = &world.callers[who];
        let outcome = run_case(server, world, method, caller, seed)
            .await
            .with_context(|| format!("{} as {} (seed {seed})", method.name, caller.name))?;
        tally.note(method, caller, seed, &outcome);
        if outcome.code == Code::Unauthenticated && !method.path.ends_with("/Login") {
            world.callers[who].revive().await;
        }
    }
    Ok(())
}
