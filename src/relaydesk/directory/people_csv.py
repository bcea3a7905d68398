"""Reading and checking an HR system's people export (SPEC §3.1) before anything is written.

A file is accepted whole or rejected whole: every problem found is reported with its line.
"""

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from relaydesk.directory.models import known_timezones

REQUIRED_COLUMNS = ("email", "name", "team", "manager_email", "timezone")
# A team column may name a nested team as a path, outermost department first.
TEAM_PATH_SEPARATOR = "/"


@dataclass(frozen=True)
class PersonRow:
    line: int
    email: str
    name: str
    team_path: tuple[str, ...]
    manager_email: str
    timezone: str


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


class PeopleFileRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda error: error.line)
        super().__init__("\n".join(str(error) for error in self.errors))


def read_people_csv(data: bytes) -> list[PersonRow]:
    """Parse and check the file's own content; raise PeopleFileRejected listing every problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PeopleFileRejected(
            [RowError(1, "file", f"is not UTF-8 text ({exc.reason})")]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise PeopleFileRejected([RowError(1, "file", "is empty; expected a header line")])
        columns = {name.strip().lower(): index for index, name in enumerate(header)}
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise PeopleFileRejected(
                [RowError(1, "header", f"missing column(s): {', '.join(missing)}")]
            )
        rows: list[PersonRow] = []
        errors: list[RowError] = []
        first_line_of: dict[str, int] = {}
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            values = {
                name: (record[index].strip() if index < len(record) else "")
                for name, index in columns.items()
            }
            row, row_errors = _check_row(line, values)
            errors.extend(row_errors)
            if row is None:
                continue
            if row.email in first_line_of:
                errors.append(
                    RowError(
                        line,
                        "email",
                        f"{row.email} appears again (first on line {first_line_of[row.email]})",
                    )
                )
                continue
            first_line_of[row.email] = line
            rows.append(row)
    except csv.Error as exc:
        error = RowError(reader.line_num, "file", f"is not valid CSV: {exc}")
        raise PeopleFileRejected([error]) from None
    if errors:
        raise PeopleFileRejected(errors)
    return rows


def _check_row(line: int, values: Mapping[str, str]) -> tuple[PersonRow | None, list[RowError]]:
    errors: list[RowError] = []
    email = values["email"].lower()
    if not email:
        errors.append(RowError(line, "email", "is required"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(line, "email", f"{values['email']!r} is not an email address"))
    if not values["name"]:
        errors.append(RowError(line, "name", "is required"))
    team_path = tuple(part.strip() for part in values["team"].split(TEAM_PATH_SEPARATOR))
    if values["team"] and not all(team_path):
        errors.append(RowError(line, "team", f"{values['team']!r} has an empty part"))
    manager_email = values["manager_email"].lower()
    if manager_email == email and email:
        errors.append(RowError(line, "manager_email", "a person cannot be their own manager"))
    timezone = values["timezone"]
    if timezone not in known_timezones():
        message = "is required" if not timezone else f"{timezone!r} is not an IANA timezone name"
        errors.append(RowError(line, "timezone", message))
    if errors:
        return None, errors
    return (
        PersonRow(
            line=line,
            email=email,
            name=values["name"],
            team_path=team_path if values["team"] else (),
            manager_email=manager_email,
            timezone=timezone,
        ),
        [],
    )


def check_managers(rows: list[PersonRow], *, directory_managers: Mapping[str, str | None]) -> None:
    """Reject managers who exist nowhere and manager chains that loop.

    `directory_managers` maps each email already in the directory to its manager's email, so a
    cycle closed through someone who is not in the file is caught too.
    """
    errors: list[RowError] = []
    in_file = {row.email: row for row in rows}
    for row in rows:
        if (
            row.manager_email
            and row.manager_email not in in_file
            and row.manager_email not in directory_managers
        ):
            errors.append(
                RowError(
                    row.line,
                    "manager_email",
                    f"unknown manager {row.manager_email} (not in the file or the directory)",
                )
            )
    if errors:
        raise PeopleFileRejected(errors)

    reporting_lines = nx.DiGraph()
    for email, manager in directory_managers.items():
        if manager and email not in in_file:
            reporting_lines.add_edge(email, manager)
    for row in rows:
        if row.manager_email:
            reporting_lines.add_edge(row.email, row.manager_email)
    # Each person has at most one manager, so the cycles are disjoint and few.
    for cycle in nx.simple_cycles(reporting_lines):
        # The directory itself holds no cycle, so every cycle runs through the file.
        first = min((email for email in cycle if email in in_file), key=lambda e: in_file[e].line)
        start = cycle.index(first)
        ordered = cycle[start:] + cycle[:start]
        errors.append(
            RowError(
                in_file[first].line,
                "manager_email",
                "manager cycle: " + " → ".join([*ordered, first]),
            )
        )
    if errors:
        raise PeopleFileRejected(errors)
