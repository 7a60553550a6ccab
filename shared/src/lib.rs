//! Infogroups shared crate: the API contract generated from `proto/`, and the domain rules that both
//! the server and the client need (validation, the names of enums in Russian and English).

pub mod appeal;
pub mod assignment;
pub mod attachment;
pub mod basis;
pub mod calendar;
pub mod city_time;
pub mod classifier;
pub mod codec;
pub mod date_input;
pub mod dating;
pub mod discipline;
pub mod meeting;
pub mod names;
pub mod periods;
pub mod personal_data;
pub mod policy;
pub mod quarters;
pub mod register;
pub mod scrub;
pub mod ssh_keys;
pub mod validate;

/// The generated API, package `infogroups.v1`.
pub mod pb {
    #![allow(missing_docs, clippy::all, clippy::pedantic)]
    tonic::include_proto!("infogroups.v1");

    /// The encoded file descriptor set of the whole API, for gRPC reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/infogroups_descriptor.bin"));
}
