"""Small PostgreSQL expressions shared by the models' constraints and the read-side queries."""

from collections.abc import Iterable

from django.db import models


def sql_text_list(values: Iterable[str]) -> str:
    """`('a', 'b')`: constant text values (choices from a model, never user input) as an SQL list
    for hand-written set-based SQL, so the SQL takes its values from the one Python definition."""
    quoted = ["'" + str(v).replace("'", "''") + "'" for v in values]
    if not quoted:
        raise ValueError("an SQL list needs at least one value")
    return "(" + ", ".join(quoted) + ")"


class OsloToday(models.Func):
    """Today's date in Norway, computed by PostgreSQL.

    Used in CHECK constraints ("not in the future"): CURRENT_DATE would follow the connection's
    UTC time zone and refuse a legitimate entry made just after midnight in Oslo.
    """

    template = "((now() AT TIME ZONE 'Europe/Oslo')::date)"
    output_field = models.DateField()

    def __init__(self):
        super().__init__()


class Percentile50(models.Aggregate):
    """PostgreSQL's continuous median: percentile_cont(0.5) WITHIN GROUP (ORDER BY x)."""

    function = "PERCENTILE_CONT"
    name = "Percentile50"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()


class DaysBetween(models.Func):
    """`later - earlier` for two dates: in PostgreSQL date minus date is a whole number of days."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = models.IntegerField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)


class InArray(models.Func):
    """`value = ANY(array)` as a filter expression, e.g. with an ArraySubquery of ids: the planner
    then probes an index per id instead of hash-joining a whole table."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = models.BooleanField()


class DigitsOnly(models.Func):
    """The digits of a text column ("+47 912 34 567" → "4791234567"), to compare phone numbers
    however they were typed."""

    template = "regexp_replace(%(expressions)s, '\\D', '', 'g')"
    output_field = models.CharField()
