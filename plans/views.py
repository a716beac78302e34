"""Pages for plans, themes, actions and people. Writes are for the programme manager."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from . import roles, services
from .forms import (
    ActionForm,
    GlossaryTermForm,
    PersonForm,
    PlanApprovalForm,
    PlanForm,
    PlanVersionForm,
    ThemeForm,
    choose_placeholders,
)
from .models import Action, ConcurrentEdit, GlossaryTerm, Person, Plan, Theme
from .permissions import check_plan_permission


class PlanListView(ListView):
    """The plans the user is a member of."""

    template_name = "plans/plan_list.html"

    def get_queryset(self):
        return roles.visible_plans(self.request.user).select_related("owner")

    def get_context_data(self, **kwargs):
        can_create = self.request.user.has_perm("plans.add_plan")
        return {**super().get_context_data(**kwargs), "can_create_plan": can_create}


class PlanAboutView(DetailView):
    """Plan details: purpose, period, versions and their approvals, glossary."""

    model = Plan
    template_name = "plans/plan_about.html"
    queryset = Plan.objects.select_related("owner").prefetch_related("versions__approvals", "glossary", "themes")

    def get_object(self, queryset=None):
        plan = super().get_object(queryset)
        check_plan_permission(self.request, plan)
        return plan


def form_data(form, *, leave_out=()):
    """The model fields the form edits, as typed and cleaned: the keyword arguments of a service."""
    return {
        name: form.cleaned_data[name]
        for name in [*form._meta.fields, *getattr(form, "service_fields", ())]
        if name in form.cleaned_data and name not in leave_out
    }


def errors_to_form(form, refused: ValidationError):
    """Show a service's refusal on the form: beside the field it names, else above the form."""
    if not hasattr(refused, "error_dict"):
        form.add_error(None, refused)
        return
    for field, errors in refused.error_dict.items():
        form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, errors)


class EditFormMixin:
    """Shared by every create/edit page: one template, a success message, and the permission check.

    A page about a plan sets `self.plan` before this dispatch runs and needs `permission_required`
    on it (the programme manager's unless a subclass names another); a page outside any plan says
    what it needs in `check_permission_without_plan`.
    """

    template_name = "plans/edit_form.html"
    success_message = "Saved."
    heading = ""
    permission_required = "plans.change_plan"

    def dispatch(self, request, *args, **kwargs):
        plan = getattr(self, "plan", None)
        if plan is not None:
            check_plan_permission(request, plan, self.permission_required)
        elif not self.check_permission_without_plan():
            raise PermissionDenied("Your role does not allow that.")
        return super().dispatch(request, *args, **kwargs)

    def check_permission_without_plan(self):
        return False

    def write(self, form):
        """Save through the record's service (services.<entity>_<action>) and return the record:
        the form reads and checks what was typed; the service decides what is saved.
        Pages whose record has no service yet (milestones) still save the form itself."""
        return form.save()

    def form_valid(self, form):
        try:
            self.object = self.write(form)
        except ConcurrentEdit as clash:  # saved by someone else between the check and the save
            form.add_error(None, str(clash))
            return self.form_invalid(form)
        except ValidationError as refused:
            errors_to_form(form, refused)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message.format(obj=self.object))
        return HttpResponseRedirect(self.get_success_url())

    def get_form(self, form_class=None):
        return choose_placeholders(super().get_form(form_class))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading.format(**self.heading_context())
        context["cancel_url"] = self.get_cancel_url()
        return context

    def heading_context(self):
        return {"obj": getattr(self, "object", None), "plan": getattr(self, "plan", None)}

    def get_cancel_url(self):
        plan = getattr(self, "plan", None)
        return plan.get_absolute_url() if plan else reverse("plans:list")


