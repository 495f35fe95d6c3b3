"""Load the national classification codes from data/klasifikasi-arsip.csv."""

from django.db import migrations


def load(apps, schema_editor):
    from warkat.archive.loader import load_codes, read_rows

    load_codes(apps.get_model("archive", "ClassificationCode"), read_rows())


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
