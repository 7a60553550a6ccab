//! The gRPC framing of requests, checked before tonic reads them. Every request of the API is one
//! message in one frame (a compression flag, a four-byte length, the bytes). tonic answers a
//! broken frame — a flag that is neither 0 nor 1, a compressed message without `grpc-encoding`,
//! a body that ends inside a frame, no message at all — with `Internal`, which would say the
//! server failed when the client sent garbage. Here such a request is answered `InvalidArgument`
//! (naming `grpc-frame`) and never reaches a service; a declared length over the limit is refused
//! with tonic's own `OutOfRange` before the bytes are read. Reflection (a bidirectional stream)
//! passes untouched, and so do the uploads of files, streams of many messages.

use std::task::{Context, Poll};

use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use infogroups_shared::validate::FieldError;
use tonic::Status;
use tonic::body::Body;
use tonic::codegen::Bytes;
use tonic::codegen::http::{Request, Response};
use tower::{Layer, Service};

/// The field the refusals name.
const FIELD: &str = "grpc-frame";
/// The services whose requests are checked (ours; health's are single messages too).
const CHECKED: [&str; 2] = ["/infogroups.v1.", "/grpc.health.v1."];
/// The calls whose requests are streams of many messages: tonic reads them message by message,
/// each under the decoding limit, and the service bounds the whole.
const STREAMED: [&str; 1] = ["/infogroups.v1.AttachmentService/Upload"];

/// What is wrong with a request body's frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// No message at all.
    Empty,
    /// The first byte of a frame is not a compression flag.
    BadFlag(u8),
    /// The message is marked compressed, but the request names no compression.
    Compressed,
    /// The body ends inside a frame.
    Truncated {
        /// The length the header declared (0 when the header itself is cut).
        declared: usize,
        /// The bytes that came.
        got: usize,
    },
    /// More than the one message a request carries.
    Extra,
    /// A message longer than the limit.
    TooLarge {
        /// The length the header declared.
        declared: usize,
        /// The limit.
        limit: usize,
    },
}

impl FrameError {
    /// The answer to the client.
    pub fn status(&self) -> Status {
        let (ru, en) = match self {
            FrameError::Empty => (
                "в запросе нет сообщения".to_string(),
                "the request carries no message".to_string(),
            ),
            FrameError::BadFlag(b) => (
                format!("неверный признак сжатия в кадре gRPC: {b}"),
                format!("bad compression flag in the gRPC frame: {b}"),
            ),
            FrameError::Compressed => (
                "сообщение помечено сжатым, но grpc-encoding не указан".to_string(),
                "the message is marked compressed but no grpc-encoding is given".to_string(),
            ),
            FrameError::Truncated { declared, got } => (
                format!("кадр gRPC оборван: заявлено {declared} байт, получено {got}"),
                format!("truncated gRPC frame: {declared} bytes declared, {got} received"),
            ),
            FrameError::Extra => (
                "в запросе больше одного сообщения".to_string(),
                "the request carries more than one message".to_string(),
            ),
            FrameError::TooLarge { declared, limit } => {
                return Status::out_of_range(format!(
                    "request message of {declared} bytes is over the limit of {limit}"
                ));
            }
        };
        FieldError::new(FIELD, ru, en).to_status()
    }
}

/// Checks a body read so far: `Ok(true)` when it holds exactly one whole frame, `Ok(false)` when
/// more may come, an error as soon as the bytes cannot be a valid request. `done` says the body
/// has ended; `compression` whether the request names a `grpc-encoding`.
pub fn check(buf: &[u8], done: bool, compression: bool, limit: usize) -> Result<bool, FrameError> {
    let Some(&flag) = buf.first() else {
        return if done {
            Err(FrameError::Empty)
        } else {
            Ok(false)
        };
    };
    match flag {
        0 => {}
        1 if compression => {}
        1 => return Err(FrameError::Compressed),
        other => return Err(FrameError::BadFlag(other)),
    }
    let Some(header) = buf.get(1..5) else {
        return if done {
            Err(FrameError::Truncated {
                declared: 0,
                got: buf.len() - 1,
            })
        } else {
            Ok(false)
        };
    };
    let declared = header
        .iter()
        .fold(0usize, |n, b| (n << 8) | usize::from(*b));
    if declared > limit {
        return Err(FrameError::TooLarge { declared, limit });
    }
    let got = buf.len() - 5;
    if got > declared {
        return Err(FrameError::Extra);
    }
    if got < declared {
        return if done {
            Err(FrameError::Truncated { declared, got })
        } else {
            Ok(false)
        };
    }
    Ok(done)
}

