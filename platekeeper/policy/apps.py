from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "platekeeper.policy"
    label = "policy"
