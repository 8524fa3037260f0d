from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fidelity.models import Item, Scale, Section
from fidelity.scale_loader import ScaleDataError, scale_data_read, scale_load


class Command(BaseCommand):
    help = "Load a new fidelity scale version from a JSON file (see fidelity/scales/ips25.json)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            data = scale_data_read(path)
            with transaction.atomic():
                scale = scale_load(data, Scale=Scale, Section=Section, Item=Item)
        except (OSError, ValueError, KeyError, ScaleDataError) as exc:
            raise CommandError(f"Could not load {path}: {exc}") from exc
        self.stdout.write(f"Loaded {scale.code} ({scale.items.count()} items).")
