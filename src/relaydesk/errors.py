"""The one exception every area raises for input that cannot be saved, with its fields."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError


class InvalidInput(Exception):
    """Input that cannot be saved; `errors` maps each field to its messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]]):
        self.errors = {name: list(messages) for name, messages in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


def model_errors(instance, exclude: Sequence[str] = ()) -> dict[str, list[str]]:
    """What Django's own validation (fields, uniqueness, constraints) finds wrong, by field."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as invalid:
        return {name: list(messages) for name, messages in invalid.message_dict.items()}
    return {}
