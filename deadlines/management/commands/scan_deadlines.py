from django.core.management.base import BaseCommand, CommandError

from deadlines.engine import scan
from deadlines.rules import RULES_BY_CODE


class Command(BaseCommand):
    help = "Run the deadline scan now (the same scan Celery beat runs) and print a summary."

    def add_arguments(self, parser):
        parser.add_argument(
            "rules", nargs="*", help="Rule codes (default: all). " + ", ".join(RULES_BY_CODE)
        )

    def handle(self, *args, rules, **options):
        unknown = sorted(set(rules) - RULES_BY_CODE.keys())
        if unknown:
            raise CommandError(f"Unknown rule(s): {', '.join(unknown)}")
        results = scan(rules=rules or None)
        width = max(len(code) for code in RULES_BY_CODE)
        self.stdout.write(f"{'rule':<{width}}  opened    kept  resolved")
        for r in results:
            self.stdout.write(f"{r.rule:<{width}}  {r.opened:>6}  {r.kept:>6}  {r.resolved:>8}")
        total = [sum(getattr(r, f) for r in results) for f in ("opened", "kept", "resolved")]
        self.stdout.write(f"{'total':<{width}}  {total[0]:>6}  {total[1]:>6}  {total[2]:>8}")
