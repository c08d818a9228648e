from django.apps import AppConfig


class HotlistsConfig(AppConfig):
    name = "platekeeper.hotlists"
    label = "hotlists"
