"""The exceptions every area raises: input that cannot be saved (with its fields), a thing
that is not there for the caller, and a write on a state that has moved on."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError


class InvalidInput(Exception):
    """Input that cannot be saved; `errors` maps each field to its messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]]):
        self.errors = {name: list(messages) for name, messages in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


class NotFound(Exception):
    """No such thing, or not one the person may see."""


class Conflict(Exception):
    """The thing is not in the state the caller acted on: reload and decide again."""


def model_errors(instance, exclude: Sequence[str] = ()) -> dict[str, list[str]]:
    """What Django's own validation (fields, uniqueness, constraints) finds wrong, by field."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as invalid:
        return {name: list(messages) for name, messages in invalid.message_dict.items()}
    return {}
