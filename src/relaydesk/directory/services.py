"""Writes to the directory."""

import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from relaydesk.directory.models import ApiToken, Party, Person, Team
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
            person.name, person.team, person.timezone = row.name, team, row.timezone
            if changes:
                summary.updated[row.email] = changes
        Person.objects.bulk_create(to_create)
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


def party_save(
    *, actor: Person, name: str, kind: str, description: str = "", party: Party | None = None
) -> Party:
    if not actor.is_admin:
        raise PermissionDenied("Only admins manage external customers and vendors.")
    party = party or Party()
    party.name, party.kind, party.description = name.strip(), kind, description
    errors = model_errors(party)
    if errors:
        raise InvalidInput(errors)
    party.save()
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


def token_digest(secret: str) -> str:
    # A fast hash is right here: the secret has 256 bits of entropy, nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()
