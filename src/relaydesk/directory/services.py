"""Writes to the directory."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from relaydesk.audit.models import Action
from relaydesk.audit.record import fields_of, record
from relaydesk.core.queue_policy import QueuePolicy
from relaydesk.directory.models import Absence, ApiToken, Party, Person, Team
from relaydesk.directory.people_csv import PersonRow, check_managers, read_people_csv
from relaydesk.errors import InvalidInput, model_errors


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    teams_created: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{len(self.created)} created, {len(self.updated)} updated, {self.unchanged} unchanged"
            + (f"; {len(self.teams_created)} new team(s)" if self.teams_created else "")
        ]
        out += [f"  created {email}" for email in self.created]
        out += [
            f"  updated {email}: {'; '.join(changes)}" for email, changes in self.updated.items()
        ]
        out += [f"  new team {path}" for path in self.teams_created]
        return out


def people_import(*, data: bytes) -> ImportSummary:
    """Create or update people from an HR export; all or nothing (raises PeopleFileRejected)."""
    rows = read_people_csv(data)
    with transaction.atomic():
        existing = {person.email: person for person in Person.objects.select_related("manager")}
        check_managers(
            rows,
            directory_managers={
                email: person.manager.email if person.manager else None
                for email, person in existing.items()
            },
        )
        summary = ImportSummary()
        teams = _TeamResolver(summary)
        to_create: list[Person] = []
        for row in rows:
            team = teams.resolve(row.team_path)
            person = existing.get(row.email)
            if person is None:
                person = Person(email=row.email, name=row.name, team=team, timezone=row.timezone)
                person.set_unusable_password()
                to_create.append(person)
                summary.created.append(row.email)
                continue
            changes = _describe_changes(person, row, team, teams)
            if person.team_id != (team.pk if team else None):
                # A team decides whose queue one works and sees: the log keeps every move.
                before = {"team": teams.team(person.team_id)}
                record(None, Action.PERSON_CHANGED, person, before, {"team": team})
            person.name, person.team, person.timezone = row.name, team, row.timezone
            if changes:
                summary.updated[row.email] = changes
        Person.objects.bulk_create(to_create)
        for person in to_create:
            record(None, Action.PERSON_CREATED, person, {}, {"team": person.team})
        by_email = existing | {person.email: person for person in to_create}
        for row in rows:
            person = by_email[row.email]
            manager = by_email.get(row.manager_email) if row.manager_email else None
            if row.email in existing and person.manager_id != (manager.pk if manager else None):
                summary.updated.setdefault(row.email, []).append(
                    f"manager {_email_or_none(person.manager)} → {_email_or_none(manager)}"
                )
            person.manager = manager
        Person.objects.bulk_update(
            [by_email[row.email] for row in rows], ["name", "team", "timezone", "manager"]
        )
        summary.unchanged = len(rows) - len(summary.created) - len(summary.updated)
    return summary


def _describe_changes(
    person: Person, row: PersonRow, team: Team | None, teams: "_TeamResolver"
) -> list[str]:
    changes = []
    if person.name != row.name:
        changes.append(f"name {person.name!r} → {row.name!r}")
    if person.team_id != (team.pk if team else None):
        changes.append(
            f"team {teams.path(person.team_id)} → {teams.path(team.pk if team else None)}"
        )
    if person.timezone != row.timezone:
        changes.append(f"timezone {person.timezone} → {row.timezone}")
    return changes


def _email_or_none(person: Person | None) -> str:
    return person.email if person else "(none)"


class _TeamResolver:
    """Finds the team named by a path, creating the missing departments along it."""

    def __init__(self, summary: ImportSummary):
        self._summary = summary
        self._by_id = {team.pk: team for team in Team.objects.all()}
        self._by_key = {(team.parent_id, team.name): team for team in self._by_id.values()}

    def team(self, team_id: int | None) -> Team | None:
        return None if team_id is None else self._by_id[team_id]

    def path(self, team_id: int | None) -> str:
        names = []
        while team_id is not None:
            team = self._by_id[team_id]
            names.append(team.name)
            team_id = team.parent_id
        return " / ".join(reversed(names)) or "(none)"

    def resolve(self, path: tuple[str, ...]) -> Team | None:
        team = None
        for depth, name in enumerate(path):
            parent = team
            team = self._by_key.get((parent.pk if parent else None, name))
            if team is None:
                team = Team.objects.create(name=name, parent=parent)
                self._by_key[(team.parent_id, name)] = team
                self._by_id[team.pk] = team
                self._summary.teams_created.append(" / ".join(path[: depth + 1]))
        return team


# What the audit log keeps of an external party, here and in the admin: who it is, and whether
# it buys from the organisation or sells to it. Its description decides nothing.
PARTY_AUDITED_FIELDS = ("name", "kind")


def party_save(
    *, actor: Person, name: str, kind: str, description: str = "", party: Party | None = None
) -> Party:
    if not actor.is_admin:
        raise PermissionDenied("Only admins manage external customers and vendors.")
    before = fields_of(party, PARTY_AUDITED_FIELDS) if party else {}
    party = party or Party()
    party.name, party.kind, party.description = name.strip(), kind, description
    errors = model_errors(party)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        party.save()
        action = Action.PARTY_CHANGED if before else Action.PARTY_CREATED
        record(actor, action, party, before, fields_of(party, PARTY_AUDITED_FIELDS))
    return party


TOKEN_PREFIX = "rdk_"


def api_token_create(*, person: Person, name: str) -> tuple[ApiToken, str]:
    """Create a token; return it with its secret, which is never stored and never shown again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name.strip() or "API token",
        digest=token_digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
    )
    return token, secret


