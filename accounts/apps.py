from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Registers the OpenAPI security scheme of the API's Bearer authentication.
        from . import authentication  # noqa: F401
