from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "platekeeper.sharing"
    label = "sharing"
