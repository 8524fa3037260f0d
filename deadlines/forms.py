from django import forms
from django.utils.translation import gettext_lazy as _

from deadlines.models import Alert
from deadlines.rules import rule_choices

AGE_CHOICES = [
    ("", _("Alle")),
    ("7", _("Eldre enn 7 dager")),
    ("30", _("Eldre enn 30 dager")),
    ("90", _("Eldre enn 90 dager")),
]


class AlertFilterForm(forms.Form):
    rule = forms.ChoiceField(label=_("Regel"), required=False)
    specialist = forms.TypedChoiceField(
        label=_("Jobbspesialist"), required=False, coerce=int, empty_value=None
    )
    age = forms.TypedChoiceField(
        label=_("Alder"), choices=AGE_CHOICES, required=False, coerce=int, empty_value=None
    )
    state = forms.ChoiceField(
        label=_("Tilstand"),
        required=False,
        choices=[
            ("", _("Uløste")),
            (Alert.State.OPEN, Alert.State.OPEN.label),
            (Alert.State.ACKNOWLEDGED, Alert.State.ACKNOWLEDGED.label),
            (Alert.State.RESOLVED, Alert.State.RESOLVED.label),
        ],
    )

    def __init__(self, *args, specialists=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("Alle regler")), *rule_choices()]
        if specialists is None:
            del self.fields["specialist"]
        else:
            self.fields["specialist"].choices = [("", _("Alle"))] + [
                (str(u.pk), str(u)) for u in specialists
            ]


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hva gjøres med dette? Varselet forsvinner av seg selv når det er løst."),
    )
