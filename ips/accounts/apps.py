from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ips.accounts"
    label = "accounts"
