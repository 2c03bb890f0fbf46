//! Offline, exact and deterministic Amazon ECS task placement.
#![doc = "(crate documentation is completed in the README pass)"]

pub mod aws;
pub mod error;
pub mod model;
pub mod query;
pub mod request;

pub use error::{EcsError, ExceptionName};
