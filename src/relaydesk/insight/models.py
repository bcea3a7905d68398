"""Rollups: what dashboards add up instead of scanning every request (core.rollups)."""

from django.db import models

from relaydesk.catalog.models import Service
from relaydesk.core.rollups import COUNT_NAMES, HISTOGRAM_NAMES, Histogram, Rollup
from relaydesk.directory.models import Team

# The columns in the order of core.rollups.Rollup's fields, which readers rely on.
COUNTS = COUNT_NAMES
HISTOGRAMS = HISTOGRAM_NAMES
ORG = "org"


class RollupFields(models.Model):
    """The figures of core.rollups.Rollup, histograms as {"bucket": count}."""

    created = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    response_n = models.PositiveIntegerField(default=0)
    response_on_time = models.PositiveIntegerField(default=0)
    resolution_n = models.PositiveIntegerField(default=0)
    resolution_on_time = models.PositiveIntegerField(default=0)
    needed_by_n = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    response = models.JSONField(default=dict)
    response_external = models.JSONField(default=dict)
    resolution = models.JSONField(default=dict)

    class Meta:
        abstract = True

    def rollup(self) -> Rollup:
        return Rollup(
            **{name: getattr(self, name) for name in COUNTS},
            **{name: Histogram.from_json(getattr(self, name)) for name in HISTOGRAMS},
        )

    def set_rollup(self, rollup: Rollup) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(rollup, name))
        for name in HISTOGRAMS:
            setattr(self, name, getattr(rollup, name).as_json())


class DailyServiceRollup(RollupFields):
    """One service's requests on one day (UTC), by the team providing them when the rollup
    was last refreshed. Derived data: `relaydesk rollups rebuild` recomputes it all."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["team", "day"], name="rollup_by_team"),
            models.Index(fields=["service", "day"], name="rollup_by_service"),
            models.Index(fields=["day"], name="rollup_by_day"),
        ]

    def __str__(self) -> str:
        return f"service {self.service_id}, team {self.team_id} on {self.day}"


def team_scope_key(team_id: int) -> str:
    return f"team:{team_id}"


class ScopeDailyRollup(RollupFields):
    """Everything a team and every team below it served on one day, or (scope "org") the
    whole organisation, people providing services themselves included: a year of a
    department or of the organisation is then 365 rows, whatever the number of requests.
    Kept from DailyServiceRollup as its cells change."""

    scope = models.CharField(max_length=32)  # "org" or "team:<id>"
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "day"], name="one_rollup_per_scope_day")
        ]

    def __str__(self) -> str:
        return f"{self.scope} on {self.day}"
