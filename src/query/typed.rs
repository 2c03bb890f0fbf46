//! Typed values: agent versions, `registeredAt` dates, task counts and attribute numbers, each
//! parsed once from the expression's text, with the ordering decision 11 gives each of them.
//!
//! The parser calls [`check_value`] so a bad value is a syntax error at registration time
//! (decision 16); the compiler calls the same functions to get the values it compares with.

use std::cmp::Ordering;

use crate::aws::Timestamp;

use super::ast::{Operator, Subject, Value};
use super::error::{QueryError, QueryErrorKind};
use super::regex::check_regex;

/// A dotted version such as `1.14.5`, compared numerically per component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(Vec<u64>);

impl Version {
    /// Reads `1`, `1.14`, `1.14.5`, ...: digits separated by single dots.
    pub fn parse(text: &str) -> Option<Version> {
        text.split('.')
            .map(|part| {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                part.parse::<u64>().ok()
            })
            .collect::<Option<Vec<u64>>>()
            .map(Version)
    }

    /// Component by component; missing trailing components count as 0 (`1.14 == 1.14.0`).
    pub fn compare(&self, other: &Version) -> Ordering {
        let len = self.0.len().max(other.0.len());
        (0..len)
            .map(|i| {
                let a = self.0.get(i).copied().unwrap_or(0);
                let b = other.0.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

/// Reads a `registeredAt` date in exactly one of the four documented forms (decision 12):
/// `2018-06-18T22:28:28+00:00`, `2018-06-18T22:28:28Z`, `2018-06-18T22:28:28` (UTC) or
/// `2018-06-18` (midnight UTC).
pub fn parse_date(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    let date_ok = matches_shape(bytes.get(..10)?, b"dddd-dd-dd");
    let shape_ok = date_ok
        && match bytes.len() {
            10 => true,
            19 => matches_shape(bytes.get(10..)?, b"Tdd:dd:dd"),
            20 => matches_shape(bytes.get(10..)?, b"Tdd:dd:ddZ"),
            25 => {
                matches_shape(bytes.get(10..19)?, b"Tdd:dd:dd")
                    && matches!(bytes.get(19), Some(b'+' | b'-'))
                    && matches_shape(bytes.get(20..)?, b"dd:dd")
            }
            _ => false,
        };
    if !shape_ok {
        return None;
    }
    Timestamp::parse_iso(text)
}

/// `shape` is a template: `d` is an ASCII digit, any other byte must match itself.
fn matches_shape(bytes: &[u8], shape: &[u8]) -> bool {
    bytes.len() == shape.len()
        && bytes.iter().zip(shape).all(|(b, s)| match s {
            b'd' => b.is_ascii_digit(),
            other => b == other,
        })
}

/// Reads a whole number, such as a `runningTasksCount` argument.
pub fn parse_integer(text: &str) -> Option<i64> {
    text.parse().ok()
}

/// Reads a plain decimal number (`16`, `-2.5`): the values `attribute:` orderings compare
/// numerically. Exponents, `inf` and `NaN` are text, so every number is finite and ordered.
pub fn parse_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let plain = !whole.is_empty()
        && all_digits(whole)
        && all_digits(fraction)
        && !(digits.contains('.') && fraction.is_empty());
    if !plain {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Checks that `value` has the type the subject and operator need; gives the expanded size
/// of a pattern (0 for other values).
pub fn check_value(
    subject: &Subject,
    operator: Operator,
    value: &Value,
) -> Result<u64, QueryError> {
    if matches!(operator, Operator::Matches | Operator::NotMatches) {
        return check_regex(value);
    }
    match subject {
        Subject::AgentVersion => version_value(value).map(|_| 0),
        Subject::RegisteredAt => date_value(value).map(|_| 0),
        Subject::RunningTasksCount => integer_value(value).map(|_| 0),
        // `=~` and `!~` returned above: a pattern may match `true` as it likes.
        Subject::AgentConnected => boolean_value(value).map(|_| 0),
        _ => Ok(0),
    }
}

/// The version an `agentVersion` comparison compares with.
pub fn version_value(value: &Value) -> Result<Version, QueryError> {
    Version::parse(&value.text).ok_or_else(|| {
        QueryError::new(
            QueryErrorKind::InvalidVersion,
            value.span.clone(),
            format!(
                "`agentVersion` compares dotted versions such as 1.14.5; `{}` is not one",
                value.text
            ),
        )
    })
}

/// The instant a `registeredAt` comparison compares with.
pub fn date_value(value: &Value) -> Result<Timestamp, QueryError> {
    parse_date(&value.text).ok_or_else(|| {
        QueryError::new(
            QueryErrorKind::InvalidDate,
            value.span.clone(),
            format!(
                "`registeredAt` takes a date as 2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, \
                 2018-06-18T22:28:28 or 2018-06-18; `{}` is none of these",
                value.text
            ),
        )
    })
}

/// The value an `agentConnected` comparison compares with: `true` or `false`, as the instance
/// reports it. Any other value would match no instance (or every one, with `!=`), so it is
/// refused rather than silently answered.
pub fn boolean_value(value: &Value) -> Result<bool, QueryError> {
    match value.text.as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => {
            let hint = match other.to_ascii_lowercase().as_str() {
                "true" => "; write it in lower case: `true`".to_owned(),
                "false" => "; write it in lower case: `false`".to_owned(),
                _ => String::new(),
            };
            Err(QueryError::new(
                QueryErrorKind::InvalidBoolean,
                value.span.clone(),
                format!("`agentConnected` is `true` or `false`; `{other}` is neither{hint}"),
            ))
        }
    }
}

/// The count a `runningTasksCount` comparison compares with.
pub fn integer_value(value: &Value) -> Result<i64, QueryError> {
    parse_integer(&value.text).ok_or_else(|| {
        QueryError::new(
            QueryErrorKind::InvalidInteger,
            value.span.clone(),
            format!(
                "`runningTasksCount` compares whole numbers; `{}` is not one",
                value.text
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn agent_connected_takes_true_or_false_only() {
        use crate::query::Expression;
        assert!(Expression::parse("agentConnected == true").is_ok());
        assert!(Expression::parse("agentConnected in [true, false]").is_ok());
        assert!(Expression::parse("agentConnected =~ 't.*'").is_ok());
        let maybe = Expression::parse("agentConnected == maybe").unwrap_err();
        assert_eq!(maybe.kind, QueryErrorKind::InvalidBoolean);
        assert_eq!(
            maybe.message,
            "`agentConnected` is `true` or `false`; `maybe` is neither"
        );
        assert_eq!(maybe.span, 18..23);
        let upper = Expression::parse("agentConnected != TRUE").unwrap_err();
        assert!(
            upper.message.ends_with("write it in lower case: `true`"),
            "{}",
            upper.message
        );
        let listed = Expression::parse("agentConnected in [true, yes]").unwrap_err();
        assert_eq!(listed.kind, QueryErrorKind::InvalidBoolean);
    }

    #[test]
    fn versions_order_numerically_per_component() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(v("1.9.1").compare(&v("1.14.5")), Ordering::Less);
        assert_eq!(v("1.14").compare(&v("1.14.0")), Ordering::Equal);
        assert_eq!(v("2").compare(&v("1.99.99")), Ordering::Greater);
        assert!(Version::parse("1..2").is_none());
        assert!(Version::parse("v1.2").is_none());
        assert!(Version::parse("").is_none());
    }

    #[test]
    fn dates_take_the_four_documented_forms_only() {
        let midnight = parse_date("2018-06-18").unwrap();
        assert_eq!(midnight.as_millis(), 1_529_280_000_000);
        let z = parse_date("2018-06-18T22:28:28Z").unwrap();
        assert_eq!(parse_date("2018-06-18T22:28:28").unwrap(), z);
        assert_eq!(parse_date("2018-06-18T22:28:28+00:00").unwrap(), z);
        let east = parse_date("2018-06-18T22:28:28+02:00").unwrap();
        assert_eq!(z.as_millis() - east.as_millis(), 2 * 3_600_000);
        for bad in [
            "2018-06-18T22:28",
            "2018-06-18 22:28:28",
            "2018-06-18T22:28:28.5Z",
            "18-06-2018",
            "2018-13-01",
            "2018-06-18T22:28:28+0000",
            "",
        ] {
            assert!(parse_date(bad).is_none(), "{bad} should be rejected");
        }
    }

    #[test]
    fn numbers_are_plain_decimals() {
        assert_eq!(parse_number("16"), Some(16.0));
        assert_eq!(parse_number("-2.5"), Some(-2.5));
        for text in ["1e5", "inf", "NaN", "1.", ".5", "1.2.3", "", "-"] {
            assert_eq!(parse_number(text), None, "{text}");
        }
    }
}
