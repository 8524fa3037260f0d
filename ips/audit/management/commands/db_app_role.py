"""Create or update the app's database role and its rights (run as the owner, after migrate)."""

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ips.dbroles import app_role_grant


class Command(BaseCommand):
    help = (
        "Create or update the role the app connects as (DATABASE_APP_URL): DML rights only, "
        "no UPDATE/DELETE/TRUNCATE on the access log. Run as the owner role after migrate."
    )

    def handle(self, *args, **options):
        if not settings.DATABASE_APP_URL:
            raise CommandError(
                "Set DATABASE_APP_URL to the app role's URL, e.g. "
                "postgres://ips_app:secret@db:5432/ips (README, Deployment)."
            )
        app = dj_database_url.parse(settings.DATABASE_APP_URL)
        try:
            with connection.cursor() as cursor:
                statements = app_role_grant(
                    cursor,
                    role=app["USER"],
                    password=app.get("PASSWORD") or None,
                    database=connection.settings_dict["NAME"],
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["verbosity"] > 1:
            for statement in statements:
                self.stdout.write(statement)
        self.stdout.write(
            f"App role {app['USER']!r}: DML rights on the tables; the access log "
            "SELECT and INSERT only."
        )
