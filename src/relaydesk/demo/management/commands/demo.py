"""`relaydesk demo`: migrate, build a demo organisation into an empty database, then serve it."""

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relaydesk.catalog.models import Service
from relaydesk.demo import organisation, story
from relaydesk.demo.history import BuildMismatch, demo_build_history, demo_build_start
from relaydesk.demo.models import DemoBuild
from relaydesk.directory.models import Person

KESTREL_REQUESTS = 3000
KESTREL_DAYS = 182  # six months
SCALED_REQUESTS_PER_PERSON = 100  # 10,000 people: SPEC §7's "large" dataset
SCALED_DAYS = 730  # two years


class Command(BaseCommand):
    help = (
        "Build a demo organisation and serve it: Kestrel Motors, a car plant, or with --people "
        "an organisation of that size (Northwind Group). A database that already holds a "
        "finished demo is served as it is, never overwritten; a build that was stopped "
        "resumes where it stopped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="only build, do not serve")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--people",
            type=int,
            help="build an organisation of this many people (at least 40) instead of Kestrel "
            "Motors, with two years of history",
        )
        parser.add_argument(
            "--requests",
            type=int,
            help=f"how many requests of history to build (default {KESTREL_REQUESTS:,} for "
            f"Kestrel Motors, {SCALED_REQUESTS_PER_PERSON} per person with --people)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            help="the random seed: the same seed builds the same organisation and history "
            "(default 1)",
        )
        parser.add_argument(
            "--now",
            help="when the history ends, with its offset (e.g. 2026-11-02T09:00+01:00; default: "
            "the moment the build starts): with the same seed, the same requests every run",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="processes that simulate the history (default: one per CPU core, up to 4, "
            "for large builds)",
        )

    def handle(
        self,
        *args,
        no_serve: bool,
        host: str,
        port: int,
        people: int | None,
        requests: int | None,
        seed: int | None,
        now: str | None,
        workers: int | None,
        **options,
    ) -> None:
        history_end = None if now is None else _instant("--now", now)
        if requests is not None and requests < 0:
            raise CommandError("--requests must be 0 or more")
        if people is not None and people < 40:
            raise CommandError("--people must be at least 40")
        if workers is not None and workers < 0:
            raise CommandError("--workers must be 0 or more")
        call_command("migrate", interactive=False, verbosity=0)
        build = DemoBuild.objects.first()
        if build is None and Person.objects.exists():
            if not Person.objects.filter(email__endswith=f"@{story.DOMAIN}").exists():
                raise CommandError(
                    "this database already holds another organisation; point "
                    "RELAYDESK_DATA_DIR or DATABASE_URL at an empty one for the demo"
                )
            self.stdout.write("The demo organisation is already built; serving it as it is.")
        elif build is None:
            build = self._build_organisation(
                people, requests, 1 if seed is None else seed, history_end
            )
        elif build.finished:
            self.stdout.write(
                f"The demo organisation is already built ({build.get_organisation_display()}, "
                f"{build.requests:,} requests); serving it as it is."
            )
        else:
            self._check_same_build(build, people, requests, seed, history_end)
            self.stdout.write(
                f"Resuming the stopped build of {build.get_organisation_display()}: "
                f"{build.requests_done:,} of {build.requests:,} requests are built."
            )
        if build is not None and not build.finished:
            self._build_history(build, workers)
        self._print_accounts(build)
        if not no_serve:
            # A new user sees notifications arrive without starting anything else.
            with worker_beside():
                call_command("serve", host=host, port=port)

    def _build_organisation(
        self, people: int | None, requests: int | None, seed: int, now: datetime | None
    ):
        # The organisation and the build's record are written together, or not at all.
        with transaction.atomic():
            if people is None:
                story.build_story()
                kind, days = DemoBuild.Organisation.KESTREL, KESTREL_DAYS
                requests = KESTREL_REQUESTS if requests is None else requests
            else:
                organisation.build_organisation(
                    people=people, seed=seed, progress=lambda line: self.stdout.write(f"  {line}")
                )
                kind, days = DemoBuild.Organisation.SCALED, SCALED_DAYS
                if requests is None:
                    requests = people * SCALED_REQUESTS_PER_PERSON
            build = demo_build_start(
                organisation=kind,
                people=Person.objects.count(),
                requests=requests,
                seed=seed,
                days=days,
                now=now,
            )
        self.stdout.write(
            f"Built {build.get_organisation_display()}: {build.people:,} people, "
            f"{Service.objects.count():,} services."
        )
        return build

    def _check_same_build(
        self,
        build: DemoBuild,
        people: int | None,
        requests: int | None,
        seed: int | None,
        now: datetime | None,
    ) -> None:
        scaled = build.organisation == DemoBuild.Organisation.SCALED
        asked_for_another = (
            (people is not None and (not scaled or people != build.people))
            or (requests is not None and requests != build.requests)
            or (seed is not None and seed != build.seed)
            or (now is not None and now != build.history_end)
        )
        if asked_for_another:
            ended = build.history_end.isoformat()
            again = f"--requests {build.requests} --seed {build.seed} --now {ended}"
            if scaled:
                again = f"--people {build.people} {again}"
            raise CommandError(
                f"this database holds a stopped demo build of another size, seed or end "
                f"({again}); "
                f"run `relaydesk demo {again}` to finish it, or point RELAYDESK_DATA_DIR or "
                "DATABASE_URL at an empty database for a new one"
            )

    def _build_history(self, build: DemoBuild, workers: int | None) -> None:
        # The history ends when the build began, so the demo's queues and clocks are live.
        try:
            demo_build_history(build=build, workers=workers, out=self.stdout.write)
        except BuildMismatch as error:
            raise CommandError(str(error)) from None
        except BaseException:
            with suppress(Exception):  # the database may be what failed
                build.refresh_from_db()
            self.stderr.write(
                f"The build stopped with {build.requests_done:,} of {build.requests:,} requests "
                "written, each day whole; run the same command again to resume it."
            )
            raise

    def _print_accounts(self, build: DemoBuild | None) -> None:
        if build is not None and build.organisation == DemoBuild.Organisation.SCALED:
            accounts = organisation.sample_accounts()
        else:
            accounts = story.SAMPLE_ACCOUNTS
        self.stdout.write(
            f"\nSign in with any of these accounts; the password is {story.DEMO_PASSWORD!r}:"
        )
        width = max((len(account.email) for account in accounts), default=0)
        for account in accounts:
            self.stdout.write(f"  {account.email:<{width}}  {account.role}")
        self.stdout.write("")


def _instant(option: str, text: str) -> datetime:
    """An aware date and time to the second (the history keeps whole seconds)."""
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        instant = None
    # Without an offset the same words would build another history in another timezone.
    if instant is None or instant.utcoffset() is None or not 1900 <= instant.year <= 2200:
        raise CommandError(
            f"{option} must be a date and time with its offset, between the years 1900 and "
            f"2200 (e.g. 2026-11-02T09:00+01:00), not {text!r}"
        )
    return instant.replace(microsecond=0)


@contextmanager
def worker_beside() -> Iterator[None]:
    """`relaydesk worker` in a child process for as long as the server runs."""
    worker = subprocess.Popen([sys.executable, "-m", "relaydesk", "worker"])
    try:
        yield
    finally:
        worker.terminate()  # it finishes the event in hand, then stops
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
