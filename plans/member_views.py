"""Who works in a plan: the programme manager's members page, invitations, and accepting one."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View

from . import memberships
from .models import Invitation, Membership, Plan, Role
from .permissions import check_plan_permission


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MILESTONE_LEAD)


class AcceptForm(forms.Form):
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    username = forms.CharField(max_length=150, help_text="What you will type to sign in.")
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(widget=forms.PasswordInput, strip=False, label="Password (again)")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return cleaned


def _link_builder(request):
    return lambda token: request.build_absolute_uri(reverse("plans:invitation_accept", args=[token]))


def _apply_errors(form, error):
    for field, messages_ in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


class PlanMembersView(View):
    """Members of the plan (and of its organisation), pending invitations, and the invitation form."""

    template_name = "plans/members.html"

    def dispatch(self, request, pk, *args, **kwargs):
        self.plan = check_plan_permission(request, get_object_or_404(Plan, pk=pk), "plans.change_plan")
        return super().dispatch(request, pk, *args, **kwargs)

    def get(self, request, pk, form=None):
        plan = self.plan
        return render(
            request,
            self.template_name,
            {
                "plan": plan,
                "form": form or InviteForm(),
                "plan_members": Membership.objects.filter(plan=plan)
                .select_related("user")
                .order_by("role", "user__username"),
                "organisation_members": Membership.objects.filter(organisation_id=plan.owner_id, plan=None)
                .select_related("user")
                .order_by("role", "user__username"),
                "invitations": Invitation.objects.filter(plan=plan, accepted_at=None).select_related("invited_by"),
                "invitation_days": settings.INVITATION_DAYS,
            },
            status=400 if form is not None else 200,
        )


class MemberInviteView(PlanMembersView):
    def get(self, request, pk, form=None):
        return redirect("plans:members", pk=pk)

    def post(self, request, pk):
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                invitation = memberships.invitation_create(
                    actor=request.user, plan=self.plan, build_link=_link_builder(request), **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("plans:members", pk=pk)
        return super().get(request, pk, form=form)


class MemberRemoveView(View):
    def post(self, request, pk):
        membership = get_object_or_404(Membership.objects.select_related("plan", "user"), pk=pk, plan__isnull=False)
        check_plan_permission(request, membership.plan, "plans.change_plan")
        try:
            deactivated = memberships.membership_remove(actor=request.user, membership=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            who = membership.user.get_full_name() or membership.user.username
            extra = " They have no other role, so their account is deactivated." if deactivated else ""
            messages.success(request, f"{who} no longer has the role {membership.role} in this plan.{extra}")
        return redirect("plans:members", pk=membership.plan_id)


class InvitationResendView(View):
    def post(self, request, pk):
        invitation = get_object_or_404(Invitation.objects.select_related("plan"), pk=pk)
        check_plan_permission(request, invitation.plan, "plans.change_plan")
        try:
            memberships.invitation_resend(actor=request.user, invitation=invitation, build_link=_link_builder(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Invitation sent again to {invitation.email}; the earlier link no longer works.")
        return redirect("plans:members", pk=invitation.plan_id)


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(View):
    """The link in the email: set up an account, or (signed in) add the role to your account."""

    template_name = "plans/invitation_accept.html"

    def dispatch(self, request, token, *args, **kwargs):
        try:
            self.invitation = memberships.invitation_from_token(token)
        except memberships.InvitationInvalid as invalid:
            return render(request, self.template_name, {"problem": str(invalid)}, status=410)
        return super().dispatch(request, token, *args, **kwargs)

    def get(self, request, token, form=None):
        return render(
            request,
            self.template_name,
            {"invitation": self.invitation, "form": form or AcceptForm(), "signed_in": request.user.is_authenticated},
            status=400 if form is not None else 200,
        )

    def post(self, request, token):
        if request.user.is_authenticated:
            memberships.invitation_accept(invitation=self.invitation, user=request.user)
            messages.success(request, f"You now have the role {self.invitation.role} in {self.invitation.plan}.")
            return redirect(self.invitation.plan)
        form = AcceptForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, _ = memberships.invitation_accept(
                    invitation=self.invitation,
                    username=data["username"],
                    password=data["password"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, f"Welcome. You have the role {self.invitation.role} in {self.invitation.plan}."
                )
                return redirect(self.invitation.plan)
        return self.get(request, token, form=form)
