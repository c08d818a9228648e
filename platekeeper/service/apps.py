from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "platekeeper.service"
    label = "service"

    def ready(self) -> None:
        from platekeeper.service import checks  # noqa: F401 - registers the checks
