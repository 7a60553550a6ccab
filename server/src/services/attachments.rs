//! `AttachmentService`: files kept on meetings, appeals, reception cards and assignments. Who may
//! list a record's files is who may see the record (NotFound otherwise, as for the record); who
//! may keep one and who may fetch the bytes is [`infogroups_shared::attachment`]'s. A fetch is
//! audited as a view: a citizen's file as a view of personal data, any other as a download.

use std::pin::Pin;

use futures::{Stream, StreamExt};
use infogroups_shared::attachment::{self as rules, MESSAGE_BYTES, Owner};
use infogroups_shared::pb;
use infogroups_shared::validate::{self, FieldError};
use tonic::{Request, Response, Status, Streaming};

use super::Ctx;
use super::appeals::card_executors;
use crate::attachments::{self as files, NewFile, kind_of};
use crate::auth::{Caller, caller};
use crate::downloads::endpoint::DOWNLOAD_ACTION;
use crate::entity::{Entity, Kind};
use crate::error::{ApiError, ApiResult};
use crate::policy::VIEW_PERSONAL_DATA;

/// The service.
pub struct AttachmentSvc {
    ctx: Ctx,
}

impl AttachmentSvc {
    /// A service over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

/// A record files are kept on, with the facts the policy needs.
enum Record {
    Meeting(pb::Meeting),
    Appeal(pb::Appeal, Vec<u64>),
    Card(pb::ReceptionCard, Vec<u64>),
    Assignment(pb::Assignment),
}

impl Record {
    fn owner(&self) -> Owner<'_> {
        match self {
            Record::Meeting(m) => Owner::Meeting(m),
            Record::Appeal(a, bound) => Owner::Appeal(a, bound.clone()),
            Record::Card(c, bound) => Owner::Card(c, bound.clone()),
            Record::Assignment(a) => Owner::Assignment(a),
        }
    }

    fn meta(&self) -> pb::Meta {
        match self {
            Record::Meeting(m) => m.meta(),
            Record::Appeal(a, _) => a.meta(),
            Record::Card(c, _) => c.meta(),
            Record::Assignment(a) => a.meta(),
        }
    }
}

/// The record `r` names, checked: its kind and id, or an InvalidArgument naming `record`.
fn named(r: Option<&pb::RecordRef>) -> ApiResult<(Kind, u64)> {
    let r = r.ok_or_else(|| FieldError::new("record", "укажите запись", "name the record"))?;
    let kind = pb::RecordKind::try_from(r.kind)
        .ok()
        .and_then(kind_of)
        .ok_or_else(|| {
            FieldError::new(
                "record.kind",
                "файлы хранятся у встреч, обращений, карточек приёма и поручений",
                "files are kept on meetings, appeals, reception cards and assignments",
            )
        })?;
    validate::id("record.id", r.id)?;
    Ok((kind, r.id))
}

/// The record, or NotFound when it does not exist or the caller may not see it (alike).
fn visible(ctx: &Ctx, c: &Caller, kind: Kind, id: u64) -> ApiResult<Record> {
    let db = &ctx.db;
    let missing = ApiError::NotFound {
        kind: kind.name(),
        id,
    };
    let record = match kind {
        Kind::Meeting => db.get::<pb::Meeting>(id)?.map(Record::Meeting),
        Kind::Assignment => db.get::<pb::Assignment>(id)?.map(Record::Assignment),
        Kind::ReceptionCard => match db.get::<pb::ReceptionCard>(id)? {
            Some(card) => {
                let bound = card_executors(db, &card)?;
                Some(Record::Card(card, bound))
            }
            None => None,
        },
        Kind::Appeal => match db.get::<pb::Appeal>(id)? {
            Some(a) => {
                let card = match a.reception_card_id {
                    0 => None,
                    card => db.get::<pb::ReceptionCard>(card)?,
                };
                let bound = match card {
                    Some(card) => card_executors(db, &card)?,
                    None => Vec::new(),
                };
                Some(Record::Appeal(a, bound))
            }
            None => None,
        },
        _ => None,
    }
    .ok_or(missing)?;
    if !record.owner().visible_to(&c.actor) {
        return Err(ApiError::NotFound {
            kind: kind.name(),
            id,
        });
    }
    Ok(record)
}

