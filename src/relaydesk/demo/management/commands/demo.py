"""`relaydesk demo`: migrate, build the demo organisation into an empty database, then serve it."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from relaydesk.catalog.models import Service
from relaydesk.demo.activity import build_activity
from relaydesk.demo.story import DEMO_PASSWORD, DOMAIN, SAMPLE_ACCOUNTS, build_story
from relaydesk.directory.models import Person


class Command(BaseCommand):
    help = (
        "Build the demo organisation (Kestrel Motors, a car plant) and serve it. A database "
        "that already holds people is served as it is, never overwritten."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="only build, do not serve")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--requests",
            type=int,
            default=3000,
            help="how many requests of history to build, over the last six months (default 3000)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="the random seed: the same seed builds the same history (default 1)",
        )

    def handle(
        self,
        *args,
        no_serve: bool,
        host: str,
        port: int,
        requests: int,
        seed: int,
        **options,
    ) -> None:
        if requests < 0:
            raise CommandError("--requests must be 0 or more")
        call_command("migrate", interactive=False, verbosity=0)
        if Person.objects.exists():
            if not Person.objects.filter(email__endswith=f"@{DOMAIN}").exists():
                raise CommandError(
                    "this database already holds another organisation; point "
                    "RELAYDESK_DATA_DIR or DATABASE_URL at an empty one for the demo"
                )
            self.stdout.write("The demo organisation is already built; serving it as it is.")
        else:
            build_story()
            self.stdout.write(
                f"Built Kestrel Motors: {Person.objects.count()} people, "
                f"{Service.objects.count()} services."
            )
            # The history ends now, so the demo's queues and clocks are live when it is served.
            build_activity(requests=requests, seed=seed, out=self.stdout.write)
        self.stdout.write(
            f"\nSign in with any of these accounts; the password is {DEMO_PASSWORD!r}:"
        )
        for account in SAMPLE_ACCOUNTS:
            self.stdout.write(f"  {account.email:<40} {account.role}")
        self.stdout.write("")
        if not no_serve:
            call_command("serve", host=host, port=port)
