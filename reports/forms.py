from django import forms
from django.utils.html import format_html

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

    def __init__(self, *args, organisations=None, kept=None, **kwargs):
        """`organisations`: those the user may import into; asked for only when there are several.
        `kept`: the name of an upload kept from the last try (then the file may be left unchosen)."""
        super().__init__(*args, **kwargs)
        if kept:
            self.keep(kept)
        if organisations is not None and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                queryset=organisations,
                required=False,
                label="Organisation",
                empty_label="The one that has this plan",
                help_text="Whose plan this is: needed when you manage a plan of this name in more than one "
                "organisation, or for a new plan.",
            )
            self.order_fields(["plan", "organisation", "file"])

    def keep(self, name):
        field = self.fields["file"]
        field.required = False
        field.help_text = format_html(
            "Kept from your last try: <strong>{}</strong>. Choose a file only to import another.", name
        )
        self["file"].help_text = field.help_text  # the bound field copies it when first made

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None:
            return None
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Choose an .xlsx or .csv file.")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"The file is {upload.size // 1024 // 1024} MB; the limit is 5 MB.")
        return upload


class ImportMappingForm(forms.Form):
    """The preview's choices: each column's field (or not imported), the as-at month for undated
    notes, whether objectives become themes or actions, and which sheet holds the plan."""

    as_at = MonthField(
        label="Undated notes are reported in",
        required=False,
        help_text="The month the document is 'as at', e.g. 2011-08.",
    )
    objectives_as = forms.ChoiceField(
        label="Objectives become",
        choices=[
            ("themes", "Themes (their key actions become actions)"),
            ("actions", "Actions (their key actions become milestones)"),
        ],
        required=False,
    )
    sheet = forms.ChoiceField(label="Sheet holding the plan", required=False)

    def __init__(self, *args, columns, sheets, **kwargs):
        from milestones.import_layout import FIELDS

        super().__init__(*args, **kwargs)
        self.fields["as_at"].widget.attrs["class"] = "form-control"
        self.fields["objectives_as"].widget.attrs["class"] = "form-select"
        self.fields["sheet"].widget.attrs["class"] = "form-select"
        self.columns = columns
        choices = [("", "Not imported")] + list(FIELDS.items())
        self.fields["sheet"].choices = [(s, s) for s in sheets]
        for index, column in enumerate(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=f"Column {column['letter']} “{column['heading']}”",
                choices=choices,
                required=False,
                initial=column["field"],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def column_rows(self):
        return [(self[f"column_{index}"], column) for index, column in enumerate(self.columns)]

    def mapping(self):
        """The columns changed here (or chosen before): the others keep their heading's, values' or saved reading."""
        chosen = {}
        for index, column in enumerate(self.columns):
            value = self.cleaned_data.get(f"column_{index}", "")
            if value != column["field"] or column["how"] == "chosen":
                chosen[column["key"]] = value
        return chosen
