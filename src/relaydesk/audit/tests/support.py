"""What the audit tests share: the entries a test wrote, and making changes as people do."""

from relaydesk.audit.models import Entry
from relaydesk.directory.models import Person
from relaydesk.testing import signed_in_client

API = "/api/v1"


def only(entries: list[Entry]) -> Entry:
    assert len(entries) == 1, [str(entry) for entry in entries]
    return entries[0]


def send(person: Person, method: str, path: str, payload: dict | None = None):
    client = signed_in_client(person)
    response = getattr(client, method)(API + path, payload, content_type="application/json")
    assert response.status_code < 300, response.content
    return response


def admin_form(obj, **changes) -> dict:
    """What the admin's change form posts for `obj`: its fields, with `changes`."""
    data = {
        field.name: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if field.editable and not field.primary_key
    } | changes
    # An unticked checkbox is not sent; an empty reference is sent empty.
    return {
        name: "" if value is None else value for name, value in data.items() if value is not False
    }


def admin_change(admin, obj, **changes) -> None:
    path = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    response = signed_in_client(admin).post(path, admin_form(obj, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