class PlanChildMixin(EditFormMixin):
    """Create a record inside the plan named in the URL."""

    def dispatch(self, request, *args, **kwargs):
        self.plan = self.get_plan()
        return super().dispatch(request, *args, **kwargs)

    def get_plan(self):
        return get_object_or_404(Plan, pk=self.kwargs["plan_pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan}

    def get_success_url(self):
        return self.plan.get_absolute_url()


class PlanObjectMixin(PlanChildMixin):
    """Edit a record that belongs to a plan; the plan is read from the record."""

    def get_plan(self):
        return self.get_object().plan


class PlanCreateView(EditFormMixin, CreateView):
    model = Plan
    form_class = PlanForm
    template_name = "plans/plan_form.html"
    heading = "New plan"
    success_message = "Plan created."

    def write(self, form):
        return services.plan_create(actor=self.request.user, **form_data(form))

    def check_permission_without_plan(self):
        return self.request.user.has_perm("plans.add_plan")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class PlanUpdateView(EditFormMixin, UpdateView):
    model = Plan
    form_class = PlanForm
    template_name = "plans/plan_form.html"
    heading = "Edit plan settings"
    success_message = "Plan settings saved."

    def write(self, form):
        return services.plan_update(actor=self.request.user, plan=self.object, **form_data(form))

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_object_or_404(Plan, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.plan

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        return reverse("plans:about", args=[self.object.pk])


class ThemeCreateView(PlanChildMixin, CreateView):
    model = Theme
    form_class = ThemeForm
    heading = "New {plan.group_label} in {plan}"
    success_message = "{obj} added."

    def write(self, form):
        return services.theme_create(actor=self.request.user, plan=self.plan, **form_data(form))


class ThemeUpdateView(PlanObjectMixin, UpdateView):
    model = Theme
    form_class = ThemeForm
    heading = "Edit {obj}"
    success_message = "{obj} saved."

    def write(self, form):
        return services.theme_update(actor=self.request.user, theme=self.object, **form_data(form))


class ActionCreateView(PlanChildMixin, CreateView):
    model = Action
    form_class = ActionForm
    heading = "New action in {plan}"
    success_message = "Action {obj.ref} added."

    def write(self, form):
        return services.action_create(actor=self.request.user, plan=self.plan, **form_data(form))


class ActionUpdateView(PlanObjectMixin, UpdateView):
    model = Action
    form_class = ActionForm
    heading = "Edit action {obj.ref}"
    success_message = "Action {obj.ref} saved."

    def write(self, form):
        return services.action_update(
            actor=self.request.user,
            action=self.object,
            expected_version=form.cleaned_data.get("opened_version"),
            **form_data(form),
        )


class PlanVersionCreateView(PlanChildMixin, CreateView):
    form_class = PlanVersionForm
    heading = "New version of {plan}"
    success_message = "Version {obj.label} recorded."

    def write(self, form):
        return services.plan_version_create(actor=self.request.user, plan=self.plan, **form_data(form))

    def get_success_url(self):
        return reverse("plans:about", args=[self.plan.pk])


class PlanApprovalCreateView(PlanChildMixin, CreateView):
    form_class = PlanApprovalForm
    heading = "Record an approval of {plan}"
    success_message = "Approval recorded."

    def write(self, form):
        return services.plan_approval_create(actor=self.request.user, plan=self.plan, **form_data(form))

    def get_success_url(self):
        return reverse("plans:about", args=[self.plan.pk])


class GlossaryTermCreateView(PlanChildMixin, CreateView):
    form_class = GlossaryTermForm
    heading = "New glossary term for {plan}"
    success_message = "{obj} added to the glossary."

    def write(self, form):
        return services.glossary_term_create(actor=self.request.user, plan=self.plan, **form_data(form))

    def get_success_url(self):
        return reverse("plans:about", args=[self.plan.pk])


class GlossaryTermUpdateView(PlanObjectMixin, UpdateView):
    model = GlossaryTerm
    form_class = GlossaryTermForm
    heading = "Edit glossary term {obj}"
    success_message = "{obj} saved."

    def write(self, form):
        return services.glossary_term_update(actor=self.request.user, entry=self.object, **form_data(form))

    def get_success_url(self):
        return reverse("plans:about", args=[self.plan.pk])


class PersonListView(ListView):
    """Leads of the organisations whose plans the user sees. Contact details only for those who manage them."""

    template_name = "plans/person_list.html"

    def get_queryset(self):
        organisation_ids = roles.visible_organisation_ids(self.request.user)
        return Person.objects.for_organisations(organisation_ids).select_related("user", "owner")

    def get_context_data(self, **kwargs):
        managed = set(roles.managed_organisations(self.request.user).values_list("pk", flat=True))
        return {
            **super().get_context_data(**kwargs),
            "managed_organisation_ids": managed,
            "can_edit_plan": bool(managed),
        }


class PersonCreateView(EditFormMixin, CreateView):
    model = Person
    form_class = PersonForm
    heading = "New lead"
    success_message = "{obj} added."

    def write(self, form):
        return services.person_create(actor=self.request.user, **form_data(form))

    def check_permission_without_plan(self):
        return self.request.user.has_perm("plans.manage_people")

    def get_queryset(self):
        return Person.objects.filter(owner__in=roles.managed_organisations(self.request.user))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        return reverse("plans:people")

    def get_cancel_url(self):
        return reverse("plans:people")


class PersonUpdateView(PersonCreateView, UpdateView):
    heading = "Edit {obj}"
    success_message = "{obj} saved."

    def write(self, form):
        return services.person_update(actor=self.request.user, person=self.object, **form_data(form))
