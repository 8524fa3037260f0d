from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "ips.dashboards"
    label = "dashboards"
