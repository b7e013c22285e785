"""The exception operations raise when a request is refused for a reason the user should read."""


class Refused(Exception):
    """An operation refused; `str(error)` is a message for the user, `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
