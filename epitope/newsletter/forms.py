"""The public subscribe form, strict about what may end up in a mail header."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from epitope.articles.models import ArticlePage
from epitope.topics.models import Topic

from .models import FREQUENCIES, WEEKLY

# Percent-, quoted-printable-, RFC 2047- and backslash-encoded line breaks: what an attacker
# types when raw CR/LF are stripped somewhere upstream.
ENCODED_BREAK = re.compile(r"%0[ad]|=0[ad]|=\?[^?]*\?[bq]\?|\\[rn]|&#x?0*(?:10|13|a|d);", re.IGNORECASE)
NAME_FORBIDDEN = set("<>@,;:\"\\")
INJECTION_ERROR = "Line breaks and other control characters are not allowed here."


def has_control_chars(value):
    """Return True if `value` holds a line break or any other control/separator character."""
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in value)


def clean_address(value):
    """Return one plain, lower-cased address or raise ValidationError."""
    value = value.strip(" ")
    if has_control_chars(value) or ENCODED_BREAK.search(value):
        raise ValidationError(INJECTION_ERROR, code="injection")
    if any(sep in value for sep in ",; ") or value.count("@") != 1:
        raise ValidationError("Enter a single email address.", code="multiple")
    if len(value) > 254:
        raise ValidationError("That address is too long.", code="too_long")
    validate_email(value)
    return value.lower()


def clean_display_name(value):
    value = value.strip(" ")
    if has_control_chars(value) or ENCODED_BREAK.search(value):
        raise ValidationError(INJECTION_ERROR, code="injection")
    if NAME_FORBIDDEN.intersection(value):
        raise ValidationError(
            "A name cannot contain email addresses or the characters < > @ , ; : \" \\.", code="address_like"
        )
    return value


class SubscribeForm(forms.Form):
    # strip=False: Django would quietly drop a trailing "\r\n"; we want to refuse it instead.
    email = forms.CharField(label="Email address", max_length=320, strip=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    name = forms.CharField(label="Name (optional)", max_length=100, required=False, strip=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    topics = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Topics",
        error_messages={"required": "Choose at least one topic."},
    )
    article_type = forms.ChoiceField(label="Stories", required=False)
    frequency = forms.ChoiceField(choices=FREQUENCIES, initial=WEEKLY, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.filter(page__live=True).order_by("name")
        self.fields["article_type"].choices = [("", "All stories"), *ArticlePage.ARTICLE_TYPES]

    def clean_email(self):
        return clean_address(self.cleaned_data["email"])

    def clean_name(self):
        return clean_display_name(self.cleaned_data.get("name", ""))

    def filters(self):
        """Return the facet filter dict stored on the subscription."""
        article_type = self.cleaned_data.get("article_type")
        return {"type": article_type} if article_type else {}
