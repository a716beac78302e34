"""Month-end pages: which months are open or closed, closing a month (with confirmation before its
deadline, listing what is still outstanding) and reopening a closed one with a reason.
The small forms live here with their pages; the writes are in reports/periods.py."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from plans.models import Plan
from plans.permissions import check_plan_permission

from . import periods


class PeriodCloseForm(forms.Form):
    confirm = forms.BooleanField(
        required=False,
        label="I have checked what is outstanding and want to close this month now",
    )


class PeriodReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why is the month reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Recorded with the month and shown on the month-end page.",
        error_messages={"required": "Say why the month is reopened."},
    )


class MonthEndView(TemplateView):
    """The plan's recent months: deadline, open or closed, snapshot, reopenings."""

    template_name = "reports/month_end.html"

    def get_context_data(self, **kwargs):
        plan = check_plan_permission(self.request, get_object_or_404(Plan, pk=self.kwargs["pk"]))
        return {**super().get_context_data(**kwargs), "plan": plan, "months": periods.month_states(plan)}


class PeriodMixin:
    """One month of one plan, for the programme manager."""

    def dispatch(self, request, *args, **kwargs):
        self.plan = check_plan_permission(request, get_object_or_404(Plan, pk=kwargs["pk"]), "plans.change_plan")
        try:
            month = datetime.date(kwargs["year"], kwargs["month"], 1)
        except ValueError:
            raise Http404("No such month.") from None
        self.state = periods.month_state(self.plan, month)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plan": self.plan, "state": self.state}


class PeriodCloseView(PeriodMixin, TemplateView):
    template_name = "reports/period_close.html"

    def get_context_data(self, **kwargs):
        return {
            "form": PeriodCloseForm(),
            **super().get_context_data(**kwargs),
            "outstanding": periods.outstanding(self.plan, self.state.month),
        }

    def post(self, request, *args, **kwargs):
        form = PeriodCloseForm(request.POST)
        form.is_valid()
        try:
            snapshot = periods.period_close(
                plan=self.plan,
                month=self.state.month,
                actor=request.user,
                confirmed=form.cleaned_data.get("confirm", False),
            )
        except ValidationError as error:
            form.add_error("confirm" if not self.state.deadline_passed else None, error.messages)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request, f"{self.state.label} is closed: its snapshot is taken and progress updates for it are locked."
        )
        return redirect(snapshot)


class PeriodReopenView(PeriodMixin, TemplateView):
    template_name = "reports/period_reopen.html"

    def get_context_data(self, **kwargs):
        return {"form": PeriodReopenForm(), **super().get_context_data(**kwargs)}

    def post(self, request, *args, **kwargs):
        form = PeriodReopenForm(request.POST)
        if form.is_valid():
            try:
                periods.period_reopen(
                    plan=self.plan, month=self.state.month, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason" if hasattr(error, "error_dict") else None, error)
            else:
                messages.success(
                    request,
                    f"{self.state.label} is reopened: leads can report it again. "
                    "Close it again to retake its snapshot.",
                )
                return redirect("reports:month_end", pk=self.plan.pk)
        return self.render_to_response(self.get_context_data(form=form))