/// The file `id` of a record the caller may fetch from, with the fetch audited.
async fn fetched(
    ctx: &Ctx,
    c: &Caller,
    r: Option<&pb::RecordRef>,
    id: u64,
) -> ApiResult<(Kind, u64, pb::Attachment)> {
    let (kind, record_id) = named(r)?;
    let record = visible(ctx, c, kind, record_id)?;
    rules::may_fetch(&c.actor, &record.owner())?;
    validate::id("attachment_id", id)?;
    let file = files::get(&ctx.db, kind, record_id, id)?.ok_or(ApiError::NotFound {
        kind: "attachment",
        id,
    })?;
    let action = if record.owner().is_personal() {
        VIEW_PERSONAL_DATA
    } else {
        DOWNLOAD_ACTION
    };
    let version = record.meta().version;
    ctx.db
        .write(c.actor.user_id, |tx| {
            tx.audit(kind, record_id, action, version);
            Ok(())
        })
        .await?;
    Ok((kind, record_id, file))
}

/// The first message of an upload: it names the record and the file.
async fn first_message(
    stream: &mut Streaming<pb::AttachmentUpload>,
) -> ApiResult<pb::AttachmentUpload> {
    match stream.next().await {
        Some(Ok(m)) => Ok(m),
        Some(Err(status)) => Err(cut_short(&status)),
        None => Err(FieldError::new("record", "файл не передан", "no file was sent").into()),
    }
}

/// The file's bytes: `head` (the first message's) and every later message's, refused as soon as
/// they pass `limit`.
async fn read_rest(
    mut stream: Streaming<pb::AttachmentUpload>,
    head: Vec<u8>,
    limit: u64,
) -> ApiResult<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut take = |data: &[u8]| -> ApiResult<()> {
        if data.len() > MESSAGE_BYTES {
            return Err(FieldError::new(
                "data",
                "слишком большая часть файла в одном сообщении",
                "too many bytes in one message of the upload",
            )
            .into());
        }
        if bytes.len() as u64 + data.len() as u64 > limit {
            return Err(rules::too_large(limit).into());
        }
        bytes.extend_from_slice(data);
        Ok(())
    };
    take(&head)?;
    while let Some(next) = stream.next().await {
        let m = next.map_err(|s| cut_short(&s))?;
        take(&m.data)?;
    }
    Ok(bytes)
}

/// A media type the client gave: short, printable, `type/subtype`.
fn given_media_type(raw: &str) -> ApiResult<Option<String>> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let ok = t.len() <= 100
        && t.chars().all(|c| c.is_ascii_graphic())
        && t.split_once('/')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty());
    if !ok {
        return Err(FieldError::new(
            "media_type",
            "тип файла вида «application/pdf», не длиннее 100 знаков",
            "a media type like \"application/pdf\", at most 100 characters",
        )
        .into());
    }
    Ok(Some(t.to_ascii_lowercase()))
}

/// An upload whose stream broke: nothing was kept.
fn cut_short(status: &Status) -> ApiError {
    tracing::info!(error = %status.message(), "an upload broke off; nothing was kept");
    ApiError::precondition(
        "передача файла прервалась, файл не сохранён",
        "the upload broke off; the file was not kept",
    )
}

type DownloadStream = Pin<Box<dyn Stream<Item = Result<pb::AttachmentChunk, Status>> + Send>>;

