import pytest

from relaydesk.audit.models import Entry


@pytest.fixture
def logged(org, catalog):
    """The entries written since the cast and the catalog were set up, oldest first."""
    start = Entry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def since(start: int = start) -> list[Entry]:
        return list(Entry.objects.filter(id__gt=start).order_by("id"))

    return since
