"""`relaydesk restore FILE`: put a backup made by `relaydesk backup` back, whole or not at all."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relaydesk.backups import BackupError, backup_restore, restore_refusal


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by `relaydesk backup`, on the same "
        "kind of database (SQLite or PostgreSQL). A database that already holds people is "
        "refused unless --force. Run `relaydesk migrate` afterwards when this Relaydesk is "
        "newer than the backup."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds people and requests",
        )

    def handle(self, *args, file: Path, force: bool, **options) -> None:
        refusal = restore_refusal(file, force=force)
        if refusal is not None:
            raise CommandError(refusal)
        try:
            backup_restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the database from {file}.")
