//! The permission policy lives in `shared` so that the server and the client decide alike; this
//! module only re-exports it for the services.

pub use infogroups_shared::policy::*;
