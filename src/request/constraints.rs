//! Placement constraints: the call's and the task definition's, checked and joined.
//!
//! Rules (spec §2, DECISIONS 16, 17, 19, 20):
//! * at most 10 constraints, counted after joining the task definition's with the call's
//!   (duplicates count);
//! * `distinctInstance` takes no expression, not even `""` (observed message, verbatim);
//! * `memberOf` needs a non-empty expression of at most 2000 characters whose syntax is valid;
//! * a task definition may only hold `memberOf`; `distinctInstance` there is a
//!   `ClientException` with the observed message;
//! * no constraints at all for tasks on Fargate (observed message, verbatim).

use crate::aws::{
    PlacementConstraint, PlacementConstraintType, TaskDefinition,
    TaskDefinitionPlacementConstraintType,
};
use crate::error::{EcsError, ExceptionName};
use crate::query::Expression;

/// Most constraints per task, the task definition's included.
pub const MAX_CONSTRAINTS: usize = 10;
/// A checked placement constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    /// Only instances matching a cluster query expression.
    MemberOf {
        /// The expression, as written.
        expression: String,
        /// The expression as validation parsed it, so compiling it does not parse it again.
        parsed: Expression,
        /// Whether the task definition (not the call) holds it.
        from_task_definition: bool,
    },
    /// No two tasks of the group on one instance.
    DistinctInstance,
}

/// Checks the call's `placementConstraints`: the count, then each one in order.
pub fn check_call_constraints(
    constraints: Option<&[PlacementConstraint]>,
) -> Result<Vec<Constraint>, EcsError> {
    let constraints = constraints.unwrap_or_default();
    check_constraint_count(constraints.len())?;
    constraints
        .iter()
        .enumerate()
        .map(|(index, constraint)| check_call_constraint(index, constraint))
        .collect()
}

fn check_call_constraint(
    index: usize,
    constraint: &PlacementConstraint,
) -> Result<Constraint, EcsError> {
    let field = format!("placementConstraints[{index}]");
    match &constraint.kind {
        Some(PlacementConstraintType::DistinctInstance) => match constraint.expression {
            Some(_) => Err(EcsError::invalid_parameter(
                "distinctInstance expression should not be specified.",
            )),
            None => Ok(Constraint::DistinctInstance),
        },
        Some(PlacementConstraintType::MemberOf) => {
            let (expression, parsed) =
                member_of_expression(&field, constraint.expression.as_deref())?;
            Ok(Constraint::MemberOf {
                expression,
                parsed,
                from_task_definition: false,
            })
        }
        Some(PlacementConstraintType::Unknown(other)) => Err(EcsError::invalid_parameter(format!(
            "{field}.type {other:?} is not one of distinctInstance, memberOf"
        ))),
        None => Err(EcsError::invalid_parameter(format!(
            "{field}.type is required (distinctInstance or memberOf)"
        ))),
    }
}

fn member_of_expression(
    field: &str,
    expression: Option<&str>,
) -> Result<(String, Expression), EcsError> {
    let Some(expression) = expression else {
        return Err(EcsError::invalid_parameter(format!(
            "{field}: memberOf requires an expression"
        )));
    };
    let parsed = check_expression_syntax(expression).map_err(|error| EcsError {
        message: format!("{field}.expression: {}", error.message),
        ..error
    })?;
    Ok((expression.to_owned(), parsed))
}

/// Checks a `memberOf` expression: non-empty, then the query language's own checks (at most
/// 2000 characters, nesting, syntax, operators allowed per subject, regex patterns).
fn check_expression_syntax(expression: &str) -> Result<Expression, EcsError> {
    if expression.trim().is_empty() {
        return Err(EcsError::invalid_parameter(
            "a memberOf expression must not be empty",
        ));
    }
    Ok(Expression::parse(expression)?)
}

/// Checks the task definition's constraints, then joins them (first) with the call's and checks
/// the joined count.
///
/// A bad constraint in the definition is a `ClientException`: it is a fault of the registered
/// resource, as ECS reports for `distinctInstance` there.
pub fn join(
    definition: &TaskDefinition,
    call: Vec<Constraint>,
) -> Result<Vec<Constraint>, EcsError> {
    let from_definition = definition
        .placement_constraints
        .as_deref()
        .unwrap_or_default();
    let mut joined = Vec::with_capacity(from_definition.len() + call.len());
    for (index, constraint) in from_definition.iter().enumerate() {
        let field = format!("taskDefinition placementConstraints[{index}]");
        let (expression, parsed) = match &constraint.kind {
            Some(TaskDefinitionPlacementConstraintType::MemberOf) => {
                member_of_expression(&field, constraint.expression.as_deref())
                    .map_err(as_client_exception)?
            }
            Some(TaskDefinitionPlacementConstraintType::Unknown(other))
                if other == "distinctInstance" =>
            {
                return Err(EcsError::client(
                    "constraint.type 'distinctInstance' is not supported.",
                ));
            }
            Some(TaskDefinitionPlacementConstraintType::Unknown(other)) => {
                return Err(EcsError::client(format!(
                    "{field}.type {other:?} is not supported in a task definition; only memberOf is"
                )));
            }
            None => {
                return Err(EcsError::client(format!(
                    "{field}.type is required (memberOf)"
                )));
            }
        };
        joined.push(Constraint::MemberOf {
            expression,
            parsed,
            from_task_definition: true,
        });
    }
    joined.extend(call);
    check_constraint_count(joined.len())?;
    Ok(joined)
}

fn as_client_exception(error: EcsError) -> EcsError {
    EcsError {
        exception: ExceptionName::ClientException,
        ..error
    }
}

fn check_constraint_count(count: usize) -> Result<(), EcsError> {
    if count > MAX_CONSTRAINTS {
        return Err(EcsError::invalid_parameter(format!(
            "placementConstraints: at most {MAX_CONSTRAINTS} constraints per task (the task definition's included), got {count}"
        )));
    }
    Ok(())
}

/// Tasks on Fargate take no constraints (DECISIONS 19; observed message, verbatim).
pub fn check_not_fargate(constraints: &[Constraint], fargate: bool) -> Result<(), EcsError> {
    if fargate && !constraints.is_empty() {
        return Err(EcsError::invalid_parameter(
            "Placement constraints are not supported with FARGATE launch type.",
        ));
    }
    Ok(())
}
