"""Domain errors. Views turn them into form errors, the API into 4xx responses with field errors."""


class DomainError(Exception):
    """A rule of the domain was broken. ``errors`` maps field names to messages;
    the key ``None`` holds errors that belong to no single field."""

    status_code = 400

    def __init__(self, errors):
        if not isinstance(errors, dict):
            errors = {None: [errors]}
        self.errors = {
            field: list(messages) if isinstance(messages, list | tuple) else [messages]
            for field, messages in errors.items()
        }
        super().__init__(self.messages())

    def messages(self):
        return [str(message) for messages in self.errors.values() for message in messages]


class ValidationFailed(DomainError):
    status_code = 422


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404