#[tonic::async_trait]
impl pb::attachment_service_server::AttachmentService for AttachmentSvc {
    async fn upload(
        &self,
        req: Request<Streaming<pb::AttachmentUpload>>,
    ) -> Result<Response<pb::Attachment>, Status> {
        let c = caller(&req)?;
        let limit = self.ctx.config.attachment_max_bytes;
        let mut stream = req.into_inner();
        let mut first = first_message(&mut stream).await?;
        // Judged on the first message: a refused upload is not read to its end.
        let (kind, record_id) = named(first.record.as_ref())?;
        let file_name = rules::file_name(&first.file_name)?;
        let given = given_media_type(&first.media_type)?;
        let record = visible(&self.ctx, &c, kind, record_id)?;
        rules::may_attach(&c.actor, &record.owner()).map_err(ApiError::from)?;
        if record.owner().depersonalised() {
            return Err(ApiError::precondition(
                "данные заявителя обезличены: файлы к записи больше не добавляются",
                "the citizen was depersonalised: no more files are kept on this record",
            )
            .into());
        }
        let bytes = read_rest(stream, std::mem::take(&mut first.data), limit).await?;
        let media_type = given.unwrap_or_else(|| rules::media_type(&file_name, &bytes).to_string());
        let file = NewFile {
            kind,
            record_id,
            record_version: record.meta().version,
            file_name,
            media_type,
            bytes,
        };
        let kept = self
            .ctx
            .db
            .write(c.actor.user_id, |tx| {
                // The record may have gone between the check and this write.
                if tx
                    .get_raw(&crate::db::keys::entity(kind, record_id))?
                    .is_none()
                {
                    return Err(ApiError::NotFound {
                        kind: kind.name(),
                        id: record_id,
                    });
                }
                Ok(files::stage(tx, &file)?)
            })
            .await?;
        tracing::info!(
            record = kind.name(),
            id = record_id,
            attachment = kept.id,
            size = kept.size,
            "file kept on a record"
        );
        Ok(Response::new(kept))
    }

    async fn list_attachments(
        &self,
        req: Request<pb::ListAttachmentsRequest>,
    ) -> Result<Response<pb::ListAttachmentsResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let (kind, id) = named(req.record.as_ref())?;
        visible(&self.ctx, &c, kind, id)?;
        let attachments = files::list(&self.ctx.db, kind, id).map_err(ApiError::from)?;
        Ok(Response::new(pb::ListAttachmentsResponse { attachments }))
    }

    type DownloadStream = DownloadStream;

    async fn download(
        &self,
        req: Request<pb::DownloadAttachmentRequest>,
    ) -> Result<Response<Self::DownloadStream>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let (_, _, file) = fetched(&self.ctx, &c, req.record.as_ref(), req.attachment_id).await?;
        // An empty file has no chunks; its description still goes out in one message.
        let head = (file.chunks == 0).then(|| {
            Ok(pb::AttachmentChunk {
                attachment: Some(file.clone()),
                data: Vec::new(),
            })
        });
        let db = self.ctx.db.clone();
        // One chunk read at a time, as the client takes them: a large file never sits whole in
        // memory on the way out.
        let chunks = futures::stream::iter(0..file.chunks).map(move |index| {
            let data =
                files::chunk(&db, &file, index).map_err(|e| Status::from(ApiError::from(e)))?;
            Ok(pb::AttachmentChunk {
                attachment: (index == 0).then(|| file.clone()),
                data,
            })
        });
        let stream = futures::stream::iter(head).chain(chunks);
        Ok(Response::new(Box::pin(stream)))
    }

    async fn share_attachment(
        &self,
        req: Request<pb::DownloadAttachmentRequest>,
    ) -> Result<Response<pb::ShareResponse>, Status> {
        let c = caller(&req)?;
        let req = req.into_inner();
        let (kind, record_id, file) =
            fetched(&self.ctx, &c, req.record.as_ref(), req.attachment_id).await?;
        let mut content = Vec::with_capacity(file.size as usize);
        for index in 0..file.chunks {
            content.extend(files::chunk(&self.ctx.db, &file, index).map_err(ApiError::from)?);
        }
        let now = self.ctx.db.clock().now_ms();
        let link = crate::downloads::Link::to_file(
            c.actor.user_id,
            Some((kind, record_id)),
            "attachment".into(),
            file.file_name,
            content,
            now,
        );
        let shared = self
            .ctx
            .downloads
            .share(now, link)
            .map_err(ApiError::from)?;
        Ok(Response::new(shared))
    }
}
