from django import forms
from django.core.exceptions import ValidationError

from ips.forms import add_validation_error


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_service_error_stays_on_its_field_and_the_rest_are_non_field_errors():
    form = NameForm({"name": "Kari"})
    form.is_valid()
    add_validation_error(
        form,
        ValidationError(
            {"name": "Navnet er i bruk.", "team": "Teamet er arkivert.", "__all__": "Nei."}
        ),
    )
    assert form.errors["name"] == ["Navnet er i bruk."]
    assert form.non_field_errors() == ["Teamet er arkivert.", "Nei."]
    assert "name" not in form.cleaned_data


def test_an_error_without_fields_is_a_non_field_error():
    form = NameForm({"name": "Kari"})
    form.is_valid()
    add_validation_error(form, ValidationError(["Endret av andre.", "Prøv igjen."]))
    assert form.non_field_errors() == ["Endret av andre.", "Prøv igjen."]
    assert "name" not in form.errors
