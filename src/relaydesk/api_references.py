"""Looking up the objects an API input names by id or slug, every unknown one named at once."""

from typing import Any

from django.db.models import Model, QuerySet

from relaydesk.errors import InvalidInput


class References:
    """Looks up the objects an input names, collecting every unknown one before complaining."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def one(self, model: type[Model], pk: int | None, field: str) -> Any:
        if pk is None:
            return None
        found = self.many(model, [pk], field)
        return found[0] if found else None

    def many(self, source: type[Model] | QuerySet, keys: list, field: str, key: str = "pk") -> list:
        """The objects of a model (or a queryset, to load what goes with them) by `key`."""
        queryset = source if isinstance(source, QuerySet) else source.objects.all()
        found = queryset.in_bulk(keys, field_name=key)
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing:
            self.note_unknown(queryset.model, field, key, missing)
        return [found[k] for k in dict.fromkeys(keys) if k in found]

    def note_unknown(self, model: type[Model], field: str, key: str, keys: list) -> None:
        """Say that `field` names objects that do not exist: no <model> with <key> <keys>."""
        noun = model._meta.verbose_name
        self.errors[field] = [f"no {noun} with {key} {', '.join(map(str, keys))}"]

    def raise_if_unknown(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)
