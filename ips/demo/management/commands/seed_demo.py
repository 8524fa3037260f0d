"""Demo data: `manage.py seed_demo` (small, for `make run`) or `--scale national` (benchmarks).

Deterministic (fixed random seed, dates relative to today) and idempotent: running it again on a
database that already holds the demo data changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ips.demo import national, small


class Command(BaseCommand):
    help = "Load deterministic demo data (small by default; --scale national for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "national"], default="small")
        parser.add_argument(
            "--teams", type=int, default=None, help="National scale: number of teams (default 200)."
        )

    def handle(self, *args, scale, teams, **options):
        if scale == "small":
            with transaction.atomic():
                created = small.seed()
            if created:
                self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            else:
                self.stdout.write("Demo data already present; nothing changed.")
            self.stdout.write(small.logins_text())
            return
        if teams is not None and teams < 1:
            raise CommandError("--teams must be at least 1.")
        report = national.seed(teams=teams or national.DEFAULT_TEAMS, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(report))
