from django import forms

from plans.forms import MonthField, OpenMonthField
from plans.models import Action, Person
from safeguarding import dates

from .models import Benchmark, Commentary, ComparatorGroup, Indicator, IndicatorValue, IndicatorYear, Section


def year_choices():
    this_year = dates.financial_year(dates.today())
    return [(year, dates.financial_year_label(year)) for year in range(this_year + 1, this_year - 16, -1)]


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["name", "order"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = self.instance.plan = plan

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Section.objects.filter(plan=self.plan, name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f'There is already a section called "{name}".')
        return name


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "title",
            "definition",
            "section",
            "unit",
            "polarity",
            "frequency",
            "data_only",
            "ytd_method",
            "decimal_places",
            "order",
            "owner",
            "actions",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3}), "actions": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = self.instance.plan = plan
        self.fields["section"].queryset = Section.objects.filter(plan=plan)
        self.fields["actions"].queryset = Action.objects.for_plan(plan)
        self.fields["owner"].queryset = Person.objects.for_plan(plan)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Indicator.objects.filter(plan=self.plan, code__iexact=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"{code} is already an indicator of this plan.")
        return code


class IndicatorChildForm(forms.ModelForm):
    """A form for a record of one indicator; the indicator comes from the URL."""

    period_field = "period"

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = self.instance.indicator = indicator

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get(self.period_field)
        if period is not None:
            model = self._meta.model
            existing = model.objects.filter(indicator=self.indicator, **{self.period_field: period})
            existing = existing.exclude(pk=self.instance.pk).first()
            if existing:
                self.add_error(self.period_field, self.duplicate_message(existing))
        return cleaned


class IndicatorValueForm(IndicatorChildForm):
    # The months figures can still be entered for (closed months are locked, as for progress
    # updates); indicators/services.py explains a refused month, so the field defers to it.
    period = OpenMonthField(
        refuse_unlisted=False,
        help_text="The month (or first month of the quarter or year) the figure is for. Closed months are not listed.",
    )

    class Meta:
        model = IndicatorValue
        fields = ["period", "value", "numerator", "denominator", "no_data", "ytd_entered"]
        help_texts = {
            "value": "Leave empty to compute it from the numerator and denominator.",
            "numerator": "For example 11 children subject to a plan for a second time…",
            "denominator": "…out of 113 made subject to a plan.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.indicator.plan
        months = plan.open_months()
        if self.instance.pk and self.instance.period not in months:
            months = sorted({*months, self.instance.period}, reverse=True)
        self.fields["period"].choices = [(m, dates.month_long_label(m)) for m in months]
        if not self.is_bound and not self.instance.pk:
            # The month being reported, as for progress updates: last month until its deadline.
            self.initial.setdefault("period", plan.default_reporting_month(open_months=months))
        if self.indicator.ytd_method != Indicator.YtdMethod.ENTERED:
            self.fields[
                "ytd_entered"
            ].help_text = (
                "Year-to-date is computed for this indicator; enter it only if a period lacks the figures needed."
            )

    def duplicate_message(self, existing):
        shown = "no data" if existing.no_data else self.indicator.format_value(existing.value)
        return f"{existing.label} already has a figure ({shown}). Edit that figure instead of adding another."


class IndicatorYearForm(IndicatorChildForm):
    period_field = "year"
    year = forms.TypedChoiceField(coerce=int, choices=year_choices, label="Reporting year")

    class Meta:
        model = IndicatorYear
        fields = ["year", "target", "tolerance", "tolerance_kind", "outturn"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("year", dates.financial_year(dates.today()))

    def duplicate_message(self, existing):
        return f"{existing.label} already has a target. Edit it instead."


class BenchmarkForm(IndicatorChildForm):
    period_field = "year"
    year = forms.TypedChoiceField(coerce=int, choices=year_choices, label="Year")
    comparator = forms.ModelChoiceField(ComparatorGroup.objects.all(), label="Comparator group")

    class Meta:
        model = Benchmark
        fields = ["year", "comparator", "value"]

    def clean(self):
        cleaned = forms.ModelForm.clean(self)
        year, comparator = cleaned.get("year"), cleaned.get("comparator")
        if year and comparator:
            clash = Benchmark.objects.filter(indicator=self.indicator, year=year, comparator=comparator)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "comparator", f"{comparator} already has a {self.indicator.code} benchmark for that year."
                )
        return cleaned


class CommentaryForm(IndicatorChildForm):
    period = MonthField(help_text="The period the commentary is about.")

    class Meta:
        model = Commentary
        fields = ["period", "commentary", "current_activities", "best_practice"]
        widgets = {
            "commentary": forms.Textarea(attrs={"rows": 5}),
            "current_activities": forms.Textarea(attrs={"rows": 4}),
            "best_practice": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("period", self.indicator.plan.default_reporting_month())

    def duplicate_message(self, existing):
        return f"There is already commentary for {existing.label}. Edit it instead."


class ComparatorGroupForm(forms.ModelForm):
    class Meta:
        model = ComparatorGroup
        fields = ["name", "order"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if ComparatorGroup.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f'There is already a comparator group called "{name}".')
        return name


class AsAtForm(forms.Form):
    as_at = MonthField(required=False, label="As at month")
