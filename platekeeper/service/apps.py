from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ServiceConfig(AppConfig):
    name = "platekeeper.service"
    label = "service"

    def ready(self) -> None:
        from platekeeper.lib import pgtime
        from platekeeper.service import checks  # noqa: F401 - registers the checks

        connection_created.connect(pgtime.use_c_loader)
