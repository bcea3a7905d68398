"""Reads from the directory."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from relaydesk import rows
from relaydesk.directory.models import Absence, ApiToken, Party, Person, Team
from relaydesk.directory.services import token_digest
from relaydesk.errors import NotFound
from relaydesk.pagination import Page, keyset_page

PEOPLE_PAGE_SIZE = 50
TOKEN_USE_RESOLUTION = timedelta(minutes=5)


def people_search(
    *,
    query: str,
    cursor: str | None,
    size: int = PEOPLE_PAGE_SIZE,
    people: QuerySet[Person] | None = None,
) -> Page:
    """Active people (of `people`, if given) whose name, email or team matches every word of
    the query, by name."""
    people = (Person.objects.all() if people is None else people).filter(is_active=True)
    people = people.select_related("team")
    for word in query.split():
        people = people.filter(
            Q(name__icontains=word) | Q(email__icontains=word) | Q(team__name__icontains=word)
        )
    return keyset_page(people, order=("name", "id"), cursor=cursor, size=size)


def people_with_profile() -> QuerySet[Person]:
    """People with what their page shows, loaded in a fixed number of queries."""
    return Person.objects.select_related("team", "manager", "team__lead").prefetch_related(
        Prefetch("reports", queryset=Person.objects.filter(is_active=True)),
        "led_teams",
    )


def teams_with_members() -> QuerySet[Team]:
    # A counting query drops the model's default order, so the sub-teams are ordered here.
    sub_teams = Team.objects.annotate(size=_active_members()).order_by("name", "id")
    return Team.objects.select_related("lead", "parent").prefetch_related(
        Prefetch("members", queryset=Person.objects.filter(is_active=True)),
        Prefetch("children", queryset=sub_teams),
    )


def team_ancestors(team: Team) -> list[Team]:
    """The departments above a team, outermost first."""
    # One small query for the whole tree beats one query per level.
    tree = {
        pk: (parent_id, name)
        for pk, parent_id, name in Team.objects.values_list("id", "parent_id", "name")
    }
    chain = []
    parent_id = team.parent_id
    while parent_id is not None:
        grandparent_id, name = tree[parent_id]
        chain.append(Team(id=parent_id, name=name, parent_id=grandparent_id))
        parent_id = grandparent_id
    return list(reversed(chain))


def teams_as_tree() -> list[tuple[Team, int]]:
    """Every team with its depth, each department followed by its teams."""
    teams = list(
        Team.objects.select_related("lead").annotate(size=_active_members()).order_by("name", "id")
    )
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    ordered: list[tuple[Team, int]] = []
    stack = [(team, 0) for team in reversed(children.get(None, []))]
    while stack:
        team, depth = stack.pop()
        ordered.append((team, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(team.pk, [])))
    return ordered


def parties_by_kind() -> QuerySet[Party]:
    return Party.objects.order_by("kind", "name")


def _active_members() -> Count:
    return Count("members", filter=Q(members__is_active=True))


def teams_led_by(person: Person) -> set[int]:
    """Ids of the teams a person leads, and of every team nested under those."""
    return _leadership(person)[1]


def may_lead(person: Person, team: Team) -> bool:
    """Whether `person` may steer `team`: an admin, or a lead of it or of a department above."""
    return person.is_admin or team.pk in teams_led_by(person)


def teams_led_directly(person: Person) -> set[int]:
    """Ids of the teams whose lead is `person` (not the teams nested under them)."""
    return _leadership(person)[0]


def _leadership(person: Person) -> tuple[set[int], set[int]]:
    # Kept on the person object: permission checks ask several times per page or action.
    cached = getattr(person, "_teams_led", None)
    if cached is not None:
        return cached
    # One indexed walk down from the teams `person` leads, instead of reading every team:
    # the ORM has no recursive query, and this runs on every page.
    table = connection.ops.quote_name(Team._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE led(id, lead_id) AS (
                SELECT id, lead_id FROM {table} WHERE lead_id = %s
                UNION
                SELECT team.id, team.lead_id FROM {table} team JOIN led ON team.parent_id = led.id
            )
            SELECT id, lead_id FROM led
            """,
            [person.pk],
        )
        rows = cursor.fetchall()
    directly = {team_id for team_id, lead_id in rows if lead_id == person.pk}
    person._teams_led = (directly, {team_id for team_id, _ in rows})
    return person._teams_led


