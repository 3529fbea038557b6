from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """The project package as an app: platform commands, extensions migration, health."""

    name = "airbnb"
    label = "platform"
    verbose_name = "Platform"
