"""`relaydesk import people FILE.csv`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relaydesk.directory.people_csv import PeopleFileRejected
from relaydesk.directory.services import people_import


class Command(BaseCommand):
    help = (
        "Import people and teams from an HR export (columns: email, name, team, manager_email, "
        "timezone; extra columns are ignored). Re-importing updates in place. A team may be a "
        "path such as 'Plant / Assembly'. A bad file is rejected whole and nothing is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            summary = people_import(data=data)
        except PeopleFileRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(
                f"{file} rejected: {len(rejected.errors)} error(s); nothing was imported"
            ) from None
        for line in summary.lines():
            self.stdout.write(line)
