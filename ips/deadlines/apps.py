from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "ips.deadlines"
    label = "deadlines"
