//! Stand-ins for the `request` and `query` modules while those branches are being written.
//!
//! Placement is coded against their published interfaces (`validate_run_task`,
//! `PlacementRequest`, `Expression::parse(..).compile(..).matches(..)`). Until they are merged,
//! these modules provide the same names and shapes with a deliberately small implementation:
//! the ECS rules placement itself relies on, nothing more. When the real modules land,
//! [`super::inputs`] switches its two `use` lines and this folder is deleted.

pub mod query;
pub mod request;
