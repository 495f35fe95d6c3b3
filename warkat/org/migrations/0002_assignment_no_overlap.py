"""On PostgreSQL, no two definitif assignments of one position may overlap in time."""

from django.db import migrations

SQL = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE org_assignment ADD CONSTRAINT assignment_definitif_no_overlap
  EXCLUDE USING gist (
    position_id WITH =,
    daterange(start_date, end_date, '[]') WITH &&
  ) WHERE (kind = 'definitif');
"""
REVERSE = "ALTER TABLE org_assignment DROP CONSTRAINT IF EXISTS assignment_definitif_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
