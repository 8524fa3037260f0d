from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    label = "deadlines"
