"""Participants created before their contact details were shown get the phone number their
referral carried (the first meeting copies it since then). Stored checked (E.164) where it is a
valid number, otherwise as typed on the referral, so nothing is lost. The referral has no
address or e-mail to copy."""

from django.core.exceptions import ValidationError
from django.db import migrations


def copy_phone_from_referral(apps, schema_editor):
    from ips.validators import normalise_phone

    Participant = apps.get_model("participants", "Participant")
    rows = (
        Participant.objects.filter(phone="", referral__isnull=False)
        .exclude(referral__phone="")
        .values_list("pk", "referral__phone")
    )
    for pk, phone in rows.iterator():
        try:
            phone = normalise_phone(phone)
        except ValidationError:
            pass
        Participant.objects.filter(pk=pk).update(phone=phone[:30])


class Migration(migrations.Migration):
    dependencies = [("participants", "0006_participant_contact_details")]

    operations = [migrations.RunPython(copy_phone_from_referral, migrations.RunPython.noop)]
