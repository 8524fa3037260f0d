from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ips.demo"
    label = "demo"
