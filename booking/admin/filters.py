"""The inbox's filters: status, visit date, concern, "an email failed", "possible duplicates" and
"needs outcome"."""

import django_filters

from django import forms

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from clinic.models import CareArea

from ..models import VisitRequest
from ..selectors import needs_outcome, possible_duplicates_exist, requests_with_failed_emails_ids


class VisitRequestFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=VisitRequest.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    slot_start = django_filters.DateFromToRangeFilter(label="Visit date", widget=DateRangePickerWidget)
    concern = django_filters.ModelChoiceFilter(queryset=CareArea.objects.all(), empty_label="Any concern")
    email_failed = django_filters.BooleanFilter(label="An email failed", method="filter_email_failed")
    duplicates = django_filters.BooleanFilter(
        label="Possible duplicates",
        method="filter_duplicates",
        help_text="Same email address or phone number as another new, contacted or confirmed request.",
    )

    needs_outcome = django_filters.BooleanFilter(
        label="Needs outcome",
        method="filter_needs_outcome",
        help_text="Visits whose time has passed that are still new, contacted or confirmed: "
        "mark them attended, no-show or late cancel.",
    )

    class Meta:
        model = VisitRequest
        fields = ["status", "slot_start", "concern"]

    def filter_email_failed(self, queryset, name, value):
        if value is None:
            return queryset
        failed = requests_with_failed_emails_ids()
        return queryset.filter(pk__in=failed) if value else queryset.exclude(pk__in=failed)

    def filter_duplicates(self, queryset, name, value):
        if value is None:
            return queryset
        duplicates = possible_duplicates_exist()
        if value:
            return queryset.filter(duplicates, anonymised_at__isnull=True)
        return queryset.exclude(duplicates, anonymised_at__isnull=True)

    def filter_needs_outcome(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(needs_outcome()) if value else queryset.exclude(needs_outcome())
