//! The gRPC codec of the API: prost's encoding, but a message whose bytes do not decode (invalid
//! UTF-8 in a string, a truncated field, a wrong wire type) is refused as `InvalidArgument`
//! naming the field, like any other bad input. tonic-prost answers `Internal` for it, which
//! would break the API's promise that `Internal` never answers a client's mistake.

use std::marker::PhantomData;

use prost::Message;
use tonic::Status;
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder};
use tonic_prost::ProstEncoder;

use crate::validate::FieldError;

/// The codec every generated client and server of the API uses.
#[derive(Debug, Clone)]
pub struct ApiCodec<T, U> {
    _pd: PhantomData<(T, U)>,
}

impl<T, U> Default for ApiCodec<T, U> {
    fn default() -> Self {
        Self { _pd: PhantomData }
    }
}

impl<T, U> Codec for ApiCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = ApiDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::default()
    }

    fn decoder(&mut self) -> Self::Decoder {
        ApiDecoder { _pd: PhantomData }
    }
}

/// Decodes `U`, turning a decoding failure into a field error.
#[derive(Debug, Clone)]
pub struct ApiDecoder<U> {
    _pd: PhantomData<U>,
}

impl<U: Message + Default> Decoder for ApiDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        U::decode(buf)
            .map(Some)
            .map_err(|e| undecodable(&e.to_string()).to_status())
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::default()
    }
}

/// The field error for a prost decoding failure. prost describes it as
/// `failed to decode Protobuf message: Inner.name: Outer.field: what went wrong`, innermost step
/// first; the `Message.field` steps, reversed, give the field's path in the request.
pub fn undecodable(prost_message: &str) -> FieldError {
    let rest = prost_message
        .strip_prefix("failed to decode Protobuf message: ")
        .unwrap_or(prost_message);
    let mut path = Vec::new();
    let mut what = rest;
    while let Some((step, tail)) = what.split_once(": ") {
        match step.split_once('.') {
            Some((message, field))
                if !message.is_empty()
                    && !field.is_empty()
                    && !step.contains(char::is_whitespace) =>
            {
                path.push(field);
                what = tail;
            }
            _ => break,
        }
    }
    path.reverse();
    let field = if path.is_empty() {
        "request".to_string()
    } else {
        path.join(".")
    };
    FieldError::new(
        field,
        format!("запрос не удаётся разобрать: {what}"),
        format!("the request cannot be decoded: {what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_path_comes_from_prosts_stack() {
        let e = undecodable(
            "failed to decode Protobuf message: Territory.name: SaveTerritoryRequest.territory: invalid string value: data is not UTF-8 encoded",
        );
        assert_eq!(e.field, "territory.name");
        assert!(e.en.ends_with("invalid string value: data is not UTF-8 encoded"));
        let e = undecodable("failed to decode Protobuf message: buffer underflow");
        assert_eq!(e.field, "request");
    }

    #[test]
    fn invalid_utf8_is_a_field_error_not_internal() {
        // Field 1 of SaveTerritoryRequest (request_id, a string) holding 0xFF.
        let bytes = [0x0a, 0x01, 0xff];
        let err = crate::pb::SaveTerritoryRequest::decode(&bytes[..]).expect_err("not UTF-8");
        let status = undecodable(&err.to_string()).to_status();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        let field = FieldError::from_status(&status).expect("a field error");
        assert_eq!(field.field, "request_id");
    }
}
