"""Domain errors raised by services; views and the API turn them into responses."""


class DomainError(Exception):
    """A rule of the method refused the action. The message is Chinese, for users."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidTransition(DomainError):
    """A status change that is not allowed from the current status (HTTP 409)."""

    code = "invalid_transition"
    http_status = 409


class NotAllowed(DomainError):
    """The user may see the object but may not do this to it (HTTP 403)."""

    code = "permission_denied"
    http_status = 403
