//! The error every fallible public function returns: an ECS exception name and a message.
//!
//! ECS answers a bad call with a typed exception (`InvalidParameterException`,
//! `ClientException`, ...) and one message. [`EcsError`] is exactly that, so an emulator can put
//! it on the wire as `{"__type": ..., "message": ...}` and a person reads
//! `InvalidParameterException: count must be between 1 and 10, got 11`.

use std::fmt;

/// The ECS exception shapes this crate raises (the `errors` of RunTask, StartTask and
/// ListContainerInstances in the API model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExceptionName {
    /// A parameter is not valid.
    InvalidParameterException,
    /// A client-side mistake, such as an identifier that does not exist.
    ClientException,
    /// The cluster named by the call is not the snapshot's.
    ClusterNotFoundException,
    /// An idempotency token was reused with other parameters.
    ConflictException,
    /// The call asks for something ECS does not support here.
    UnsupportedFeatureException,
    /// `PutAttributes` names an instance the cluster does not have.
    TargetNotFoundException,
    /// `PutAttributes` would give an instance more custom attributes than ECS allows.
    AttributeLimitExceededException,
}

impl ExceptionName {
    /// The name as it appears in `__type` on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidParameterException => "InvalidParameterException",
            Self::ClientException => "ClientException",
            Self::ClusterNotFoundException => "ClusterNotFoundException",
            Self::ConflictException => "ConflictException",
            Self::TargetNotFoundException => "TargetNotFoundException",
            Self::AttributeLimitExceededException => "AttributeLimitExceededException",
            Self::UnsupportedFeatureException => "UnsupportedFeatureException",
        }
    }
}

impl fmt::Display for ExceptionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ECS exception: its name and a message that names the offending parameter and value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{exception}: {message}")]
pub struct EcsError {
    /// Which exception ECS would raise.
    pub exception: ExceptionName,
    /// What is wrong, naming the parameter and the value.
    pub message: String,
}

impl EcsError {
    /// An error of the given kind.
    pub fn new(exception: ExceptionName, message: impl Into<String>) -> Self {
        Self {
            exception,
            message: message.into(),
        }
    }

    /// An `InvalidParameterException`.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ExceptionName::InvalidParameterException, message)
    }

    /// A `ClientException`.
    pub fn client(message: impl Into<String>) -> Self {
        Self::new(ExceptionName::ClientException, message)
    }

    /// A `ClusterNotFoundException`.
    pub fn cluster_not_found(message: impl Into<String>) -> Self {
        Self::new(ExceptionName::ClusterNotFoundException, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_exception_colon_message() {
        let error = EcsError::invalid_parameter("count must be between 1 and 10, got 11");
        assert_eq!(
            error.to_string(),
            "InvalidParameterException: count must be between 1 and 10, got 11"
        );
    }
}
