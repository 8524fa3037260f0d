from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Regneark (.xlsx eller .csv)"),
        help_text=_("Største filstørrelse: %(mb)s MB. Arbeidsbøker med makroer tas ikke imot.")
        % {"mb": settings.SPREADSHEET_IMPORT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
