"""Small database helpers shared by the models' constraints."""

from django.db import models


class OsloToday(models.Func):
    """Today's date in Norway, computed by PostgreSQL.

    Used in CHECK constraints ("not in the future"): CURRENT_DATE would follow the connection's
    UTC time zone and refuse a legitimate entry made just after midnight in Oslo.
    """

    template = "((now() AT TIME ZONE 'Europe/Oslo')::date)"
    output_field = models.DateField()

    def __init__(self):
        super().__init__()
