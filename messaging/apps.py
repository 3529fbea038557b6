from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self) -> None:
        # Registers the handlers of other apps' events (airbnb.events).
        from . import handlers  # noqa: F401
