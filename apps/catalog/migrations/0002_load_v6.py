from django.db import migrations


def load(apps, schema_editor):
    from apps.catalog.loader import load_categories, load_games

    load_categories(apps)
    load_games(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