def api_token_revoke(*, person: Person, token_id: int) -> None:
    """Revoke one of `person`'s own tokens (ApiToken.DoesNotExist if they have no such one)."""
    with transaction.atomic():
        token = ApiToken.objects.select_related("person").get(pk=token_id, person=person)
        record(person, Action.TOKEN_REVOKED, token, _token_audited(token), {})
        token.delete()


def _token_audited(token: ApiToken) -> dict:
    # Its name and the prefix people tell it by; never the digest.
    return {"person": token.person, "name": token.name, "prefix": token.prefix}


def token_digest(secret: str) -> str:
    # A fast hash is right here: the secret has 256 bits of entropy, nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def team_queue_policy_set(*, actor: Person, team: Team, policy: str) -> Team:
    """A lead (of the team or a department above it) or an admin picks the queue's order."""
    from relaydesk.directory.selectors import may_lead  # the selectors import this module

    if not may_lead(actor, team):
        raise PermissionDenied(f"Only {team}'s leads and admins choose its queue policy.")
    if policy not in set(QueuePolicy):
        raise InvalidInput({"policy": [f"one of {', '.join(QueuePolicy)}"]})
    with transaction.atomic():
        # Read under a lock, so that two leads choosing at once each log what they replaced.
        before = Team.objects.select_for_update().values("queue_policy").get(pk=team.pk)
        Team.objects.filter(pk=team.pk).update(queue_policy=policy)
        record(actor, Action.TEAM_CHANGED, team, before, {"queue_policy": policy})
    team.queue_policy = policy
    return team


NOTE_LENGTH = 200


def absence_declare(
    *,
    actor: Person,
    person: Person,
    starts_at: datetime,
    ends_at: datetime,
    backup: Person | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Absence:
    """Declare that `person` will be away; `backup` covers their personal services meanwhile.

    Someone declares their own absence; a lead (or an admin) may declare one for a member. An
    absence already over is refused — there is nothing left to cover — while one that began
    earlier and still runs (off sick since yesterday) is taken as it is.
    """
    from relaydesk.directory.selectors import may_manage_absences_of  # they import this module

    now = now or timezone.now()
    if not may_manage_absences_of(actor, person):
        raise PermissionDenied("Only the person, their team's leads and admins declare it.")
    note = note.strip()
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = ["the absence must end after it starts"]
    elif ends_at <= now:
        errors["ends_at"] = ["this absence is already over: there is nothing left to cover"]
    if backup is not None and backup.pk == person.pk:
        errors["backup"] = ["name someone else as the backup"]
    elif backup is not None and not backup.is_active:
        errors["backup"] = [f"{backup} is no longer active"]
    if len(note) > NOTE_LENGTH or "\x00" in note:
        errors["note"] = [f"keep the note under {NOTE_LENGTH} characters of plain text"]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        # Locked, so that two overlapping absences declared at once cannot both be saved.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        overlapping = Absence.objects.filter(
            person=person, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).first()
        if overlapping is not None:
            raise InvalidInput(
                {"starts_at": [f"{person} is already away then ({overlapping.period})"]}
            )
        absence = Absence.objects.create(
            person=person, starts_at=starts_at, ends_at=ends_at, backup=backup, note=note
        )
        if actor.pk != person.pk:
            record(actor, Action.ABSENCE_DECLARED, absence, {}, absence_audited(absence))
        return absence


def absence_audited(absence: Absence) -> dict:
    """What the audit log keeps of an absence declared for someone else: who covers, when."""
    return {
        "person": absence.person,
        "starts_at": absence.starts_at,
        "ends_at": absence.ends_at,
        "backup": absence.backup,
    }


def absence_end(*, actor: Person, absence: Absence, now: datetime | None = None) -> None:
    """Back early, or a plan dropped: a running absence ends now, a future one is removed."""
    from relaydesk.directory.selectors import may_manage_absences_of  # they import this module

    now = now or timezone.now()
    if not may_manage_absences_of(actor, absence.person):
        raise PermissionDenied("Only the person, their team's leads and admins end it.")
    if absence.ends_at <= now:
        raise InvalidInput({"absence": ["this absence is already over"]})
    removed = absence.starts_at >= now
    with transaction.atomic():
        if actor.pk != absence.person_id:
            before = absence_audited(absence)
            after = {} if removed else before | {"ends_at": now}
            record(actor, Action.ABSENCE_ENDED, absence, before, after)
        if removed:
            absence.delete()
        else:
            Absence.objects.filter(pk=absence.pk).update(ends_at=now)
            absence.ends_at = now
