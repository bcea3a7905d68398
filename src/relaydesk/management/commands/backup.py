"""`relaydesk backup FILE`: a consistent copy of the whole database, taken while it serves."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relaydesk.backups import BackupError, backup_make


class Command(BaseCommand):
    help = (
        "Write a backup of the whole database to FILE (replaced once the new backup is whole). "
        "SQLite: SQLite's online backup API; PostgreSQL: pg_dump's custom format, with the "
        "connection from DATABASE_URL. Relaydesk may go on serving meanwhile: the backup holds "
        "everything committed before it began. `relaydesk restore FILE` puts it back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            kind = backup_make(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up the database to {file} ({kind}, {file.stat().st_size:,} bytes)."
        )
