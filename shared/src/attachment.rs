//! Files kept on records: who may attach and fetch them, what a file's name may be, what its
//! media type is, and how its size reads. Pure functions, used by the server to decide and by the
//! client to offer and to check a file before sending it.

use crate::pb;
use crate::policy::{Action, Actor, Denied, Resource, Visible, authorize, personal_data_resource};
use crate::validate::FieldError;

/// The bytes of one upload or download message at most: well under the server's request limit.
pub const MESSAGE_BYTES: usize = 1 << 20;

/// The bytes of one stored chunk: a file is kept as many values of this size, never one huge one.
pub const CHUNK_BYTES: usize = 256 << 10;

/// The longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A record a file may be kept on, with the facts the policy needs of it.
#[derive(Debug, Clone)]
pub enum Owner<'a> {
    /// A meeting.
    Meeting(&'a pb::Meeting),
    /// An appeal, with the executors the server bound to it.
    Appeal(&'a pb::Appeal, Vec<u64>),
    /// A reception card, with the executors the server bound to it.
    Card(&'a pb::ReceptionCard, Vec<u64>),
    /// An assignment.
    Assignment(&'a pb::Assignment),
}

impl Owner<'_> {
    /// Whether `actor` sees the record, and so its list of files: exactly as the record itself.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        match self {
            Owner::Meeting(m) => m.visible_to(actor),
            Owner::Appeal(a, _) => a.visible_to(actor),
            Owner::Card(c, _) => c.visible_to(actor),
            Owner::Assignment(a) => a.visible_to(actor),
        }
    }

    /// Whether the record holds a citizen's personal data, and so its files do too.
    pub fn is_personal(&self) -> bool {
        matches!(self, Owner::Appeal(..) | Owner::Card(..))
    }

    /// Whether the record's citizen was depersonalised: nothing more is kept on it.
    pub fn depersonalised(&self) -> bool {
        match self {
            Owner::Appeal(a, _) => a.depersonalised,
            Owner::Card(c, _) => c.depersonalised,
            _ => false,
        }
    }
}

/// Whether `actor` may keep a file on the record: those who work on it — a meeting's leader and
/// secretary, who keep its protocol; those who process appeals; those who fill reception cards;
/// an assignment's executors (their report), and those who issue or control it.
pub fn may_attach(actor: &Actor, owner: &Owner<'_>) -> Result<(), Denied> {
    let any = |checks: &[(Action, Resource)]| -> Result<(), Denied> {
        let mut last = Ok(());
        for (action, res) in checks {
            last = authorize(actor, *action, res);
            if last.is_ok() {
                return last;
            }
        }
        last
    };
    match owner {
        Owner::Meeting(m) => any(&[(Action::PrepareMeeting, Resource::group(m.group_id))]),
        Owner::Appeal(a, _) => any(&[(Action::ProcessAppeals, Resource::group(a.group_id))]),
        Owner::Card(c, _) => any(&[
            (Action::FillReceptionCard, Resource::group(c.group_id)),
            (Action::ProcessAppeals, Resource::group(c.group_id)),
        ]),
        Owner::Assignment(a) => any(&[
            (Action::ExecuteAssignment, Resource::of_assignment(a)),
            (Action::ControlAssignment, Resource::of_assignment(a)),
            (Action::IssueAssignment, Resource::group(a.group_id)),
        ]),
    }
}

/// Whether `actor`, who sees the record, may fetch its files' bytes: a citizen's letter or the
/// answer to it is the citizen's personal data, fetched only by those who read it on the record.
pub fn may_fetch(actor: &Actor, owner: &Owner<'_>) -> Result<(), Denied> {
    match owner {
        Owner::Appeal(a, bound) => authorize(
            actor,
            Action::ReadPersonalData,
            &personal_data_resource(a.group_id, bound.clone()),
        ),
        Owner::Card(c, bound) => authorize(
            actor,
            Action::ReadPersonalData,
            &personal_data_resource(c.group_id, bound.clone()),
        ),
        Owner::Meeting(_) | Owner::Assignment(_) => Ok(()),
    }
}

/// Checks a file's name: a plain name (no folders), not empty, not too long, no control
/// characters. Returns it trimmed.
pub fn file_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    let bad = |ru: &str, en: &str| Err(FieldError::new("file_name", ru, en));
    if name.is_empty() || name == "." || name == ".." {
        return bad("укажите имя файла", "give the file's name");
    }
    if name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return bad(
            "имя файла без папок и управляющих символов",
            "a file name has no folders and no control characters",
        );
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return bad(
            &format!("имя файла длиннее {MAX_NAME_CHARS} символов"),
            &format!("the file name is longer than {MAX_NAME_CHARS} characters"),
        );
    }
    Ok(name.to_string())
}

/// The refusal of a file over `limit` bytes, naming the field that carries the bytes.
pub fn too_large(limit: u64) -> FieldError {
    FieldError::new(
        "data",
        format!("файл больше допустимых {}", size_ru(limit)),
        format!("the file is over the limit of {}", size_en(limit)),
    )
}

