from django.apps import AppConfig


class ReadsConfig(AppConfig):
    name = "platekeeper.reads"
    label = "reads"
