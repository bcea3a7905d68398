"""A demo build leaves the dashboards' rollups filled, equal to a full count of requests."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Sum

from relaydesk.insight.models import DailyServiceRollup
from relaydesk.servicerequests.models import Request, Status


def test_the_demo_build_fills_the_rollups(db):
    out = StringIO()
    call_command("demo", "--no-serve", "--requests", "300", "--seed", "3", stdout=out)

    totals = DailyServiceRollup.objects.aggregate(created=Sum("created"), done=Sum("finished"))
    assert "Dashboards:" in out.getvalue()
    assert totals["created"] == Request.objects.count() == 300
    assert totals["done"] == Request.objects.filter(status=Status.DONE).count() > 0
