//! The engine: RunTask computed with the outcome of the reference pipeline
//! ([`super::pipeline`]), but with the work done once per call (or once per request, kept by a
//! [`Placer`]) instead of once per task and instance.
//!
//! The engine depends on the definition (feasibility, strategies, capacity, response,
//! changes) and nothing in the definition depends on it; [`run_task`](fn@super::run_task)
//! chooses between them. Each file owns one technique and says at its top what it keeps exact:
//!
//! | file | technique |
//! |---|---|
//! | [`prepared`] | a request validated and compiled once; `memberOf` folded to a bitset |
//! | `call` | one call: the techniques wired in order, as the pipeline wires the stages |
//! | `overlay` | the caller's snapshot shared, plus copies of the instances the call changed |
//! | `spread` | spread counts per bucket counted once, then one added per placement |
//! | `judge` | each instance judged once per call; bitsets and columns for the static checks |
//! | `row`, `routes` | candidates as compact rows per route, followed per placement |
//! | `ranked` | per-bucket ordered sets: `binpack` and `spread`+`binpack` in log time |
//! | `scan` | the pass over rows, monomorphised per common chain |
//! | `leaders`, `candidates` | no rows: per spread bucket the least key and its ties |
//! | `draw_lanes` | the `random` strategy's draws eight at a time (AVX-512) |
//! | `describe` | a placed task described from its request's shared template |
//! | `cached` | a request's rows and spread counts kept between a `Placer`'s calls |
//! | [`placer`] | `Placer`: a snapshot changed in place, each request seen again kept |
//!
//! How the tests hold it to the definition: `tests/placement_incremental.rs` and
//! `tests/placement_properties.rs` compare [`Prepared::run`] (through `run_task`) with
//! `run_task_reference` on generated clusters, requests and seeds, and the `Placer` with both
//! over streams of calls and stops; the unit tests of `scan`, `leaders`, `ranked` and
//! `draw_lanes` compare each specialised path with the plain one it replaces (the generic
//! pass over rows, a pass over every row, the scalar draws).

mod cached;
mod call;
mod candidates;
mod describe;
mod draw_lanes;
mod judge;
mod leaders;
mod overlay;
pub mod placer;
mod placer_calls;
pub mod prepared;
mod ranked;
mod routes;
mod row;
mod scan;
mod spread;
