"""Rehearse backup and restore on this database (ips/audit/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ips.audit.backup import rehearse


class Command(BaseCommand):
    help = (
        "pg_dump -Fc this database, restore it into a scratch database, compare every table's "
        "row count and check the access log's append-only triggers; exit 1 on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep-dump", type=Path, help="also keep the dump at this path")

    def handle(self, *args, **options):
        s = connection.settings_dict
        params = {
            "dbname": s["NAME"],
            "host": s.get("HOST"),
            "port": s.get("PORT"),
            "user": s.get("USER"),
            "password": s.get("PASSWORD"),
        }
        result = rehearse(params, keep_dump=options.get("keep_dump"))
        rows = sum(source for source, _ in result.counts.values())
        self.stdout.write(
            f"dump {result.dump_bytes / 1024:.0f} KB in {result.dump_seconds:.1f} s; restored in "
            f"{result.restore_seconds:.1f} s; {len(result.counts)} tables, {rows} rows"
        )
        for table, (source, restored) in result.mismatches.items():
            self.stdout.write(f"  MISMATCH {table}: {source} in the source, {restored} restored")
        for trigger, present in result.triggers.items():
            self.stdout.write(f"  access log trigger {trigger}: {'ok' if present else 'MISSING'}")
        if not result.ok:
            raise CommandError("backup rehearsal failed")
        self.stdout.write("backup rehearsal ok: every table's row count matches")
