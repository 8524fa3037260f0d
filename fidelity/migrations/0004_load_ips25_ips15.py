from django.db import migrations

from fidelity.scale_loader import scales_ensure_loaded


def load(apps, schema_editor):
    models = {name: apps.get_model("fidelity", name) for name in ("Scale", "Section", "Item")}
    scales_ensure_loaded(**models)


class Migration(migrations.Migration):
    dependencies = [("fidelity", "0003_item_suggestion_limits_review_export")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
