from django.db import migrations


def load(apps, schema_editor):
    from apps.catalog.loader import load_game_catalog

    load_game_catalog(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_uimarket_sections")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
