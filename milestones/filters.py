import django_filters
from django import forms

from plans.models import Person, Theme

from .status import Status


def labelled_date_range(first, second):
    """Two date inputs under one label: each gets its own accessible name."""
    widget = django_filters.widgets.DateRangeWidget(attrs={"type": "date"})
    widget.widgets[0].attrs["aria-label"] = first
    widget.widgets[1].attrs["aria-label"] = second
    return widget


class MilestoneFilter(django_filters.FilterSet):
    """Filters for the plan page. Status and overdue use the current-status annotation."""

    theme = django_filters.ModelChoiceFilter(field_name="action__theme", queryset=Theme.objects.none(), label="Theme")
    action_lead = django_filters.ModelChoiceFilter(
        field_name="action__action_lead", queryset=Person.objects.none(), label="Action lead"
    )
    lead = django_filters.ModelChoiceFilter(queryset=Person.objects.none(), label="Milestone lead")
    agency = django_filters.ChoiceFilter(field_name="lead__agency", choices=Person.Agency.choices, label="Agency")
    status = django_filters.ChoiceFilter(field_name="current_status", choices=Status.choices, label="Status")
    overdue = django_filters.BooleanFilter(
        field_name="is_overdue",
        label="Overdue",
        widget=forms.Select(choices=[("", "Any"), ("true", "Overdue only"), ("false", "Not overdue")]),
    )
    due = django_filters.DateFromToRangeFilter(
        field_name="effective_due",
        label="Due between",
        widget=labelled_date_range("Due on or after", "Due on or before"),
    )

    def __init__(self, data=None, queryset=None, *, plan, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["theme"].queryset = Theme.objects.filter(plan=plan)
        self.filters["theme"].label = plan.group_label
        leads = Person.objects.filter(milestones_led__action__plan=plan).distinct()
        action_leads = Person.objects.filter(actions_led__plan=plan).distinct()
        self.filters["lead"].queryset = leads
        self.filters["action_lead"].queryset = action_leads
        # In the plan's own words; any family can still be asked for (an imported Amber on a four-status plan).
        scheme = plan.scheme
        self.filters["status"].extra["choices"] = scheme.choices + [
            (s.value, s.label) for s in Status if s not in scheme.offered
        ]

    @property
    def is_filtered(self):
        return self.is_bound and any(v not in (None, "", []) for v in self.data.values())
