"""The recommendations page of a plan, and the programme manager's edit pages (writes through services)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import CreateView, TemplateView, UpdateView

from plans.models import Plan
from plans.permissions import check_plan_permission
from plans.views import PlanChildMixin, form_data

from . import selectors, services
from .forms import RecommendationForm, SourceForm
from .models import Recommendation, Source


class RecommendationListView(TemplateView):
    template_name = "recommendations/recommendation_list.html"

    def get_context_data(self, **kwargs):
        plan = check_plan_permission(self.request, get_object_or_404(Plan, pk=self.kwargs["pk"]))
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "progress": selectors.recommendation_progress(plan),
            "can_edit": self.request.user.has_perm("plans.change_plan", plan),
        }


class RecommendationDetailView(TemplateView):
    template_name = "recommendations/recommendation_detail.html"

    def get_context_data(self, **kwargs):
        recommendation = get_object_or_404(Recommendation.objects.select_related("source__plan"), pk=self.kwargs["pk"])
        plan = check_plan_permission(self.request, recommendation)
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "recommendation": recommendation,
            "row": selectors.one_recommendation_progress(recommendation),
            "can_edit": self.request.user.has_perm("plans.change_plan", plan),
        }


class RecommendationsEditMixin(PlanChildMixin):
    def get_success_url(self):
        return reverse("recommendations:list", args=[self.plan.pk])

    def get_cancel_url(self):
        return reverse("recommendations:list", args=[self.plan.pk])


class SourceCreateView(RecommendationsEditMixin, CreateView):
    model = Source
    form_class = SourceForm
    heading = "New inspection or review for {plan}"
    success_message = "{obj} added."

    def write(self, form):
        return services.source_create(actor=self.request.user, plan=self.plan, **form_data(form))


class SourceUpdateView(RecommendationsEditMixin, UpdateView):
    model = Source
    form_class = SourceForm
    heading = "Edit {obj}"
    success_message = "{obj} saved."

    def get_plan(self):
        return self.get_object().plan

    def write(self, form):
        return services.source_update(actor=self.request.user, source=self.object, **form_data(form))


class RecommendationCreateView(RecommendationsEditMixin, CreateView):
    model = Recommendation
    form_class = RecommendationForm
    heading = "New recommendation for {plan}"
    success_message = "{obj} added."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        source = Source.objects.filter(plan=self.plan, pk=self.request.GET.get("source") or 0).first()
        return {**super().get_initial(), "source": source}

    def write(self, form):
        fields = form_data(form, leave_out=("source",))
        return services.recommendation_create(actor=self.request.user, source=form.cleaned_data["source"], **fields)


class RecommendationUpdateView(RecommendationsEditMixin, UpdateView):
    model = Recommendation
    form_class = RecommendationForm
    heading = "Edit {obj}"
    success_message = "{obj} saved."

    def get_plan(self):
        return get_object_or_404(Recommendation.objects.select_related("source__plan"), pk=self.kwargs["pk"]).plan

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def write(self, form):
        return services.recommendation_update(actor=self.request.user, recommendation=self.object, **form_data(form))
