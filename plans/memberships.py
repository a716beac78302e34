"""Who may work in a plan: memberships and email invitations. The only writes of these records."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Invitation, Membership, Role

_SALT = "plans.invitation"


class InvitationInvalid(Exception):
    """The link cannot be used; the message says why and what to do."""


def _check_manager(actor, plan):
    if actor is None or not actor.has_perm("plans.change_plan", plan):
        raise PermissionDenied("Only the plan's programme manager can manage who works in it.")


def _check_role(role):
    if role not in Role.values:
        raise ValidationError({"role": f'"{role}" is not a role. Choose one of: {", ".join(Role.values)}.'})


def invitation_token(invitation) -> str:
    # The count voids the links of earlier sendings once the invitation is resent.
    return signing.dumps({"i": invitation.pk, "n": invitation.times_sent}, salt=_SALT)


def invitation_from_token(token) -> Invitation:
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.INVITATION_DAYS * 86400)
    except signing.SignatureExpired:
        raise InvitationInvalid(
            "This invitation has expired. Ask the programme manager who invited you to send it again."
        ) from None
    except signing.BadSignature:
        raise InvitationInvalid(
            "This invitation link is not complete or not valid. Copy the whole link from the email."
        ) from None
    invitation = Invitation.objects.select_related("plan", "plan__owner").filter(pk=data.get("i")).first()
    if invitation is None:
        raise InvitationInvalid("This invitation has been withdrawn. Ask the programme manager for a new one.")
    if invitation.accepted_at:
        raise InvitationInvalid("This invitation has already been accepted: sign in with your account.")
    if data.get("n") != invitation.times_sent:
        raise InvitationInvalid("A newer invitation was sent to you: use the link in the latest email.")
    return invitation


def _send_invitation(invitation, build_link):
    plan = invitation.plan
    inviter = invitation.invited_by
    who = (inviter.get_full_name() or inviter.username) if inviter else "The programme manager"
    link = build_link(invitation_token(invitation))
    send_mail(
        subject=f"You are invited to {plan.name}",
        message=(
            f"{who} has invited you to work on {plan.name} in Plan Tracker as {invitation.role.lower()}.\n\n"
            f"Open this link to set up your account (or add this plan to your account):\n{link}\n\n"
            f"The link works until {timezone.localtime(invitation.expires_at):%d %B %Y}. "
            "If you were not expecting this, you can ignore this email."
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invitation_create(*, actor, plan, email, role, build_link) -> Invitation:
    """Invite someone by email to a role in a plan (a pending invitation to the same address is sent again)."""
    _check_manager(actor, plan)
    _check_role(role)
    email = (email or "").strip().lower()
    pending = Invitation.objects.filter(plan=plan, email__iexact=email, accepted_at=None).first()
    if pending:
        pending.role = role
        return invitation_resend(actor=actor, invitation=pending, build_link=build_link)
    User = get_user_model()
    existing = User.objects.filter(email__iexact=email, is_active=True).first()
    if existing and Membership.objects.filter(user=existing, plan=plan, role=role).exists():
        raise ValidationError({"email": f"{email} already has the role {role} in this plan."})
    invitation = Invitation(plan=plan, email=email, role=role, invited_by=actor)
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: _send_invitation(invitation, build_link))
    return invitation


@transaction.atomic
def invitation_resend(*, actor, invitation, build_link) -> Invitation:
    """Send a new link (the earlier ones stop working) and restart the expiry."""
    _check_manager(actor, invitation.plan)
    if invitation.accepted_at:
        raise ValidationError("This invitation has already been accepted.")
    invitation.times_sent += 1
    invitation.sent_at = timezone.now()
    invitation.invited_by = actor
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: _send_invitation(invitation, build_link))
    return invitation


@transaction.atomic
def invitation_accept(*, invitation, user=None, username="", password="", first_name="", last_name=""):
    """Accept: the signed-in invitee gets the role; otherwise a new account is made for the invited address."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationInvalid("This invitation has already been accepted: sign in with your account.")
    User = get_user_model()
    if user is None:
        username = (username or "").strip()
        if not username:
            raise ValidationError({"username": "Choose a username."})
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "That username is taken: choose another."})
        user = User(
            username=username, email=invitation.email, first_name=first_name.strip(), last_name=last_name.strip()
        )
        user.full_clean(exclude=["password"])
        validate_password(password, user)
        user.set_password(password)
        user.save()
    membership, _ = Membership.objects.get_or_create(
        user=user,
        plan=invitation.plan,
        role=invitation.role,
        defaults={"organisation_id": invitation.plan.owner_id, "created_by": invitation.invited_by},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user, membership


@transaction.atomic
def membership_remove(*, actor, membership) -> bool:
    """Take a role in a plan away. A person left with no role anywhere is deactivated (cannot sign in).
    Returns whether the account was deactivated."""
    if membership.plan_id is None:
        raise PermissionDenied("Organisation-wide roles are managed by the site's administrators.")
    _check_manager(actor, membership.plan)
    if membership.user_id == actor.pk and membership.role == Role.PROGRAMME_MANAGER:
        raise ValidationError("You cannot remove your own programme manager role; ask another programme manager.")
    user = membership.user
    membership.delete()
    if not user.is_superuser and not Membership.objects.filter(user=user).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
        return True
    return False


@transaction.atomic
def membership_grant(*, actor, user, organisation, plan=None, role, existing=None) -> Membership:
    """Give a role in one plan (the plan's programme manager may) or in every plan of an organisation
    (the site's administrators only)."""
    if plan is not None:
        _check_manager(actor, plan)
    elif actor is None or not actor.is_superuser:
        raise PermissionDenied("Organisation-wide roles are given by the site's administrators.")
    _check_role(role)
    membership = existing or Membership()
    membership.user, membership.organisation, membership.plan, membership.role = user, organisation, plan, role
    if not membership.pk:
        membership.created_by = actor
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership) -> None:
    """Take away any role (the site's administrators); plan managers use membership_remove."""
    if actor is None or not actor.is_superuser:
        raise PermissionDenied("Only the site's administrators remove organisation-wide roles.")
    membership.delete()
