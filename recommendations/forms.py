from django import forms
from django.db.models import Q

from plans import roles
from plans.models import Action

from .models import Recommendation, Source


class SourceForm(forms.ModelForm):
    link = forms.URLField(label="Link to the report", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Source
        fields = ["kind", "body", "title", "date", "link"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["source", "ref", "kind", "text", "timescale", "actions"]
        widgets = {"actions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, plan=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.filter(plan=plan)
        same_organisation = Action.objects.filter(plan__owner_id=plan.owner_id) if plan.owner_id else None
        actions = same_organisation if same_organisation is not None else Action.objects.filter(plan=plan)
        if user is not None:  # another plan's actions only where the user is a member of that plan too
            actions = actions.filter(Q(plan=plan) | Q(plan__in=roles.visible_plans(user)))
        self.fields["actions"].queryset = actions.select_related("plan").order_by("plan__name", "ref_sort_key")
        self.fields["actions"].label_from_instance = lambda a: (
            f"{a.ref} {a.title[:90]}" if a.plan_id == plan.pk else f"{a.plan}: {a.ref} {a.title[:90]}"
        )
        self.fields["actions"].required = False
