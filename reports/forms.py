from django import forms

from plans.forms import DATE_WIDGET, MonthField

from . import registry
from .models import CommitteePack, PackSection


class CommitteePackForm(forms.ModelForm):
    as_at = MonthField(label="Reports as at month", help_text="The month the appendices report on, e.g. 2009-10.")
    appendices = forms.MultipleChoiceField(
        choices=registry.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Numbered and titled automatically, in this order.",
    )

    class Meta:
        model = CommitteePack
        fields = [
            "meeting",
            "meeting_date",
            "report_title",
            "agenda_item",
            "report_of",
            "signed_by",
            "contact_officer",
            "wards_affected",
            "report_for",
            "as_at",
            "purpose",
            "recommendations",
            "reasons",
            "summary",
            "background_papers",
            "appendices",
        ]
        widgets = {
            "meeting_date": DATE_WIDGET,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
            "reasons": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "background_papers": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan

    def clean_appendices(self):
        chosen = set(self.cleaned_data["appendices"])
        return [kind for kind in registry.REPORTS if kind in chosen]


class PackSectionForm(forms.ModelForm):
    class Meta:
        model = PackSection
        fields = ["heading", "slot", "placement", "body", "order"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, pack, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pack = pack
        from .covers import PACK_FIELDS
        from .models import CoverTemplate

        slots = [s for s in CoverTemplate.slots_for(pack.plan) if s.key not in PACK_FIELDS and s.key != "appendices"]
        self.fields["slot"] = forms.ChoiceField(
            label="Section of the cover template",
            choices=[("", "None: placed as below")] + [(s.key, s.heading) for s in slots],
            required=False,
        )


class SnapshotTakeForm(forms.Form):
    period = MonthField(label="Month", help_text="The month to freeze, e.g. 2009-10.")
    kind = forms.ChoiceField(choices=[("monthly", "Monthly"), ("quarterly", "Quarterly")])
    retake = forms.BooleanField(
        required=False,
        label="Retake if it already exists (the old snapshot is kept, marked superseded)",
    )


MAX_IMPORT_BYTES = 5 * 1024 * 1024


class PlanImportForm(forms.Form):
    plan = forms.CharField(
        label="Plan name",
        max_length=200,
        help_text="An existing plan's name to update it, or a new name to create one.",
    )
    file = forms.FileField(label="Spreadsheet", help_text="The milestone report as .xlsx or .csv (at most 5 MB).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Choose an .xlsx or .csv file.")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"The file is {upload.size // 1024 // 1024} MB; the limit is 5 MB.")
        return upload
