"""Indicator pages. Everyone reads; performance officers and the programme manager edit."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import CreateView, TemplateView, UpdateView

from plans import roles
from plans.audit import audit_entries
from plans.models import Plan
from plans.permissions import check_plan_permission
from plans.views import EditFormMixin, PlanChildMixin, PlanObjectMixin, form_data
from safeguarding.redirects import safe_next_url

from . import selectors, services
from .forms import (
    AsAtForm,
    BenchmarkForm,
    CommentaryForm,
    ComparatorGroupForm,
    IndicatorForm,
    IndicatorValueForm,
    IndicatorYearForm,
    SectionForm,
)
from .models import Benchmark, Commentary, Indicator, IndicatorValue, IndicatorYear


def as_at_from(request):
    form = AsAtForm(request.GET or None)
    return form, (form.cleaned_data.get("as_at") if form.is_valid() else None)


class IndicatorListView(TemplateView):
    template_name = "indicators/indicator_list.html"

    def get_context_data(self, **kwargs):
        plan = check_plan_permission(self.request, get_object_or_404(Plan, pk=self.kwargs["pk"]))
        form, as_at = as_at_from(self.request)
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "as_at_form": form,
            "sections": selectors.indicator_summaries(plan, as_at),
            "status_key": selectors.STATUS_KEY,
            "trend_key": selectors.TREND_KEY,
            "can_edit_indicators": self.request.user.has_perm("plans.edit_indicators", plan),
        }


class IndicatorDetailView(TemplateView):
    template_name = "indicators/indicator_detail.html"

    def get_context_data(self, **kwargs):
        form, as_at = as_at_from(self.request)
        try:
            page = selectors.indicator_page(self.kwargs["pk"], as_at)
        except Indicator.DoesNotExist:
            raise Http404("No such indicator.") from None
        plan = check_plan_permission(self.request, page.indicator)
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "plan": page.indicator.plan,
            "as_at_form": form,
            "can_edit_indicators": self.request.user.has_perm("plans.edit_indicators", plan),
            "audit": audit_entries(page.indicator) if self.request.user.has_perm("plans.view_audit", plan) else None,
        }


class IndicatorEditorMixin:
    permission_required = "plans.edit_indicators"


class SectionCreateView(IndicatorEditorMixin, PlanChildMixin, CreateView):
    form_class = SectionForm
    heading = "New indicator section in {plan}"
    success_message = "Section {obj} added."

    def write(self, form):
        return services.section_create(actor=self.request.user, plan=self.plan, **form_data(form))

    def get_success_url(self):
        return reverse("indicators:list", args=[self.plan.pk])


class IndicatorCreateView(IndicatorEditorMixin, PlanChildMixin, CreateView):
    form_class = IndicatorForm
    heading = "New indicator in {plan}"
    success_message = "Indicator {obj.code} added."

    def write(self, form):
        return services.indicator_create(actor=self.request.user, plan=self.plan, **form_data(form))

    def get_success_url(self):
        return self.object.get_absolute_url()


class IndicatorUpdateView(IndicatorEditorMixin, PlanObjectMixin, UpdateView):
    model = Indicator
    form_class = IndicatorForm
    heading = "Edit {obj.code}"
    success_message = "{obj.code} saved."

    def write(self, form):
        return services.indicator_update(actor=self.request.user, indicator=self.object, **form_data(form))

    def get_success_url(self):
        return self.object.get_absolute_url()


class ComparatorGroupCreateView(IndicatorEditorMixin, EditFormMixin, CreateView):
    """Comparator groups (England, London, statistical neighbours...) are data."""

    form_class = ComparatorGroupForm
    heading = "New comparator group"
    success_message = "Comparator group {obj} added."

    def write(self, form):
        return services.comparator_group_create(actor=self.request.user, **form_data(form))

    def check_permission_without_plan(self):
        # Comparator groups are shared by every plan: anyone who edits some plan's indicators may add one.
        held = roles.roles_anywhere(self.request.user)
        return bool(held & {roles.PROGRAMME_MANAGER, roles.PERFORMANCE_OFFICER})

    def get_success_url(self):
        return safe_next_url(self.request, reverse("plans:list"))

    def get_cancel_url(self):
        return self.get_success_url()


class IndicatorChildMixin(IndicatorEditorMixin, EditFormMixin):
    """Create or edit a record of the indicator named in the URL (or owning the record)."""

    def dispatch(self, request, *args, **kwargs):
        self.indicator = self.get_indicator()
        self.plan = self.indicator.plan
        return super().dispatch(request, *args, **kwargs)

    def get_indicator(self):
        if "indicator_pk" in self.kwargs:
            return get_object_or_404(Indicator.objects.select_related("plan"), pk=self.kwargs["indicator_pk"])
        return self.get_object().indicator

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "indicator": self.indicator}

    def heading_context(self):
        return {**super().heading_context(), "indicator": self.indicator}

    def get_success_url(self):
        return self.indicator.get_absolute_url()

    def get_cancel_url(self):
        return self.indicator.get_absolute_url()


class ValueCreateView(IndicatorChildMixin, CreateView):
    form_class = IndicatorValueForm
    heading = "Enter a figure for {indicator.code}"
    success_message = "Figure for {obj.label} saved."

    def write(self, form):
        return services.indicator_value_upsert(
            actor=self.request.user, indicator=self.indicator, figure=self.object, **form_data(form)
        )


class ValueUpdateView(ValueCreateView, UpdateView):
    model = IndicatorValue
    heading = "Edit the {obj.label} figure for {indicator.code}"


class YearCreateView(IndicatorChildMixin, CreateView):
    form_class = IndicatorYearForm
    heading = "Target and outturn for {indicator.code}"
    success_message = "{obj.label} target saved."

    def write(self, form):
        return services.indicator_year_upsert(
            actor=self.request.user, indicator=self.indicator, target_year=self.object, **form_data(form)
        )


class YearUpdateView(YearCreateView, UpdateView):
    model = IndicatorYear
    heading = "Edit the {obj.label} target and outturn for {indicator.code}"


class BenchmarkCreateView(IndicatorChildMixin, CreateView):
    form_class = BenchmarkForm
    heading = "Benchmark for {indicator.code}"
    success_message = "Benchmark saved."

    def write(self, form):
        return services.benchmark_upsert(
            actor=self.request.user, indicator=self.indicator, benchmark=self.object, **form_data(form)
        )


class BenchmarkUpdateView(BenchmarkCreateView, UpdateView):
    model = Benchmark
    heading = "Edit a benchmark for {indicator.code}"


class CommentaryCreateView(IndicatorChildMixin, CreateView):
    form_class = CommentaryForm
    heading = "Commentary on {indicator.code}"
    success_message = "Commentary for {obj.label} saved."

    def write(self, form):
        return services.commentary_upsert(
            actor=self.request.user, indicator=self.indicator, entry=self.object, **form_data(form)
        )


class CommentaryUpdateView(CommentaryCreateView, UpdateView):
    model = Commentary
    heading = "Edit the {obj.label} commentary on {indicator.code}"
