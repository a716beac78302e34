"""Milestone pages: the plan page, My milestones, a milestone and its history, progress updates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView

from plans import roles
from plans.audit import audit_entries
from plans.models import Action, Plan
from plans.permissions import check_plan_permission
from plans.views import EditFormMixin, errors_to_form, form_data
from safeguarding.redirects import safe_next_url

from . import selectors, services
from .forms import EvidenceForm, MilestoneForm, ProgressUpdateForm, SlippageRecordForm, UpdateReviewForm
from .models import Evidence, Milestone, ProgressUpdate


class HomeView(View):
    """Each role lands where its work is: a lead on My milestones, the programme manager on the
    plan, a performance officer on the indicators, a scrutiny member on the dashboard."""

    def get(self, request, *args, **kwargs):
        held = roles.roles_anywhere(request.user)
        if roles.MILESTONE_LEAD in held and roles.PROGRAMME_MANAGER not in held:
            return redirect("milestones:mine")
        plans = list(roles.visible_plans(request.user)[:2])
        if len(plans) != 1:
            return redirect("plans:list")
        plan = plans[0]
        in_plan = roles.plan_roles(request.user, plan)
        if roles.PROGRAMME_MANAGER in in_plan:
            return redirect(plan)
        if roles.PERFORMANCE_OFFICER in in_plan:
            return redirect("indicators:list", pk=plan.pk)
        if roles.SCRUTINY_MEMBER in in_plan:
            return redirect("reports:dashboard", pk=plan.pk)
        return redirect(plan)


class PlanPageView(TemplateView):
    template_name = "milestones/plan_page.html"

    def get_context_data(self, **kwargs):
        plan = check_plan_permission(self.request, get_object_or_404(Plan, pk=self.kwargs["pk"]))
        filters = self.request.GET.copy()
        filters.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "page": selectors.plan_page(plan, filters, self.request.GET.get("page", 1)),
            "plan": plan,
            "filter_query": filters.urlencode(),
        }


class MyMilestonesView(TemplateView):
    template_name = "milestones/my_milestones.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "mine": selectors.my_milestones(self.request.user)}


class MilestoneDetailView(TemplateView):
    template_name = "milestones/milestone_detail.html"

    def get_context_data(self, **kwargs):
        try:
            milestone, history, exceptions = selectors.milestone_detail(self.kwargs["pk"])
        except Milestone.DoesNotExist:
            raise Http404("No such milestone.") from None
        check_plan_permission(self.request, milestone)
        return {
            **super().get_context_data(**kwargs),
            "milestone": milestone,
            "history": history,
            "exceptions": exceptions,
            "supporting_leads": list(milestone.supporting_leads.all()),
            "can_update": milestone.can_be_updated_by(self.request.user),
            "can_review": milestone.can_review_updates(self.request.user),
            "audit": audit_entries(milestone) if self.request.user.has_perm("plans.view_audit", milestone) else None,
            "plan": milestone.action.plan,
        }


class MilestoneLeadWriteMixin:
    """Writes on one milestone by its leads or the programme manager (403 for anyone else)."""

    def dispatch(self, request, *args, **kwargs):
        self.milestone = get_object_or_404(Milestone.objects.with_current_status().with_leads(), pk=kwargs["pk"])
        check_plan_permission(request, self.milestone)
        if not request.user.has_perm("milestones.update_milestone", self.milestone):
            raise PermissionDenied("You can only update milestones you lead, or whose action you lead.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "milestone": self.milestone}


class ProgressUpdateCreateView(MilestoneLeadWriteMixin, CreateView):
    """Add a progress update. Only the milestone's leads and the programme manager."""

    form_class = ProgressUpdateForm
    template_name = "milestones/progress_update_form.html"

    def form_valid(self, form):
        update = services.progress_update_create(
            milestone=self.milestone,
            author=self.request.user,
            reporting_month=form.cleaned_data["reporting_month"],
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            status_reason=form.cleaned_data.get("status_reason", ""),
        )
        messages.success(self.request, f"Progress update for {update.month_label} submitted.")
        return redirect(self.milestone)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "milestone": self.milestone,
            "plan": self.milestone.action.plan,
            "history": self.milestone.updates.latest_first()[:3],
        }


