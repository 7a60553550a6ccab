//! The files kept on records, over the network: listing them, sending one from the machine the
//! client runs on in chunks (the file is read as it goes, never whole into memory), and bringing
//! one back as the server streams it.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use infogroups_shared::attachment::MESSAGE_BYTES;
use infogroups_shared::pb;
use tonic::Request;

use crate::msg::error::RpcError;
use crate::net::connection::{Connection, request};

/// How long an upload or a download may take: a full-size file over a slow line.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(600);

/// Why a file could not be read, in Russian (the system's own text is English).
pub fn io_error_ru(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "файл не найден".into(),
        std::io::ErrorKind::PermissionDenied => "нет прав на чтение".into(),
        std::io::ErrorKind::IsADirectory => "это каталог, а не файл".into(),
        _ => format!("ошибка ввода-вывода ({e})"),
    }
}

fn status(s: tonic::Status) -> RpcError {
    RpcError::from_status(&s)
}

/// The files kept on `record`, oldest first.
pub async fn list(
    conn: &Connection,
    record: pb::RecordRef,
) -> Result<Vec<pb::Attachment>, RpcError> {
    Ok(conn
        .attachments()
        .list_attachments(request(pb::ListAttachmentsRequest {
            record: Some(record),
        }))
        .await
        .map_err(status)?
        .into_inner()
        .attachments)
}

/// A file that cannot be sent, with the path field named so the form shows it there.
fn unreadable(path: &Path, ru: &str, en: &str) -> RpcError {
    let mut e = RpcError::new(
        tonic::Code::InvalidArgument,
        &format!("{}: {ru}", path.display()),
        &format!("{}: {en}", path.display()),
    );
    e.field = Some(Box::new(infogroups_shared::validate::FieldError::new(
        "path",
        format!("{}: {ru}", path.display()),
        format!("{}: {en}", path.display()),
    )));
    e
}

/// Sends the file at `path` to be kept on `record`.
pub async fn attach(
    conn: &Connection,
    record: pb::RecordRef,
    path: &Path,
) -> Result<pb::Attachment, RpcError> {
    let file = std::fs::File::open(path)
        .map_err(|e| unreadable(path, &io_error_ru(&e), &e.to_string()))?;
    let meta = file
        .metadata()
        .map_err(|e| unreadable(path, &io_error_ru(&e), &e.to_string()))?;
    if !meta.is_file() {
        return Err(unreadable(path, "это не файл", "not a file"));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Read on a blocking thread as the connection takes the messages.
    let (tx, rx) = tokio::sync::mpsc::channel::<pb::AttachmentUpload>(2);
    let shown = path.to_path_buf();
    let reader = tokio::task::spawn_blocking(move || -> Result<(), RpcError> {
        let mut file = file;
        let mut first = Some((record, name));
        loop {
            let mut data = vec![0u8; MESSAGE_BYTES];
            let mut filled = 0;
            while filled < data.len() {
                let n = file
                    .read(&mut data[filled..])
                    .map_err(|e| unreadable(&shown, &io_error_ru(&e), &e.to_string()))?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            data.truncate(filled);
            let end = filled == 0;
            let mut m = pb::AttachmentUpload {
                data,
                ..Default::default()
            };
            if let Some((record, name)) = first.take() {
                m.record = Some(record);
                m.file_name = name;
            } else if end {
                return Ok(());
            }
            // The server went away: its answer says why.
            if tx.blocking_send(m).is_err() || end {
                return Ok(());
            }
        }
    });
    let mut req = Request::new(tokio_stream::wrappers::ReceiverStream::new(rx));
    req.set_timeout(TRANSFER_TIMEOUT);
    let answer = conn.attachments().upload(req).await;
    let read = reader
        .await
        .map_err(|e| RpcError::new(tonic::Code::Internal, &e.to_string(), &e.to_string()))?;
    match answer {
        Ok(kept) => {
            read?;
            Ok(kept.into_inner())
        }
        Err(s) => {
            read?;
            let mut e = status(s);
            // The limit names the bytes the form took from the path field.
            if let Some(f) = e.field.as_mut().filter(|f| f.field == "data") {
                f.field = "path".into();
            }
            Err(e)
        }
    }
}

/// Brings back the bytes of one file as the server streams them.
pub async fn download(
    conn: &Connection,
    which: pb::DownloadAttachmentRequest,
) -> Result<Vec<u8>, RpcError> {
    let mut req = Request::new(which);
    req.set_timeout(TRANSFER_TIMEOUT);
    let mut stream = conn
        .attachments()
        .download(req)
        .await
        .map_err(status)?
        .into_inner();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.message().await.map_err(status)? {
        bytes.extend_from_slice(&chunk.data);
    }
    Ok(bytes)
}

/// Sends the appeal register at `path` to be previewed or, with `commit`, registered.
pub async fn import_appeals(
    conn: &Connection,
    path: &Path,
    commit: bool,
) -> Result<pb::ImportRegisterResponse, RpcError> {
    let owned = path.to_path_buf();
    let content = tokio::task::spawn_blocking(move || std::fs::read(owned))
        .await
        .map_err(|e| RpcError::new(tonic::Code::Internal, &e.to_string(), &e.to_string()))?
        .map_err(|e| unreadable(path, &io_error_ru(&e), &e.to_string()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    conn.appeals()
        .import_appeals(crate::net::connection::request(pb::ImportRegisterRequest {
            file_name,
            content,
            commit,
        }))
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| RpcError::from_status(&s))
}