/// Adds the check to a server.
#[derive(Debug, Clone, Copy)]
pub struct FramingLayer {
    limit: usize,
}

impl FramingLayer {
    /// Checks requests, refusing messages over `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self { limit }
    }
}

impl<S> Layer<S> for FramingLayer {
    type Service = Framing<S>;

    fn layer(&self, inner: S) -> Framing<S> {
        Framing {
            inner,
            limit: self.limit,
        }
    }
}

/// The service the layer makes.
#[derive(Debug, Clone)]
pub struct Framing<S> {
    inner: S,
    limit: usize,
}

impl<S> Service<Request<Body>> for Framing<S>
where
    S: Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response<Body>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        // The clone is the one `poll_ready` readied; the one kept is readied next time.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let limit = self.limit;
        let path = req.uri().path();
        if !CHECKED.iter().any(|p| path.starts_with(p)) || STREAMED.contains(&path) {
            return Box::pin(inner.call(req));
        }
        Box::pin(async move {
            let compression = req
                .headers()
                .get("grpc-encoding")
                .is_some_and(|v| v.as_bytes() != b"identity");
            let (parts, mut body) = req.into_parts();
            let mut buf = Vec::new();
            loop {
                let frame = match body.frame().await {
                    None => None,
                    Some(Ok(frame)) => Some(frame),
                    // The client went away or broke the stream; there is nobody to answer.
                    Some(Err(_)) => {
                        return Ok(Status::cancelled("the request body broke").into_http());
                    }
                };
                let done = frame.is_none();
                if let Some(data) = frame.and_then(|f| f.into_data().ok()) {
                    buf.extend_from_slice(&data);
                }
                match check(&buf, done, compression, limit) {
                    Ok(true) => break,
                    Ok(false) if done => break,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::debug!(path = %parts.uri.path(), error = ?e, "malformed request frame");
                        return Ok(e.status().into_http());
                    }
                }
            }
            let body = Body::new(Full::new(Bytes::from(buf)));
            inner.call(Request::from_parts(parts, body)).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(flag: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![flag];
        f.extend_from_slice(&u32::try_from(payload.len()).unwrap_or(0).to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn one_whole_frame_is_a_request() {
        let f = frame(0, b"abc");
        assert_eq!(check(&f, true, false, 100), Ok(true));
        assert_eq!(
            check(&frame(0, b""), true, false, 100),
            Ok(true),
            "an empty message is one"
        );
        // Arriving in pieces: wait, then whole.
        assert_eq!(check(&f[..3], false, false, 100), Ok(false));
        assert_eq!(check(&f[..6], false, false, 100), Ok(false));
        assert_eq!(
            check(&f, false, false, 100),
            Ok(false),
            "the end is yet to come"
        );
        // Compressed with an encoding named is tonic's to judge.
        assert_eq!(check(&frame(1, b"x"), true, true, 100), Ok(true));
    }

    #[test]
    fn broken_frames_are_named() {
        assert_eq!(check(&[], true, false, 100), Err(FrameError::Empty));
        assert_eq!(
            check(&frame(7, b"x"), true, false, 100),
            Err(FrameError::BadFlag(7))
        );
        assert_eq!(
            check(&frame(1, b"x"), true, false, 100),
            Err(FrameError::Compressed)
        );
        let f = frame(0, b"abcdef");
        assert_eq!(
            check(&f[..8], true, false, 100),
            Err(FrameError::Truncated {
                declared: 6,
                got: 3
            })
        );
        assert_eq!(
            check(&f[..3], true, false, 100),
            Err(FrameError::Truncated {
                declared: 0,
                got: 2
            })
        );
        let mut two = frame(0, b"a");
        two.extend(frame(0, b"b"));
        assert_eq!(check(&two, true, false, 100), Err(FrameError::Extra));
        // Refused from the header alone, before the bytes are read.
        assert_eq!(
            check(&f[..5], false, false, 4),
            Err(FrameError::TooLarge {
                declared: 6,
                limit: 4
            })
        );
    }

    #[test]
    fn refusals_are_invalid_argument_naming_the_frame_except_the_size() {
        let s = FrameError::BadFlag(9).status();
        assert_eq!(s.code(), tonic::Code::InvalidArgument);
        assert!(s.message().contains("9"));
        let s = FrameError::TooLarge {
            declared: 10,
            limit: 5,
        }
        .status();
        assert_eq!(s.code(), tonic::Code::OutOfRange);
    }
}
