"""`relaydesk createadmin EMAIL`: create an admin, or make an existing person one."""

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from relaydesk.audit.models import Action
from relaydesk.audit.record import record
from relaydesk.directory.models import Person


class Command(BaseCommand):
    help = (
        "Create an admin or make an existing person one, and set their password. The password "
        "is asked for twice on a terminal, or read from the first line of standard input."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", help="the new admin's name (default: from the email)")

    def handle(self, *args, email: str, name: str | None, **options) -> None:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address") from None
        person = Person.objects.filter(email=email).first() or Person(
            email=email, name=name or email.split("@")[0]
        )
        if name:
            person.name = name
        password = self._read_password()
        try:
            validate_password(password, person)
        except ValidationError as exc:
            raise CommandError("password: " + " ".join(exc.messages)) from None
        created = person.pk is None
        before = {} if created else {"is_admin": person.is_admin, "is_active": person.is_active}
        person.is_admin = True
        person.is_active = True
        person.set_password(password)
        with transaction.atomic():
            person.save()
            after = {"is_admin": True, "is_active": True, "password_set": True}
            action = Action.PERSON_CREATED if created else Action.PERSON_CHANGED
            record(None, action, person, before, after)
        self.stdout.write(f"{'Created' if created else 'Updated'} admin {email}")

    def _read_password(self) -> str:
        if not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("password: none given on standard input")
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("password: the two entries differ")
        return password
