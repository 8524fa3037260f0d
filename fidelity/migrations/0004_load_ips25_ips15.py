from django.db import migrations

from fidelity.scale_loader import SCALES_DIR, scale_data_read, scale_load

SCALE_FILES = ("ips15.json", "ips25.json")  # IPS-25 last: it is the default


def load(apps, schema_editor):
    models = {name: apps.get_model("fidelity", name) for name in ("Scale", "Section", "Item")}
    for filename in SCALE_FILES:
        data = scale_data_read(SCALES_DIR / filename)
        if not models["Scale"].objects.filter(code=data["code"]).exists():
            scale_load(data, **models)


class Migration(migrations.Migration):
    dependencies = [("fidelity", "0003_item_suggestion_limits_review_export")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