def person_for_token(secret: str) -> Person | None:
    """The active person a bearer token belongs to, noting (roughly) when it was last used."""
    now = timezone.now()
    person_columns = rows.columns(Person, "person")
    with connection.cursor() as cursor:
        # One hand-written read on every API call (see relaydesk.rows). Beside the person: is
        # the token's last use older than the resolution kept, and does the person lead a team
        # (most do not, and then no permission check needs to read the teams again).
        cursor.execute(
            f"SELECT token.id, (token.last_used_at IS NULL OR token.last_used_at < %s), "
            f"EXISTS (SELECT 1 FROM {rows.table(Team)} led WHERE led.lead_id = person.id), "
            f"{person_columns.sql} FROM {rows.table(ApiToken)} token "
            f"JOIN {rows.table(Person)} person ON person.id = token.person_id "
            f"WHERE token.digest = %s AND person.is_active",
            [
                connection.ops.adapt_datetimefield_value(now - TOKEN_USE_RESOLUTION),
                token_digest(secret),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, stale, leads = row[:3]
    # A write on every call would serialise all API reads on SQLite; minutes are precise enough.
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    person = person_columns.instance(row, 3)
    if not leads:
        person._teams_led = (set(), set())  # what _leadership would find
    return person


def absences_at(at: datetime, people: Iterable[int] | None = None) -> dict[int, int | None]:
    """Who is away at `at`, each with their backup (or None)."""
    away = Absence.objects.filter(starts_at__lte=at, ends_at__gt=at)
    if people is not None:
        away = away.filter(person_id__in=list(people))
    return dict(away.values_list("person_id", "backup_id"))


def may_manage_absences_of(actor: Person, person: Person) -> bool:
    """The person themselves, the leads of their team (and of departments above) and admins."""
    if actor.pk == person.pk or actor.is_admin:
        return True
    return person.team_id is not None and person.team_id in teams_led_by(actor)


def may_see_absence(person: Person, absence: Absence) -> bool:
    """Those who manage the absent person's absences, and their backup."""
    return person.pk == absence.backup_id or may_manage_absences_of(person, absence.person)


def absences_seen_by(person: Person, *, now: datetime) -> QuerySet[Absence]:
    """Absences not yet over that are `person`'s own, that they cover, or of people in the
    teams they lead; soonest first."""
    concerned = Q(person=person) | Q(backup=person) | Q(person__team_id__in=teams_led_by(person))
    return (
        Absence.objects.filter(concerned, ends_at__gt=now)
        .select_related("person", "backup")
        .order_by("starts_at", "id")
    )


def absence_now(person_id: int, *, now: datetime) -> Absence | None:
    """The absence `person_id` is on at `now`, with their backup, if any."""
    return (
        Absence.objects.filter(person_id=person_id, starts_at__lte=now, ends_at__gt=now)
        .select_related("backup")
        .first()
    )


def team_paths() -> dict[int, tuple[str, ...]]:
    """Every team's path: the names of its departments, outermost first, then its own."""
    # One small query for the whole tree beats one query per level.
    tree = {
        pk: (parent_id, name)
        for pk, parent_id, name in Team.objects.values_list("id", "parent_id", "name")
    }
    paths: dict[int, tuple[str, ...]] = {}

    def path(pk: int) -> tuple[str, ...]:
        if pk not in paths:
            parent_id, name = tree[pk]
            paths[pk] = (*(path(parent_id) if parent_id is not None else ()), name)
        return paths[pk]

    for pk in tree:
        path(pk)
    return paths


def teams_by_paths(paths: Iterable[str]) -> dict[str, Team]:
    """The teams named by their paths (`Plant / Assembly`), each by the path as given: matched
    in any case and whatever the spaces around a "/", as names are matched. Unknown paths are
    left out."""
    wanted: dict[tuple[str, ...], list[str]] = {}
    for path in paths:
        wanted.setdefault(tuple(part.strip().lower() for part in path.split("/")), []).append(path)
    given = {
        pk: wanted[lowered]
        for pk, names in team_paths().items()
        if (lowered := tuple(name.lower() for name in names)) in wanted
    }
    return {path: team for pk, team in Team.objects.in_bulk(given).items() for path in given[pk]}


def teams_search(*, query: str, size: int) -> list[tuple[str, ...]]:
    """The paths of up to `size` teams whose name or department's name matches every word of
    the query, by name."""
    teams = Team.objects.order_by("name", "parent__name", "id")
    for word in query.split():
        teams = teams.filter(Q(name__icontains=word) | Q(parent__name__icontains=word))
    found = list(teams.values_list("id", flat=True)[:size])
    paths = team_paths() if found else {}
    return [paths[pk] for pk in found]


def team_by_path(path: str) -> Team:
    """A team named by its path (`Plant / Assembly`), or by its last part alone when unique."""
    parts = tuple(part.strip() for part in path.split("/"))
    paths = team_paths()
    if len(parts) == 1:
        matches = [pk for pk, names in paths.items() if names[-1] == parts[0]]
    else:
        matches = [pk for pk, names in paths.items() if names == parts]
    if not matches:
        raise NotFound(f"There is no team {path!r}.")
    if len(matches) > 1:
        named = ", ".join(sorted(" / ".join(paths[pk]) for pk in matches))
        raise NotFound(f"{path!r} names several teams ({named}): give its path.")
    return Team.objects.get(pk=matches[0])
