from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    label = "deadlines"

    def ready(self) -> None:
        from deadlines.engine import RECHECKS
        from ips import changes

        # Alerts follow the record: a committed write re-evaluates the rules about its subjects
        # at once; the periodic scan stays the safety net (time passing, other subjects).
        for kind, recheck in RECHECKS.items():
            changes.subscribe(kind, recheck)
