from django.apps import AppConfig


class HosttoolsConfig(AppConfig):
    name = "hosttools"
