from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "listings"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Amenity
        from .selectors import amenity_categories_forget

        for signal in (post_save, post_delete):
            signal.connect(amenity_categories_forget, sender=Amenity, dispatch_uid=f"amenity-categories-{signal}")
