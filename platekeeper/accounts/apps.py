from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "platekeeper.accounts"
    label = "accounts"
