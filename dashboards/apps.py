from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    label = "dashboards"

    def ready(self) -> None:
        # Cached outcome figures follow the writes that change them (dashboards/figures.py).
        from dashboards.figures import subscribe_invalidation

        subscribe_invalidation()
