from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "platekeeper.search"
    label = "search"

    def ready(self) -> None:
        from platekeeper.search import lookups  # noqa: F401 - registers plate__fragment, plate__positions
