from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "platekeeper.search"
    label = "search"
