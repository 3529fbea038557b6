from django.db import migrations


def load(apps, schema_editor):
    from listings.catalogue import AMENITIES

    Amenity = apps.get_model("listings", "Amenity")
    for order, (code, name, category, icon) in enumerate(AMENITIES):
        Amenity.objects.update_or_create(
            code=code, defaults={"name": name, "category": category, "icon": icon, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
