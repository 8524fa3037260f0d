"""Only a meeting in person has a place. Until now the contact dialog defaulted «Sted» to «Ute i
samfunnet» whatever the mode, so phone, video and message contacts carry a place they never had;
it is cleared (the change history keeps the old value) before the CHECK is added."""

from django.db import migrations, models


def clear_place_of_remote_contacts(apps, schema_editor):
    Contact = apps.get_model("participants", "Contact")
    Contact.objects.exclude(mode="face_to_face").exclude(place="").update(place="")


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0004_participant_in_work_at_referral"),
    ]

    operations = [
        migrations.RunPython(clear_place_of_remote_contacts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.CheckConstraint(
                condition=models.Q(("mode", "face_to_face"), ("place", ""), _connector="OR"),
                name="contact_place_only_in_person",
                violation_error_message="Bare møter ansikt til ansikt har et sted.",
            ),
        ),
    ]
