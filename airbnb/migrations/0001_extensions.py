"""PostgreSQL extensions every app relies on.

The local cluster (./dev) installs them into template1 as superuser already;
on an external database these need CREATE privileges (or a DBA) once.
"""

from django.contrib.postgres.operations import BtreeGistExtension, CreateExtension, TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [
        CreateExtension("postgis"),
        BtreeGistExtension(),
        TrigramExtension(),
        UnaccentExtension(),
    ]
