from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ips.audit"
    label = "audit"
