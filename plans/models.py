import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from milestones.schemes import SchemeKind, custom_statuses_clean, scheme_for_plan
from safeguarding import dates
from safeguarding.text import DESCRIPTION_MAX_LENGTH, LONG_TEXT_MAX_LENGTH, text_errors


class ConcurrentEdit(Exception):
    """Someone else saved the record since this copy was read."""


class VersionedModel(models.Model):
    """Optimistic locking: a save from a stale copy is refused, never silently overwrites."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_version = instance.__dict__.get("version")
        return instance

    def save(self, *args, **kwargs):
        expected = getattr(self, "expected_version", None) or getattr(self, "_loaded_version", None)
        if not self._state.adding and expected is not None:
            # One conditional UPDATE: of two simultaneous saves, exactly one wins.
            moved = type(self)._base_manager.filter(pk=self.pk, version=expected).update(version=expected + 1)
            if not moved:
                raise ConcurrentEdit(self.changed_since_message())
            self.version = self._loaded_version = expected + 1
            self.expected_version = None
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def changed_since_message(self):
        latest = self.history.select_related("history_user").order_by("-history_date").first()
        user = latest.history_user if latest else None
        who = (user.get_full_name() or user.username) if user else "someone else"
        when = f" at {timezone.localtime(latest.history_date):%H:%M on %d %b %Y}" if latest else ""
        return (
            f"This {self._meta.verbose_name} was changed by {who}{when} since you opened it. "
            "Your changes are below and have not been saved: check the current version and save again."
        )


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Organisation(models.Model):
    """A council, or a partner agency (NHS trust, police, school) that belongs to one.

    Organisations own plans and people; a user sees only the plans their memberships give them.
    """

    name = models.CharField(max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name="partner agency of",
    )

    objects = OrganisationManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class PlanQuerySet(models.QuerySet):
    def named(self, name, organisation=None):
        """Plans called `name` (any case); names are unique within an organisation, not across them."""
        plans = self.filter(name__iexact=str(name or "").strip())
        if organisation is not None:
            plans = (
                plans.filter(owner=organisation)
                if isinstance(organisation, Organisation)
                else plans.filter(owner__name__iexact=str(organisation).strip())
            )
        return plans


class Plan(models.Model):
    class GroupLabel(models.TextChoices):
        THEME = "Theme", "Theme"
        PRIORITY_OBJECTIVE = "Priority objective", "Priority objective"

    # Unique within its organisation: two councils may each have a "Children's Services Improvement Plan".
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name="owning organisation",
        help_text="Only members of this organisation (or of the plan) see the plan.",
    )
    # The name printed in report headers ("Haringey Council"), which may differ from the owner's.
    organisation = models.CharField(max_length=200, blank=True)
    purpose = models.TextField(blank=True)
    period_start = models.DateField("period covered from", null=True, blank=True)
    period_end = models.DateField("period covered to", null=True, blank=True)
    group_label = models.CharField(
        "top-level groups are called",
        max_length=30,
        choices=GroupLabel.choices,
        default=GroupLabel.THEME,
    )
    status_scheme = models.CharField(
        "status scheme",
        max_length=10,
        choices=SchemeKind.choices,
        default=SchemeKind.FOUR,
        help_text="The words, icons and colours milestones are reported in.",
    )
    # Used when the scheme is the plan's own: [{"status": family, "label", "colour", "meaning"}].
    custom_statuses = models.JSONField("the plan's own status labels", default=list, blank=True)
    # The monthly cycle.
    update_deadline_working_day = models.PositiveSmallIntegerField(
        "update deadline (working day after month end)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="A month's progress updates are due by this working day of the following month "
        "(weekends and bank holidays are not working days).",
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        "send reminders this many days before the deadline", default=3, validators=[MaxValueValidator(28)]
    )
    escalation_days_after = models.PositiveSmallIntegerField(
        "escalate this many days after the deadline",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="A lead still without an update is reminded again, with their action lead copied.",
    )

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "owner",
                name="plan_name_unique_in_organisation",
                violation_error_message="This organisation already has a plan of that name. Choose another name.",
            ),
        ]

    @property
    def scheme(self):
        """The status scheme milestones are reported in (milestones.schemes)."""
        return scheme_for_plan(self)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("milestones:plan", args=[self.pk])

    def clean(self):
        # Text rules in clean(), not field validators: no migration in this app for them.
        errors = text_errors(self, {"name": 200, "organisation": 200, "purpose": LONG_TEXT_MAX_LENGTH})
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The period cannot end before it starts."
        if self.status_scheme == SchemeKind.CUSTOM:
            try:
                self.custom_statuses = custom_statuses_clean(self.custom_statuses)
            except ValidationError as refused:
                errors["status_scheme"] = refused.messages
        if errors:
            raise ValidationError(errors)

    @property
    def group_label_plural(self):
        return f"{self.group_label}s"

    def update_deadline(self, month):
        """The day a month's updates are due: the Nth working day after the month ends
        (weekends and bank holidays skipped)."""
        day = dates.month_end(month)
        remaining = self.update_deadline_working_day
        while remaining:
            day += datetime.timedelta(days=1)
            if dates.is_working_day(day):
                remaining -= 1
        return day

    def reporting_month_due(self, today=None):
        """The month whose updates are due next: the month just ended until its deadline, then this month."""
        today = today or dates.today()
        previous = dates.previous_month(today)
        return previous if today <= self.update_deadline(previous) else today.replace(day=1)

    def open_months(self, today=None, back=12):
        """The months progress can still be reported for, newest first: this month and the `back`
        months before it, less the closed (locked) ones."""
        today = today or dates.today()
        months = [today.replace(day=1)]
        for _ in range(back):
            months.append(dates.previous_month(months[-1]))
        locked = set(self.locked_months.filter(month__in=months).values_list("month", flat=True))
        return [month for month in months if month not in locked]

    def default_reporting_month(self, today=None, open_months=None):
        """The month a new update or figure is for: the month being reported (reporting_month_due)
        while it is open, else the newest open month."""
        open_months = self.open_months(today) if open_months is None else open_months
        due = self.reporting_month_due(today)
        if due in open_months:
            return due
        return open_months[0] if open_months else None


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(max_length=20, help_text="For example V0.1 or V1.0")
    change = models.TextField("change or reason", blank=True)
    date = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["plan", "label"], name="unique_version_label_per_plan")]

    def __str__(self):
        return f"{self.plan} {self.label}"


class PlanApproval(models.Model):
    """A body (Children's Trust, Cabinet...) approving a version of the plan."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="approvals")
    body = models.CharField("approving body", max_length=200)
    date = models.DateField()

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.version.label} approved by {self.body} on {self.date:%d %b %Y}"


