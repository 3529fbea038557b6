from django.db import migrations


def load(apps, schema_editor):
    from listings.catalogue import amenity_catalogue_load

    amenity_catalogue_load(apps.get_model("listings", "Amenity"))


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
