"""`relaydesk token create EMAIL`: a personal API token, printed once."""

from django.core.management.base import BaseCommand, CommandError

from relaydesk.directory.models import Person
from relaydesk.directory.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a person; it is printed once and stored hashed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="Command-line token", help="what the token is for")

    def handle(self, *args, email: str, name: str, **options) -> None:
        person = Person.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if person is None:
            raise CommandError(f"no active person has the email {email!r}")
        _, secret = api_token_create(person=person, name=name)
        self.stdout.write(secret)
        self.stderr.write(
            f"Token for {person.email}; keep it now, it cannot be shown again. "
            "Send it as 'Authorization: Bearer <token>'."
        )
