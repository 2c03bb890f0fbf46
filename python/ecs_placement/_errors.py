"""The exceptions of ecs_placement: one class per ECS exception name, under EcsError.

The native module raises them through `_make`, so `except ecs_placement.ClientException`
catches exactly what ECS would answer with a ClientException.
"""

from __future__ import annotations


class EcsError(Exception):
    """An ECS exception: `code` is its name (as on the wire in `__type`), `message` what is
    wrong, naming the parameter and the value.

    `span` is the `(start, end)` byte range of query text an error points at
    (`check_expression`, a `list_container_instances` filter), else None.
    """

    code: str = "EcsError"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        span: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.span = span

    def __reduce__(self) -> tuple[object, tuple[str, str, tuple[int, int] | None]]:
        # Keyword-only arguments do not survive pickle's default (args-only) reduction.
        return (_make, (self.code, self.message, self.span))


class InvalidParameterException(EcsError):
    """A parameter is not valid (also: a request member the API does not have)."""

    code = "InvalidParameterException"


class ClientException(EcsError):
    """A client-side mistake: an identifier that does not exist, JSON that is not the shape's."""

    code = "ClientException"


class ClusterNotFoundException(EcsError):
    """The call names a cluster that is not the snapshot's."""

    code = "ClusterNotFoundException"


class ConflictException(EcsError):
    """An idempotency token was reused with other parameters."""

    code = "ConflictException"


class UnsupportedFeatureException(EcsError):
    """The call asks for something ECS does not support here."""

    code = "UnsupportedFeatureException"


class TargetNotFoundException(EcsError):
    """PutAttributes or DeleteAttributes names a target (`targetId`) the cluster does not have."""

    code = "TargetNotFoundException"


class AttributeLimitExceededException(EcsError):
    """PutAttributes would leave an instance with more custom attributes than ECS allows (10)."""

    code = "AttributeLimitExceededException"


_BY_CODE: dict[str, type[EcsError]] = {
    cls.code: cls
    for cls in (
        InvalidParameterException,
        ClientException,
        ClusterNotFoundException,
        ConflictException,
        TargetNotFoundException,
        AttributeLimitExceededException,
        UnsupportedFeatureException,
    )
}


def _make(code: str, message: str, span: tuple[int, int] | None = None) -> EcsError:
    """The exception for an ECS exception name; a name without its own class (one a newer
    library raises) still gets an EcsError carrying it."""
    cls = _BY_CODE.get(code)
    if cls is None:
        return EcsError(message, code=code, span=span)
    return cls(message, span=span)
