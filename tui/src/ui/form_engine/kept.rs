//! Writing a form's protobuf data into a draft: the message's own encoding, as bytes, so a draft
//! holds exactly what the form held without every message type needing serde. Used through
//! `#[serde(with = "…")]` on a form's fields.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A boxed message, as its encoding.
pub mod boxed {
    use super::*;

    /// Writes `m` as its encoding.
    pub fn serialize<M: prost::Message, S: Serializer>(m: &M, s: S) -> Result<S::Ok, S::Error> {
        m.encode_to_vec().serialize(s)
    }

    /// Reads a message from its encoding.
    pub fn deserialize<'de, M: prost::Message + Default, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Box<M>, D::Error> {
        let bytes = Vec::<u8>::deserialize(d)?;
        M::decode(bytes.as_slice())
            .map(Box::new)
            .map_err(serde::de::Error::custom)
    }
}

/// A list of messages, each as its encoding.
pub mod list {
    use super::*;

    /// Writes each of `ms` as its encoding.
    pub fn serialize<M: prost::Message, S: Serializer>(ms: &[M], s: S) -> Result<S::Ok, S::Error> {
        ms.iter()
            .map(prost::Message::encode_to_vec)
            .collect::<Vec<_>>()
            .serialize(s)
    }

    /// Reads each message from its encoding.
    pub fn deserialize<'de, M: prost::Message + Default, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<M>, D::Error> {
        Vec::<Vec<u8>>::deserialize(d)?
            .iter()
            .map(|b| M::decode(b.as_slice()).map_err(serde::de::Error::custom))
            .collect()
    }
}
