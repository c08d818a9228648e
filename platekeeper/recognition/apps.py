from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "platekeeper.recognition"
    label = "recognition"
    verbose_name = "Plate recognition"
