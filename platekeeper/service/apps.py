from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "platekeeper.service"
    label = "service"
