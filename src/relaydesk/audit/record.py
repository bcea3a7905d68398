"""The one way to write to the audit log, called by the app where the change happens, inside the
same transaction as the change: the entry exists exactly when the change does."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import models, transaction

from relaydesk.audit.models import Action, Entry
from relaydesk.directory.models import Person

# Never kept in the log, whatever a caller passes: the log is read by every admin.
SECRET_FIELDS = frozenset({"password", "digest", "secret", "token"})
_ABSENT = object()


def record(
    actor: Person | None,
    action: Action | str,
    target: models.Model,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> Entry | None:
    """Append what `actor` (None: the command line) did to `target`: the fields that differ
    between `before` and `after` ({} for "did not exist" / "no longer exists"). Related objects
    are kept as their id and name. Nothing is written when nothing changed."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record() belongs inside the transaction of the change it records")
    secret = SECRET_FIELDS & (before.keys() | after.keys())
    if secret:
        raise ValueError(f"the audit log keeps no secrets: {', '.join(sorted(secret))}")
    was = {name: plain(value) for name, value in before.items()}
    now = {name: plain(value) for name, value in after.items()}
    changed = {
        name for name in was.keys() | now.keys() if was.get(name, _ABSENT) != now.get(name, _ABSENT)
    }
    if not changed:
        return None
    return Entry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        target_label=str(target)[:200],
        before={name: value for name, value in was.items() if name in changed},
        after={name: value for name, value in now.items() if name in changed},
    )


def plain(value: Any) -> Any:
    """A JSON-ready value that reads well in the log."""
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": str(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        items = [plain(item) for item in value]
        # A set has no order of its own; by id, so the same set always reads the same.
        unordered = isinstance(value, set | frozenset | models.QuerySet)
        return sorted(items, key=_order) if unordered else items
    return value


def _order(item: Any) -> tuple[int, str]:
    if isinstance(item, dict) and isinstance(item.get("id"), int):
        return (0, f"{item['id']:020}")
    return (1, str(item))


def fields_of(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The named fields of `instance` as they are now (many-to-many ones included)."""
    values: dict[str, Any] = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = set(getattr(instance, name).all()) if instance.pk else set()
        else:
            values[name] = getattr(instance, name)
    return values
