from django import forms

from plans.forms import DATE_WIDGET, OpenMonthField, VersionedFormMixin
from plans.models import Person
from safeguarding import dates

from .models import Milestone, ProgressUpdate, SlippageRecord
from .status import Status


class ProgressUpdateForm(forms.ModelForm):
    reporting_month = OpenMonthField(
        refuse_unlisted=False,
        help_text="The month this update reports on. Closed months are not listed.",
        error_messages={"required": "Choose the month this update reports on."},
    )

    class Meta:
        model = ProgressUpdate
        fields = ["reporting_month", "status", "note", "status_reason"]
        widgets = {
            "status": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 5}),
            "status_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "note": "What has happened this month. Required when the milestone is at risk or not on track: "
            "say why and what support is needed.",
        }
        error_messages = {"status": {"required": "Choose a status."}}

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        self.instance.milestone = milestone
        plan = milestone.action.plan
        # The plan's own scheme: "Amber" where the council reports in RAG.
        self.fields["status"].choices = [(s.value, f"{s.icon} {s.label}: {s.meaning}") for s in plan.scheme.statuses]
        open_months = plan.open_months()
        self.fields["reporting_month"].choices = [(m, dates.month_long_label(m)) for m in open_months]
        # A returned update comes back to the form with its text and the reviewer's comment.
        self.returned = self._returned_update()
        if self.returned and not self.is_bound:
            update = self.returned.update
            if update.reporting_month in open_months:
                self.initial.setdefault("reporting_month", update.reporting_month)
            self.initial.setdefault("status", update.status)
            self.initial.setdefault("note", update.note)
            self.initial.setdefault("status_reason", update.status_reason)
        if not self.is_bound:
            # The month being reported: last month until its deadline has passed.
            self.initial.setdefault("reporting_month", plan.default_reporting_month(open_months=open_months))
            # Most months the status stays as it was: start from it.
            current = getattr(milestone, "current_status", None)
            if current and current != Status.NOT_STARTED and current in plan.scheme.offered:
                self.initial.setdefault("status", current)

    def _returned_update(self):
        """The review that returned the milestone's latest update, if it was returned."""
        if not self.milestone.pk:
            return None
        latest = self.milestone.latest_update()
        review = latest.review_state() if latest else None
        return review if review and review.decision == "returned" else None

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status and not (cleaned.get("status_reason") or "").strip():
            flags = self.milestone.status_flags(status)
            if flags:
                self.add_error(
                    "status_reason",
                    " ".join(flags) + " Give a reason to keep this status (it is shown in the reports), "
                    "or choose another status.",
                )
        return cleaned


class MilestoneForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["description", "outcome", "planned_start", "due_date", "lead", "supporting_leads", "order"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "supporting_leads": forms.CheckboxSelectMultiple,
            "planned_start": DATE_WIDGET,
            "due_date": DATE_WIDGET,
        }
        error_messages = {
            "due_date": {"required": "Give the due date."},
            "lead": {"required": "Choose the milestone lead."},
        }

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.action = action
        self.fields["lead"].queryset = Person.objects.for_plan(action.plan)
        self.fields["supporting_leads"].queryset = Person.objects.for_plan(action.plan)
        self.fields["due_date"].required = True
        if self.instance.pk and self.instance.due_date:
            # The original due date is evidence; a re-plan uses the revised due date.
            self.fields["due_date"].disabled = True
            self.fields[
                "due_date"
            ].help_text = (
                "The original due date is kept as set. To re-plan, record an exception with a revised completion date."
            )


class SlippageRecordForm(forms.ModelForm):
    """An exception-report entry, in the columns of the seed's exception report."""

    class Meta:
        model = SlippageRecord
        fields = [
            "reason_for_slippage",
            "actions_to_achieve",
            "support_required",
            "revised_completion_date",
            "other_milestones_impacted",
        ]
        widgets = {
            "reason_for_slippage": forms.Textarea(attrs={"rows": 3}),
            "actions_to_achieve": forms.Textarea(attrs={"rows": 3}),
            "support_required": forms.Textarea(attrs={"rows": 2}),
            "revised_completion_date": DATE_WIDGET,
            "other_milestones_impacted": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "revised_completion_date": "Re-plans the milestone. The original due date is kept and every re-plan is "
            "listed on the milestone and counted in the exception report.",
        }

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.milestone = milestone
        self.fields["reason_for_slippage"].required = True
        self.fields["reason_for_slippage"].error_messages["required"] = "Say why the milestone has slipped."


class UpdateReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("signed_off", "Sign off"), ("returned", "Return to the lead")])
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Comment")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "returned" and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Say why the update is returned, so the lead can put it right.")
        return cleaned


class EvidenceForm(forms.Form):
    title = forms.CharField(
        max_length=200, help_text="What this shows, for example: LSCB minutes agreeing the thresholds"
    )
    file = forms.FileField(
        required=False, help_text="PDF, Word (.docx), Excel (.xlsx), PNG, JPEG or plain text; at most 10 MB."
    )
    url = forms.URLField(label="or a link", required=False, max_length=500, assume_scheme="https")

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("file")) == bool(cleaned.get("url")):
            raise forms.ValidationError("Add either a file or a link (one at a time).")
        return cleaned