class SlippageRecordCreateView(MilestoneLeadWriteMixin, CreateView):
    """Record an exception (reason for slippage, revised completion date...)."""

    form_class = SlippageRecordForm
    template_name = "milestones/slippage_form.html"

    def form_valid(self, form):
        services.slippage_record_create(
            milestone=self.milestone, author=self.request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields}
        )
        messages.success(self.request, "Exception recorded.")
        return redirect(self.milestone)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "milestone": self.milestone, "plan": self.milestone.action.plan}


class MilestoneCreateView(EditFormMixin, CreateView):
    model = Milestone
    form_class = MilestoneForm
    heading = "New milestone for action {action.ref}"
    success_message = "Milestone added."

    def dispatch(self, request, *args, **kwargs):
        self.action = get_object_or_404(Action.objects.select_related("plan"), pk=kwargs["action_pk"])
        self.plan = self.action.plan
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def heading_context(self):
        return {**super().heading_context(), "action": self.action}

    def get_success_url(self):
        return self.object.get_absolute_url()

    def write(self, form):
        return services.milestone_create(actor=self.request.user, action=self.action, **form_data(form))


class MilestoneUpdateView(MilestoneCreateView, UpdateView):
    heading = "Edit milestone of action {action.ref}"
    success_message = "Milestone saved."

    def write(self, form):
        return services.milestone_update(
            actor=self.request.user,
            milestone=self.object,
            expected_version=form.cleaned_data.get("opened_version"),
            **form_data(form),
        )

    def dispatch(self, request, *args, **kwargs):
        milestone = get_object_or_404(Milestone.objects.select_related("action__plan"), pk=kwargs["pk"])
        kwargs["action_pk"] = milestone.action_id
        return super().dispatch(request, *args, **kwargs)

    def get_cancel_url(self):
        return reverse("milestones:detail", args=[self.kwargs["pk"]])


class UpdateReviewView(View):
    """POST: sign off or return a progress update (the action lead or the programme manager)."""

    def post(self, request, pk):
        update = get_object_or_404(
            ProgressUpdate.objects.select_related("milestone__action__action_lead", "milestone__action__plan"), pk=pk
        )
        check_plan_permission(request, update.milestone)
        if not request.user.has_perm("milestones.review_updates", update.milestone):
            raise PermissionDenied("Only the action lead or the programme manager can sign off or return an update.")
        form = UpdateReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            try:
                review = services.update_review_create(update=update, reviewer=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"{update.month_label} update {review.get_decision_display().lower()}.")
        return redirect(safe_next_url(request, update.milestone.get_absolute_url()))


class SignOffView(TemplateView):
    """Updates waiting for the user's sign-off (their actions' milestones; all for the programme manager)."""

    template_name = "milestones/sign_off.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "updates": selectors.updates_awaiting_review(self.request.user),
            "review_form": UpdateReviewForm(),
        }


class EvidenceView(TemplateView):
    """A progress update's evidence: the list for every member; adding for those who may update the milestone."""

    template_name = "milestones/evidence.html"

    def dispatch(self, request, *args, **kwargs):
        self.update = get_object_or_404(
            ProgressUpdate.objects.select_related(
                "milestone__action__plan", "milestone__action__action_lead", "milestone__lead"
            ),
            pk=kwargs["pk"],
        )
        check_plan_permission(request, self.update)
        self.can_add = request.user.has_perm("milestones.update_milestone", self.update.milestone)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.can_add:
            raise PermissionDenied("Only those who may update this milestone can add evidence.")
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.evidence_add(actor=request.user, update=self.update, **form.cleaned_data)
            except ValidationError as refused:
                errors_to_form(form, refused)
            else:
                messages.success(request, "Evidence added.")
                return redirect("milestones:evidence", pk=self.update.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "update": self.update,
            "milestone": self.update.milestone,
            "plan": self.update.milestone.action.plan,
            "evidence": list(self.update.evidence.select_related("added_by")),
            "can_add": self.can_add,
            "form": kwargs.get("form") or (EvidenceForm() if self.can_add else None),
        }


class EvidenceDownloadView(View):
    """Download an evidence file (or follow its link), for members of the plan only; each one recorded."""

    def get(self, request, pk):
        evidence = get_object_or_404(Evidence.objects.select_related("update__milestone__action__plan"), pk=pk)
        check_plan_permission(request, evidence)
        services.evidence_download_record(evidence=evidence, user=request.user)
        if evidence.url:
            return HttpResponseRedirect(evidence.url)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is no longer in storage.") from None
        return FileResponse(
            handle, as_attachment=True, filename=evidence.filename, content_type=evidence.content_type or None
        )
