from django import forms
from django.core.exceptions import ValidationError

from milestones import schemes
from milestones.status import Status
from safeguarding import dates

from . import roles
from .models import Action, GlossaryTerm, Person, Plan, PlanApproval, PlanVersion, Theme

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


def month_value(field, value):
    """A month typed as 2009-10 or Oct 2009 (or a date), as its first day; the field's message otherwise."""
    if value in field.empty_values:
        return None
    if hasattr(value, "year"):
        return value.replace(day=1)
    month = dates.parse_month(str(value))
    if month is None:
        raise forms.ValidationError(field.error_messages["invalid"], code="invalid")
    return month


class MonthField(forms.DateField):
    """A reporting month, typed as 2009-10 (the browser's month picker) or Oct 2009."""

    widget = MonthInput
    default_error_messages = {"invalid": "Enter a month such as 2009-10 or Oct 2009."}

    def to_python(self, value):
        return month_value(self, value)


CHOOSE = "Choose…"


def choose_placeholders(form):
    """An empty choice in a select reads "Choose…", not Django's "---------"."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) == "---------":
            field.empty_label = CHOOSE
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = list(field.choices)
            if any(value == "" and label == "---------" for value, label in choices):
                field.choices = [(v, CHOOSE if v == "" and label == "---------" else label) for v, label in choices]
    return form


class OpenMonthField(forms.ChoiceField):
    """A reporting month chosen from a list (the plan's open months, newest first), labelled
    "October 2009". Typed months ("2009-10", "Oct 2009") are read too, for scripts and old links."""

    default_error_messages = {
        "invalid": "Enter a month such as 2009-10 or Oct 2009.",
        "invalid_choice": "That month is closed to updates, or has not begun: choose one of the open months.",
    }

    def __init__(self, *, months=(), refuse_unlisted=True, **kwargs):
        # refuse_unlisted=False: the model's own validation explains why a month is refused
        # (locked, and by whom; in the future), which says more than "not one of the choices".
        self.refuse_unlisted = refuse_unlisted
        super().__init__(choices=[(m, dates.month_long_label(m)) for m in months], **kwargs)

    def to_python(self, value):
        return month_value(self, value)

    def valid_value(self, value):
        return not self.refuse_unlisted or any(value == key for key, _ in self.choices)


class VersionedFormMixin(forms.ModelForm):
    """Carries the version the user opened; a stale save is refused with a clear message, input kept."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("opened_version")
        if self.instance.pk and opened:
            self.instance.expected_version = opened
            stored = type(self.instance)._base_manager.filter(pk=self.instance.pk)
            current = stored.values_list("version", flat=True).first()
            if current != opened:
                raise forms.ValidationError(self.instance.changed_since_message())
        return cleaned


def _default_to_only_choice(field, current):
    """An organisation choice: optional when the user manages one organisation (it is then used)."""
    field.empty_label = None
    field.required = field.queryset.count() > 1
    field.initial = current or (field.queryset.first().pk if field.queryset.exists() else None)


def _only_choice_if_empty(form, name):
    value = form.cleaned_data.get(name)
    if value is None:
        value = form.fields[name].queryset.first()
        if value is None:
            raise forms.ValidationError("You do not manage any organisation, so cannot do this.")
    return value


class PlanForm(forms.ModelForm):
    """A plan's settings. The owning organisation is chosen among those the user manages."""

    class Meta:
        model = Plan
        fields = [
            "name",
            "owner",
            "organisation",
            "purpose",
            "period_start",
            "period_end",
            "group_label",
            "update_deadline_working_day",
            "reminder_days_before",
            "escalation_days_after",
            "status_scheme",
        ]
        widgets = {
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "status_scheme": forms.RadioSelect,
        }
        labels = {"organisation": "organisation name printed on reports"}

    # Given to the service as well as the model fields (plans.views.form_data).
    service_fields = ("custom_statuses",)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status_scheme"].required = False
        # The plan's own labels: a word and a colour for each status it uses, not raw JSON.
        own = {entry.get("status"): entry for entry in (self.instance.custom_statuses or [])}
        for status in Status:
            entry = own.get(status.value, {})
            self.fields[f"label_{status.value}"] = forms.CharField(
                label=f"Word for {status.label.lower()}",
                required=False,
                max_length=schemes.LABEL_MAX_LENGTH,
                initial=entry.get("label", ""),
                help_text="Needed: finished milestones stop being chased."
                if status == Status.ACHIEVED
                else "Leave blank if the plan does not use it.",
            )
            self.fields[f"colour_{status.value}"] = forms.ChoiceField(
                required=False,
                label="Colour",
                choices=[(c, c.capitalize()) for c in schemes.COLOURS],
                initial=entry.get("colour", schemes.DEFAULT_COLOURS[status]),
            )
        owners = roles.managed_organisations(user)
        if self.instance.owner_id:
            owners = owners | type(self.instance.owner).objects.filter(pk=self.instance.owner_id)
        self.fields["owner"].queryset = owners.distinct()
        _default_to_only_choice(self.fields["owner"], self.instance.owner_id)

    def clean_owner(self):
        return _only_choice_if_empty(self, "owner")

    def clean_status_scheme(self):
        # Not chosen (an older form, a script): the plan keeps its scheme, a new plan gets the default.
        return self.cleaned_data.get("status_scheme") or self.instance.status_scheme or schemes.SchemeKind.FOUR

    @property
    def own_label_fields(self):
        return [f"{kind}_{s.value}" for s in Status for kind in ("label", "colour")]

    @property
    def own_label_rows(self):
        return [(s, self[f"label_{s.value}"], self[f"colour_{s.value}"]) for s in Status]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status_scheme") != schemes.SchemeKind.CUSTOM:
            cleaned["custom_statuses"] = self.instance.custom_statuses or []  # kept for when they switch back
            return cleaned
        entries = [
            {
                "status": s.value,
                "label": cleaned.get(f"label_{s.value}", ""),
                "colour": cleaned.get(f"colour_{s.value}"),
            }
            for s in Status
            if (cleaned.get(f"label_{s.value}") or "").strip()
        ]
        try:
            cleaned["custom_statuses"] = self.instance.custom_statuses = schemes.custom_statuses_clean(entries)
        except ValidationError as refused:
            self.add_error("status_scheme", refused)
        return cleaned


class PlanChildForm(forms.ModelForm):
    """A form for a record that belongs to one plan; the plan comes from the URL."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan


class ThemeForm(PlanChildForm):
    class Meta:
        model = Theme
        fields = ["name", "description", "order"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Theme.objects.filter(plan=self.plan, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f'This plan already has a {self.plan.group_label.lower()} called "{name}".')
        return name


class ActionForm(VersionedFormMixin, PlanChildForm):
    class Meta:
        model = Action
        fields = ["ref", "title", "theme", "action_lead", "expected_outcome", "sources"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "expected_outcome": forms.Textarea(attrs={"rows": 2}),
            "sources": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(plan=self.plan)
        self.fields["theme"].label = self.plan.group_label
        self.fields["action_lead"].queryset = Person.objects.for_plan(self.plan)

    def clean_ref(self):
        # The plan is not a form field, so Django's own unique check would skip it.
        ref = self.cleaned_data["ref"].strip()
        clash = Action.objects.filter(plan=self.plan, ref__iexact=ref).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(
                f'Ref {ref} is already used in this plan by "{clash.title}". Choose another ref.'
            )
        return ref


class PersonForm(forms.ModelForm):
    """A lead on the list of an organisation the user manages; the login is one of its members."""

    class Meta:
        model = Person
        fields = ["name", "job_title", "agency", "owner", "organisation", "email", "user"]
        labels = {"organisation": "organisation name as written"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        managed = roles.managed_organisations(user)
        self.fields["owner"].queryset = managed
        self.fields["owner"].label = "on the list of"
        _default_to_only_choice(self.fields["owner"], self.instance.owner_id)
        User = self.fields["user"].queryset.model
        self.fields["user"].queryset = User.objects.filter(
            memberships__organisation__in=managed.values("pk")
        ).distinct()

    def clean_owner(self):
        return _only_choice_if_empty(self, "owner")


class PlanVersionForm(PlanChildForm):
    class Meta:
        model = PlanVersion
        fields = ["label", "date", "change"]
        widgets = {"date": DATE_WIDGET, "change": forms.Textarea(attrs={"rows": 2})}

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        if PlanVersion.objects.filter(plan=self.plan, label__iexact=label).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"Version {label} already exists for this plan.")
        return label


class PlanApprovalForm(forms.ModelForm):
    class Meta:
        model = PlanApproval
        fields = ["version", "body", "date"]
        widgets = {"date": DATE_WIDGET}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = PlanVersion.objects.filter(plan=plan)


class GlossaryTermForm(PlanChildForm):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "definition"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 2})}

    def clean_term(self):
        # The plan is not a form field, so Django's own unique check would skip it (and the database refuse it).
        term = self.cleaned_data["term"].strip()
        if GlossaryTerm.objects.filter(plan=self.plan, term__iexact=term).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f'The glossary already defines "{term}". Edit that entry instead.')
        return term