class Theme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)
    # An imported plan's objectives are often a paragraph: the name is cut to fit, the whole text kept here.
    description = models.TextField(
        blank=True, help_text="The objective in full, shown under its name on the plan page (optional)."
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="unique_theme_name_per_plan")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = text_errors(self, {"name": 200, "description": LONG_TEXT_MAX_LENGTH})
        if errors:
            raise ValidationError(errors)


class PersonQuerySet(models.QuerySet):
    def for_plan(self, plan):
        """Who can lead in a plan: people of its organisation and of that organisation's partner agencies."""
        if plan is None or plan.owner_id is None:
            return self.none()
        return self.filter(models.Q(owner_id=plan.owner_id) | models.Q(owner__parent_id=plan.owner_id))

    def for_organisations(self, organisation_ids):
        return self.filter(models.Q(owner_id__in=organisation_ids) | models.Q(owner__parent_id__in=organisation_ids))


class Person(models.Model):
    """A lead. Leads are not always users: a login account is optional."""

    class Agency(models.TextChoices):
        COUNCIL = "Council", "Council"
        NHS = "NHS", "NHS trust"
        POLICE = "Police", "Police"
        LSCB = "LSCB", "Local Safeguarding Children Board"
        SCHOOL = "School", "School"
        VOLUNTARY = "Voluntary sector", "Voluntary sector"
        OTHER = "Other", "Other"

    name = models.CharField(
        max_length=200, error_messages={"blank": "Give the lead's name.", "required": "Give the lead's name."}
    )
    job_title = models.CharField(max_length=200, blank=True)
    agency = models.CharField(max_length=30, choices=Agency.choices, default=Agency.COUNCIL)
    organisation = models.CharField(max_length=200, blank=True, help_text="For example Haringey Council, NHS Haringey")
    email = models.EmailField(blank=True)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name="directory of",
        help_text="The organisation whose list of leads this person is on.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name="login account",
    )

    objects = PersonQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def clean(self):
        self.name = (self.name or "").strip()
        errors = text_errors(self, {"name": 200, "job_title": 200, "organisation": 200})
        if not self.name:
            errors["name"] = "Give the lead's name."
        if errors:
            raise ValidationError(errors)


def ref_sort_key(ref: str) -> str:
    """Sort refs naturally: '1.10' after '1.09', '2.1.1' after '2.1'.

    Each run of digits is zero-padded so a plain string sort is natural.
    """
    return re.sub(r"\d+", lambda m: m.group().zfill(6), ref.strip().lower())


class ActionQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)


class Action(VersionedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    ref = models.CharField(max_length=20, help_text="For example 1.01 or 2.11")
    ref_sort_key = models.CharField(max_length=120, editable=False, db_index=True)
    title = models.TextField()
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="actions")
    action_lead = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="actions_led")
    expected_outcome = models.TextField(blank=True)
    sources = models.TextField(
        "source references",
        blank=True,
        help_text='One per line, for example "JAR Dec 2008" or "Serious case review".',
    )

    objects = ActionQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "ref_sort_key"]
        constraints = [models.UniqueConstraint(fields=["plan", "ref"], name="unique_action_ref_per_plan")]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def save(self, *args, **kwargs):
        self.ref = self.ref.strip()
        self.ref_sort_key = ref_sort_key(self.ref)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "ref" in update_fields:
            kwargs["update_fields"] = {*update_fields, "ref_sort_key"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = text_errors(
            self,
            {
                "ref": 20,
                "title": DESCRIPTION_MAX_LENGTH,
                "expected_outcome": LONG_TEXT_MAX_LENGTH,
                "sources": LONG_TEXT_MAX_LENGTH,
            },
        )
        if self.theme_id and self.plan_id and self.theme.plan_id != self.plan_id:
            errors["theme"] = "Choose a theme of this plan."
        if errors:
            raise ValidationError(errors)

    @property
    def source_list(self):
        return [line.strip() for line in self.sources.splitlines() if line.strip()]


class GlossaryTerm(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="glossary")
    term = models.CharField(max_length=50)
    definition = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "term"]
        constraints = [models.UniqueConstraint(fields=["plan", "term"], name="unique_glossary_term_per_plan")]

    def __str__(self):
        return self.term

    def clean(self):
        errors = text_errors(self, {"term": 50, "definition": LONG_TEXT_MAX_LENGTH})
        if errors:
            raise ValidationError(errors)


class LockedMonth(models.Model):
    """A reporting month closed to progress updates (its snapshot has been taken).

    Kept here, beside the plan, so milestones can refuse updates without knowing
    about the reports app that takes snapshots.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="locked_months")
    month = models.DateField()
    reason = models.CharField(max_length=300)
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-month"]
        constraints = [models.UniqueConstraint(fields=["plan", "month"], name="unique_locked_month")]

    def __str__(self):
        return f"{self.plan}: {self.month:%b %Y} locked"


class MonthReopening(models.Model):
    """A closed month opened again by the programme manager, and why. Its lock is removed; when the
    month is closed again its snapshot is retaken and the old one kept as superseded."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="month_reopenings")
    month = models.DateField()
    reason = models.TextField()
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="reopened by"
    )
    reopened_at = models.DateTimeField(default=timezone.now)
    # The lock it removed, as it read.
    lock_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "-month", "-reopened_at"]

    def __str__(self):
        return f"{self.plan}: {self.month:%b %Y} reopened"


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "Programme manager", "Programme manager"
    MILESTONE_LEAD = "Milestone lead", "Milestone lead"
    PERFORMANCE_OFFICER = "Performance officer", "Performance officer"
    SCRUTINY_MEMBER = "Scrutiny member", "Scrutiny member"


class Membership(models.Model):
    """A user's role in one plan, or in every plan of an organisation (plan left empty)."""

    Role = Role

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="Leave empty for a role in every plan of the organisation.",
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "plan", "user", "role"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_known"),
            models.UniqueConstraint(
                fields=["user", "plan", "role"],
                condition=models.Q(plan__isnull=False),
                name="unique_role_per_user_and_plan",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(plan__isnull=True),
                name="unique_organisation_role_per_user",
            ),
        ]

    def __str__(self):
        where = self.plan or f"every plan of {self.organisation}"
        return f"{self.user} – {self.role} in {where}"

    def clean(self):
        if self.plan_id and self.organisation_id and self.plan.owner_id != self.organisation_id:
            raise ValidationError({"plan": "Choose a plan of this organisation."})


class Invitation(models.Model):
    """An email invitation to a role in a plan. The link in the email sets up an account (or adds
    the role to the invitee's existing one) and expires; resending sends a new link and voids the old."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    times_sent = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-sent_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="invitation_role_known"),
        ]

    def __str__(self):
        return f"{self.email} invited as {self.role} in {self.plan}"

    @property
    def expires_at(self):
        return self.sent_at + datetime.timedelta(days=settings.INVITATION_DAYS)

    @property
    def is_expired(self):
        return timezone.now() > self.expires_at
