//! Placement strategies of a call: how many, which types, which fields (spec §3, DECISIONS 19,
//! 27, 28).
//!
//! * at most 5 strategies;
//! * `binpack` on `cpu` or `memory`, in any letter case (AWS echoed `MEMORY` back);
//! * `spread` on `instanceId`, `host` (the same thing) or `attribute:NAME`, spelled exactly so,
//!   NAME following the attribute-name rule of spec §9.1;
//! * `random` ignores its field, whatever it holds;
//! * a field is at most 255 characters;
//! * no strategies for tasks on Fargate;
//! * no strategy given (and tasks on instances): `random`.

use crate::aws::{PlacementStrategy, PlacementStrategyType};
use crate::error::EcsError;

use super::limits::preview;

/// Most strategies per task.
pub const MAX_STRATEGIES: usize = 5;
/// Longest strategy field.
pub const MAX_FIELD_CHARS: usize = 255;
/// Longest attribute name.
pub const MAX_ATTRIBUTE_NAME_CHARS: usize = 128;

/// A checked placement strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// Any candidate, uniformly at random.
    Random,
    /// The candidate with the least of a resource left.
    Binpack(BinpackField),
    /// The candidate whose field value holds the fewest tasks of the group.
    Spread(SpreadField),
}

/// What `binpack` packs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinpackField {
    /// Remaining CPU units.
    Cpu,
    /// Remaining memory.
    Memory,
}

/// What `spread` spreads over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpreadField {
    /// Each instance on its own (`instanceId` or `host`).
    InstanceId,
    /// The value of an attribute, e.g. `ecs.availability-zone`.
    Attribute(String),
}

/// Checks the call's `placementStrategy`: the count, then each one in order.
pub fn check_strategies(
    strategies: Option<&[PlacementStrategy]>,
) -> Result<Vec<Strategy>, EcsError> {
    let strategies = strategies.unwrap_or_default();
    if strategies.len() > MAX_STRATEGIES {
        return Err(EcsError::invalid_parameter(format!(
            "placementStrategy: at most {MAX_STRATEGIES} strategies per task, got {}",
            strategies.len()
        )));
    }
    strategies
        .iter()
        .enumerate()
        .map(|(index, strategy)| check_strategy(index, strategy))
        .collect()
}

fn check_strategy(index: usize, strategy: &PlacementStrategy) -> Result<Strategy, EcsError> {
    let field_name = format!("placementStrategy[{index}].field");
    let field = strategy.field.as_deref();
    if let Some(field) = field {
        let chars = field.chars().count();
        if chars > MAX_FIELD_CHARS {
            return Err(EcsError::invalid_parameter(format!(
                "{field_name} must be at most {MAX_FIELD_CHARS} characters, got {chars}: {:?}",
                preview(field)
            )));
        }
    }
    match &strategy.kind {
        Some(PlacementStrategyType::Random) => Ok(Strategy::Random),
        Some(PlacementStrategyType::Binpack) => {
            binpack_field(&field_name, field).map(Strategy::Binpack)
        }
        Some(PlacementStrategyType::Spread) => {
            spread_field(&field_name, field).map(Strategy::Spread)
        }
        Some(PlacementStrategyType::Unknown(other)) => Err(EcsError::invalid_parameter(format!(
            "placementStrategy[{index}].type {other:?} is not one of random, spread, binpack"
        ))),
        None => Err(EcsError::invalid_parameter(format!(
            "placementStrategy[{index}].type is required (random, spread or binpack)"
        ))),
    }
}

fn binpack_field(field_name: &str, field: Option<&str>) -> Result<BinpackField, EcsError> {
    match field {
        Some(f) if f.eq_ignore_ascii_case("cpu") => Ok(BinpackField::Cpu),
        Some(f) if f.eq_ignore_ascii_case("memory") => Ok(BinpackField::Memory),
        Some(f) => Err(EcsError::invalid_parameter(format!(
            "{field_name} {:?} is not valid for binpack; use cpu or memory",
            preview(f)
        ))),
        None => Err(EcsError::invalid_parameter(format!(
            "{field_name} is required for binpack (cpu or memory)"
        ))),
    }
}

fn spread_field(field_name: &str, field: Option<&str>) -> Result<SpreadField, EcsError> {
    let Some(field) = field else {
        return Err(EcsError::invalid_parameter(format!(
            "{field_name} is required for spread (instanceId, host or attribute:NAME)"
        )));
    };
    if field == "instanceId" || field == "host" {
        return Ok(SpreadField::InstanceId);
    }
    let Some(name) = field.strip_prefix("attribute:") else {
        return Err(EcsError::invalid_parameter(format!(
            "{field_name} {:?} is not valid for spread; use instanceId, host or attribute:NAME",
            preview(field)
        )));
    };
    if !is_attribute_name(name) {
        return Err(EcsError::invalid_parameter(format!(
            "{field_name} {:?}: the attribute name must be 1 to {MAX_ATTRIBUTE_NAME_CHARS} letters, digits, '-', '_', '/', '\\' or '.'",
            preview(field)
        )));
    }
    Ok(SpreadField::Attribute(name.to_owned()))
}

/// An attribute name per spec §9.1, by the same rule the snapshot applies to instances.
pub fn is_attribute_name(name: &str) -> bool {
    crate::model::check_attribute_name(name).is_ok()
}

/// Tasks on Fargate take no strategies (DECISIONS 19, with the wording of the observed
/// constraints message).
pub fn check_not_fargate(strategies: &[Strategy], fargate: bool) -> Result<(), EcsError> {
    if fargate && !strategies.is_empty() {
        return Err(EcsError::invalid_parameter(
            "Placement strategies are not supported with FARGATE launch type.",
        ));
    }
    Ok(())
}

/// The strategies placement runs: the call's, or `random` when it gave none (DECISIONS 28).
/// Fargate tasks take no instance, so they get none.
pub fn with_default(strategies: Vec<Strategy>, fargate: bool) -> Vec<Strategy> {
    if strategies.is_empty() && !fargate {
        vec![Strategy::Random]
    } else {
        strategies
    }
}
