"""The vocational profile's flattened free-text answers move to the kit's own questions, losing
nothing: a clear «ja»/«nei» (or a clear kit rating) becomes the structured answer; any other
text is kept word for word in `previous_answers` (shown read-only under the questions that
replaced it). Earlier versions in the change history get the same `previous_answers`, so the
history keeps its texts when 0008 drops the old columns. Reversible."""

from django.db import migrations

from ips.history import acting_as

VIA = "migration: yrkesprofil etter kartleggingsskjemaet"

# Old free-text field -> the new field a clear answer maps to, and how.
YES_NO = {
    "criminal_record": "has_been_arrested",
    "disclosure": "willing_to_disclose",
    "substance_use": "has_used_substances",
}
RATING = {"social_skills": "social_skills_rating"}
# Replaced by two or more questions: always kept as text.
TEXT_ONLY = (
    "education",
    "medication",
    "hygiene_and_clothing",
    "interests_and_routine",
    "motivation_and_worries",
    "work_habits",
)
OLD_FIELDS = (*YES_NO, *RATING, *TEXT_ONLY)
# `medication` stays a field (now: which medicines); its old text also said when they are
# taken, so it moves to previous_answers and the field starts empty.
CLEARED_BUT_KEPT = ("medication",)

YES = {"ja", "yes", "j", "ja."}
NO = {"nei", "no", "n", "nei."}
RATINGS = {
    "utmerket": 4,
    "svært god": 4,
    "god": 3,
    "akseptabel": 2,
    "middels": 2,
    "dårlig": 1,
}


def _word(text):
    return " ".join(text.strip().lower().rstrip(".!").split())


def convert(row):
    """The new values for one profile (or history) row, from its old columns. Returns a dict
    of field -> value; `previous_answers` holds every text not mapped cleanly."""
    previous = dict(row.previous_answers or {})
    values = {}
    for old in OLD_FIELDS:
        text = getattr(row, old) or ""
        if not text.strip():
            continue
        word = _word(text)
        if old in YES_NO and word in YES | NO:
            values[YES_NO[old]] = word in YES
        elif old in RATING and word in RATINGS:
            values[RATING[old]] = RATINGS[word]
        else:
            previous[old] = text
    values["previous_answers"] = previous
    for old in CLEARED_BUT_KEPT:
        if old in previous:
            values[old] = ""
    return values


def forwards(apps, schema_editor):
    Profile = apps.get_model("participants", "VocationalProfile")
    History = apps.get_model("participants", "VocationalProfileHistory")
    with acting_as(None, via=VIA):
        for profile in Profile.objects.order_by("pk").iterator():
            values = convert(profile)
            if values["previous_answers"] or len(values) > 1:
                Profile.objects.filter(pk=profile.pk).update(**values)
    # History rows: only the text is carried over (a version keeps its own answers).
    for row in History.objects.order_by("pk").iterator():
        values = convert(row)
        if values["previous_answers"] or len(values) > 1:
            History.objects.filter(pk=row.pk).update(**values)


def backwards(apps, schema_editor):
    Profile = apps.get_model("participants", "VocationalProfile")
    with acting_as(None, via=VIA):
        for profile in Profile.objects.order_by("pk").iterator():
            previous = dict(profile.previous_answers)
            values = {old: previous.pop(old) for old in OLD_FIELDS if old in previous}
            for old, new in YES_NO.items():
                answer = getattr(profile, new)
                if old not in values and answer is not None:
                    values[old] = "Ja" if answer else "Nei"
            Profile.objects.filter(pk=profile.pk).update(previous_answers=previous, **values)


class Migration(migrations.Migration):
    dependencies = [("participants", "0008_profile_kit_questions")]

    operations = [migrations.RunPython(forwards, backwards)]