/// The media type of a file: told from its first bytes when they are a known format, else from
/// its name's extension, else `application/octet-stream`.
pub fn media_type(name: &str, head: &[u8]) -> &'static str {
    const MAGIC: [(&[u8], &str); 8] = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"II*\0", "image/tiff"),
        (b"MM\0*", "image/tiff"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),
    ];
    if let Some((_, t)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return t;
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "webp" => "image/webp",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "rtf" => "application/rtf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "zip" => "application/zip",
        _ if head.starts_with(b"PK\x03\x04") => "application/zip",
        _ => "application/octet-stream",
    }
}

/// A size as Russian reads it: «512 Б», «1,5 КБ», «25 МБ».
pub fn size_ru(bytes: u64) -> String {
    size(bytes, ["Б", "КБ", "МБ", "ГБ"], ',')
}

/// A size as English reads it: "512 B", "1.5 KB", "25 MB".
pub fn size_en(bytes: u64) -> String {
    size(bytes, ["B", "KB", "MB", "GB"], '.')
}

fn size(bytes: u64, units: [&str; 4], point: char) -> String {
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let text = if unit == 0 || value >= 10.0 || value.fract() < 0.05 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}").replace('.', &point.to_string())
    };
    format!("{text} {}", units[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: u64, grants: &[(pb::Role, u64)]) -> Actor {
        Actor {
            user_id: id,
            grants: grants
                .iter()
                .map(|(r, g)| pb::RoleGrant {
                    role: *r as i32,
                    group_id: *g,
                })
                .collect(),
        }
    }

    #[test]
    fn a_meeting_takes_files_from_its_leader_and_secretary_only() {
        let m = pb::Meeting {
            group_id: 1,
            ..Default::default()
        };
        let owner = Owner::Meeting(&m);
        assert!(may_attach(&actor(1, &[(pb::Role::GroupSecretary, 1)]), &owner).is_ok());
        assert!(may_attach(&actor(2, &[(pb::Role::GroupLeader, 1)]), &owner).is_ok());
        assert!(may_attach(&actor(3, &[(pb::Role::GroupMember, 1)]), &owner).is_err());
        assert!(may_attach(&actor(4, &[(pb::Role::GroupSecretary, 2)]), &owner).is_err());
    }

    #[test]
    fn an_executor_attaches_a_report_and_a_stranger_does_not() {
        let a = pb::Assignment {
            group_id: 1,
            executor_id: 20,
            issuer_id: 10,
            ..Default::default()
        };
        let owner = Owner::Assignment(&a);
        assert!(may_attach(&actor(20, &[(pb::Role::Executor, 0)]), &owner).is_ok());
        assert!(may_attach(&actor(10, &[]), &owner).is_ok(), "the issuer");
        assert!(may_attach(&actor(30, &[(pb::Role::Executor, 0)]), &owner).is_err());
    }

    #[test]
    fn a_letter_is_fetched_only_by_those_who_read_the_citizen() {
        let a = pb::Appeal {
            group_id: 1,
            ..Default::default()
        };
        let owner = Owner::Appeal(&a, vec![]);
        let member = actor(1, &[(pb::Role::GroupMember, 1)]);
        assert!(owner.visible_to(&member), "a member sees the appeal");
        assert!(may_fetch(&member, &owner).is_err(), "but not the letter");
        assert!(may_fetch(&actor(2, &[(pb::Role::GroupSecretary, 1)]), &owner).is_ok());
        assert!(may_fetch(&actor(3, &[(pb::Role::GeneralDepartment, 0)]), &owner).is_ok());
    }

    #[test]
    fn names_are_plain_and_bounded() {
        assert_eq!(file_name("  скан.pdf ").as_deref(), Ok("скан.pdf"));
        for bad in ["", "..", "a/b.pdf", "a\\b", "a\nb"] {
            assert!(file_name(bad).is_err(), "{bad:?}");
        }
        assert!(file_name(&"я".repeat(MAX_NAME_CHARS + 1)).is_err());
    }

    #[test]
    fn the_type_comes_from_the_bytes_before_the_name() {
        assert_eq!(media_type("scan.jpg", b"%PDF-1.7"), "application/pdf");
        assert_eq!(media_type("photo.JPG", b"\0\0"), "image/jpeg");
        assert_eq!(
            media_type("report.docx", b"PK\x03\x04"),
            media_type("x.docx", b"")
        );
        assert_eq!(media_type("archive", b"PK\x03\x04"), "application/zip");
        assert_eq!(media_type("noname", b"\0"), "application/octet-stream");
    }

    #[test]
    fn sizes_read_in_both_languages() {
        assert_eq!(size_en(512), "512 B");
        assert_eq!(size_ru(1536), "1,5 КБ");
        assert_eq!(size_en(25 << 20), "25 MB");
        assert_eq!(
            too_large(25 << 20).en,
            "the file is over the limit of 25 MB"
        );
    }
}
