//! The API's `Timestamp`: read as epoch seconds (a JSON number, as the SDKs send it) or as an
//! ISO-8601 string (as the `aws` CLI prints it); always written as epoch seconds.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant, kept as whole milliseconds since the Unix epoch (the API's precision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    millis: i64,
}

impl Timestamp {
    /// The instant `millis` milliseconds after the Unix epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Self { millis }
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> i64 {
        self.millis
    }

    /// Epoch seconds, as the JSON protocol writes them.
    pub fn as_epoch_seconds(self) -> f64 {
        self.millis as f64 / 1000.0
    }

    /// Reads epoch seconds; `None` when not finite or outside the instants an ISO-8601
    /// date-time names (years -9999 to 9999, what [`Timestamp::parse_iso`] reads): every
    /// instant read either way is written as seconds, which must read back.
    pub fn from_epoch_seconds(seconds: f64) -> Option<Self> {
        if !seconds.is_finite() {
            return None;
        }
        // `as` saturates; the range check refuses what saturated.
        let millis = (seconds * 1000.0).round() as i64;
        let range = jiff::Timestamp::MIN.as_millisecond()..=jiff::Timestamp::MAX.as_millisecond();
        range.contains(&millis).then_some(Self::from_millis(millis))
    }

    /// Reads an ISO-8601 / RFC 3339 date-time (`2018-06-18T22:28:28Z`, with an offset, or with no
    /// offset, which means UTC) or a bare date (midnight UTC).
    pub fn parse_iso(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(ts) = text.parse::<jiff::Timestamp>() {
            return Some(Self::from_millis(ts.as_millisecond()));
        }
        if let Ok(civil) = text.parse::<jiff::civil::DateTime>() {
            let ts = jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()?;
            return Some(Self::from_millis(ts.as_millisecond()));
        }
        None
    }

    /// The instant as RFC 3339 in UTC.
    pub fn to_rfc3339(self) -> String {
        match jiff::Timestamp::from_millisecond(self.millis) {
            Ok(ts) => ts.to_string(),
            Err(_) => self.millis.to_string(),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.millis % 1000 == 0 {
            serializer.serialize_i64(self.millis / 1000)
        } else {
            serializer.serialize_f64(self.as_epoch_seconds())
        }
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("epoch seconds or an ISO-8601 date-time")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
        Timestamp::from_epoch_seconds(v)
            .ok_or_else(|| E::custom(format!("timestamp {v} is out of range")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse_iso(v)
            .ok_or_else(|| E::custom(format!("`{v}` is not an ISO-8601 date-time")))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Option<Timestamp> {
        serde_json::from_str(json).ok()
    }

    #[test]
    fn reads_every_form_the_cli_and_sdks_write() {
        let expected = Some(Timestamp::from_millis(1_529_360_908_000));
        assert_eq!(read("1529360908"), expected);
        assert_eq!(read("1529360908.0"), expected);
        assert_eq!(read("\"2018-06-18T22:28:28Z\""), expected);
        assert_eq!(read("\"2018-06-18T22:28:28+00:00\""), expected);
        assert_eq!(read("\"2018-06-18T22:28:28\""), expected);
        assert_eq!(read("\"2018-06-19T00:28:28+02:00\""), expected);
        assert_eq!(read("\"2018-06-18T22:28:28.000000+00:00\""), expected);
        assert_eq!(
            read("1529360908.25"),
            Some(Timestamp::from_millis(1_529_360_908_250))
        );
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(read("\"yesterday\""), None);
        assert_eq!(read("1e300"), None);
        assert_eq!(read("253402207201"), None);
        assert!(read("253402207200").is_some());
        assert_eq!(read("true"), None);
    }

    #[test]
    fn writes_epoch_seconds() {
        let ts = Timestamp::from_millis(1_529_360_908_000);
        assert_eq!(
            serde_json::to_string(&ts).ok().as_deref(),
            Some("1529360908")
        );
        let ts = Timestamp::from_millis(1_529_360_908_250);
        assert_eq!(
            serde_json::to_string(&ts).ok().as_deref(),
            Some("1529360908.25")
        );
    }
}
