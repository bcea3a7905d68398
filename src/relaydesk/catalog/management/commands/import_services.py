"""`relaydesk import services FILE.yaml`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relaydesk.catalog.services_yaml import ServicesFileRejected, services_import


class Command(BaseCommand):
    help = (
        "Import calendars and services from a YAML file (top-level lists `calendars` and "
        "`services`). Re-importing updates each calendar by name and each service by slug; "
        "entries absent from the file are left alone. A bad file is rejected whole and nothing "
        "is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            summary = services_import(data=data)
        except ServicesFileRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(
                f"{file} rejected: {len(rejected.errors)} error(s); nothing was imported"
            ) from None
        for line in summary.lines():
            self.stdout.write(line)
