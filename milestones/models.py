from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans import roles
from plans.models import Action, LockedMonth, Person, VersionedModel
from safeguarding import dates
from safeguarding.text import (
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    refuse_implausible_date,
    text_validators,
)

from .querysets import AppendOnlyError, AppendOnlyQuerySet, MilestoneQuerySet, ProgressUpdateQuerySet
from .status import Status, status_flags

# Milestone fields holding its latest progress update (querysets.CURRENT_NAMES maps them to the names pages read).
REPORTED_FIELDS = (
    "reported_status",
    "reported_note",
    "reported_month",
    "reported_status_reason",
    "reported_update",
    "reported_at",
)


class Milestone(VersionedModel):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    description = models.TextField(validators=text_validators(DESCRIPTION_MAX_LENGTH))
    planned_start = models.DateField("planned start date", null=True, blank=True, validators=[refuse_implausible_date])
    # The original due date is never overwritten: a re-plan sets revised_due_date.
    # Null only for milestones brought in from a report that printed no due date.
    due_date = models.DateField("due date", null=True, blank=True, validators=[refuse_implausible_date])
    revised_due_date = models.DateField("revised due date", null=True, blank=True, validators=[refuse_implausible_date])
    lead = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="milestones_led", verbose_name="milestone lead"
    )
    # Leads may be people, teams or boards: a Person is any name (e.g. "LSCB Training Sub-group").
    supporting_leads = models.ManyToManyField(
        Person,
        blank=True,
        related_name="milestones_supported",
        help_text="People, teams or boards who share the work; they may update the milestone too.",
    )
    outcome = models.TextField(
        "outcome (success measure)",
        blank=True,
        validators=text_validators(DESCRIPTION_MAX_LENGTH),
        help_text="How we will know the milestone made a difference.",
    )
    order = models.PositiveIntegerField(default=0)

    # The latest progress update's status, note and month, stored so the live pages read them
    # without a subquery per row. Derived: written only by MilestoneQuerySet.refresh_reported,
    # in the transaction that writes the update; never by a milestone edit (see save()).
    reported_status = models.CharField(
        "status as last reported", max_length=20, default=Status.NOT_STARTED.value, editable=False
    )
    reported_note = models.TextField("latest progress note", blank=True, editable=False)
    reported_month = models.DateField("month last reported on", null=True, blank=True, editable=False)
    reported_status_reason = models.TextField(blank=True, editable=False)
    reported_update = models.ForeignKey(
        "ProgressUpdate", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    reported_at = models.DateTimeField("last updated", null=True, blank=True, editable=False)

    objects = MilestoneQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=list(REPORTED_FIELDS))

    class Meta:
        ordering = ["action__ref_sort_key", "order", "id"]
        indexes = [
            # My milestones (a lead's, by status) and the plan page's status filter and counts.
            models.Index(fields=["lead", "reported_status"], name="milestone_lead_status"),
            models.Index(fields=["action", "reported_status"], name="milestone_action_status"),
        ]

    def __str__(self):
        return self.description

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_due_date = instance.__dict__.get("due_date")
        return instance

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_due_date", None)
        if loaded is not None and self.due_date != loaded:
            raise ValidationError(
                "The original due date cannot be changed once set; record a revised due date instead."
            )
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # An edit opened before a progress update must not write back the stale reported_* fields.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in REPORTED_FIELDS
            ]
        super().save(*args, **kwargs)
        self._loaded_due_date = self.due_date

    def clean(self):
        errors = {}
        if self.planned_start and self.due_date and self.due_date < self.planned_start:
            errors["due_date"] = "The due date is before the planned start date."
        if self.planned_start and self.revised_due_date and self.revised_due_date < self.planned_start:
            errors["revised_due_date"] = "The revised due date is before the planned start date."
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("milestones:detail", args=[self.pk])

    @property
    def effective_due_date(self):
        return self.revised_due_date or self.due_date

    def latest_update(self):
        return self.updates.latest_first().first()

    def status_flags(self, status=None, today=None):
        """Why a status disagrees with the milestone's dates ([] when it agrees)."""
        if status is None:
            status = getattr(self, "current_status", None) or Status.NOT_STARTED
        return status_flags(status, self.planned_start, self.effective_due_date, today or dates.today())

    def is_overdue(self, today=None):
        """Due (or revised due) date passed and not Achieved.

        The rule is MilestoneQuerySet.with_current_status's (querysets.overdue_rule), asked of
        the database for this row, so it cannot drift from the pages and reports. A milestone
        read with with_current_status carries the answer already: its `is_overdue` attribute
        (a bool) takes this method's place, and templates read either alike."""
        if self.pk is None:
            raise ValueError("Save the milestone before asking whether it is overdue.")
        this = type(self).objects.with_current_status(today).filter(pk=self.pk)
        return this.values_list("is_overdue", flat=True).get()

    def can_review_updates(self, user) -> bool:
        """Sign off or return progress updates: the action lead, or the plan's programme manager."""
        held = roles.plan_roles(user, self.action.plan)
        if roles.PROGRAMME_MANAGER in held:
            return True
        return roles.MILESTONE_LEAD in held and self.action.action_lead.user_id == user.pk

    def can_be_updated_by(self, user) -> bool:
        """The plan's programme manager, the milestone lead, its supporting leads and the action lead
        may add progress (and evidence)."""
        held = roles.plan_roles(user, self.action.plan)
        if roles.PROGRAMME_MANAGER in held:
            return True
        if roles.MILESTONE_LEAD not in held:
            return False
        if user.pk in {self.lead.user_id, self.action.action_lead.user_id}:
            return True
        # .all() uses the page's prefetch of supporting leads when there is one (no query per row).
        return self.pk is not None and any(person.user_id == user.pk for person in self.supporting_leads.all())


class AppendOnlyModel(models.Model):
    """Evidence records: once written, never changed or deleted (a correction is a new record)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"A {self._meta.verbose_name} cannot be changed; add a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"A {self._meta.verbose_name} cannot be deleted.")


class ProgressUpdate(AppendOnlyModel):
    class Source(models.TextChoices):
        SUBMITTED = "submitted", "Submitted in the app"
        IMPORTED = "imported", "Imported from a spreadsheet"
        LOADED = "loaded", "Loaded from an earlier report"

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="updates")
    reporting_month = models.DateField(
        help_text="The month this update reports on (stored as its first day).", validators=[refuse_implausible_date]
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField("progress note", blank=True, validators=text_validators(NOTE_MAX_LENGTH))
    status_reason = models.TextField(
        "reason for keeping this status",
        blank=True,
        validators=text_validators(NOTE_MAX_LENGTH),
        help_text="Needed when the status disagrees with the milestone's dates; shown in the reports.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
        help_text="Empty for updates imported from an earlier report.",
    )
    # Only updates submitted in the app go to sign-off; imported and loaded ones are the record as it was.
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.LOADED)
    brought_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who imported or loaded the update (empty for one submitted in the app, or loaded by the system).",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-reporting_month", "-created_at", "-id"]
        indexes = [models.Index(fields=["milestone", "-reporting_month", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="progress_update_status_valid"),
            models.CheckConstraint(
                condition=models.Q(source__in=["submitted", "imported", "loaded"]), name="progress_update_source_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(source="submitted") | models.Q(author__isnull=False),
                name="submitted_update_has_author",
            ),
        ]

    def __str__(self):
        return f"{dates.month_label(self.reporting_month)} - {self.get_status_display()}"

    def clean(self):
        errors = {}
        if self.status == Status.NOT_ON_TRACK and not (self.note or "").strip():
            errors["note"] = "Say why the milestone is not on track and what support is needed."
        elif self.status == Status.AT_RISK and not (self.note or "").strip():
            errors["note"] = "Say what puts the milestone at risk and what is being done about it."
        if self.reporting_month and self.reporting_month > dates.current_month():
            errors["reporting_month"] = (
                f"{dates.month_label(self.reporting_month)} is in the future: "
                f"report on {dates.month_label(dates.current_month())} or an earlier month."
            )
        elif self.reporting_month and self.milestone_id:
            lock = LockedMonth.objects.filter(
                plan_id=self.milestone.action.plan_id, month=self.reporting_month.replace(day=1)
            ).first()
            if lock:
                errors["reporting_month"] = (
                    f"{dates.month_label(lock.month)} is locked: {lock.reason} "
                    f"Report on {dates.month_label(dates.current_month())} instead."
                )
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def save(self, *args, **kwargs):
        if self.reporting_month:
            self.reporting_month = self.reporting_month.replace(day=1)
        super().save(*args, **kwargs)
        # In the same transaction: the milestone's stored current state follows its updates.
        # (bulk_create skips save(): the bulk services call refresh_reported themselves.)
        Milestone.objects.filter(pk=self.milestone_id).refresh_reported()

    @property
    def month_label(self):
        return dates.month_label(self.reporting_month)

    def review_state(self):
        """(decision, review) from the prefetched `review_list` or the database: submitted until reviewed."""
        reviews = getattr(self, "review_list", None)
        if reviews is None:
            reviews = list(self.reviews.order_by("-created_at", "-id"))
        return reviews[0] if reviews else None


class ReviewDecision(models.TextChoices):
    SIGNED_OFF = "signed_off", "Signed off"
    RETURNED = "returned", "Returned"


class UpdateReview(AppendOnlyModel):
    """The action lead or programme manager signs off a progress update, or returns it with a comment."""

    Decision = ReviewDecision

    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    comment = models.TextField(blank=True, validators=text_validators(NOTE_MAX_LENGTH))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="update_reviews")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=ReviewDecision.values), name="update_review_decision_valid"
            )
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.update}"

    def clean(self):
        if self.decision == self.Decision.RETURNED and not (self.comment or "").strip():
            raise ValidationError({"comment": "Say why the update is returned, so the lead can put it right."})


class SlippageRecord(AppendOnlyModel):
    """An exception-report entry for a milestone: why it slipped and what happens next.

    Append-only like progress updates. A revised completion date re-plans the
    milestone (its revised due date) and the record keeps the date it replaced,
    so every re-plan stays visible.
    """

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="slippage_records")
    # Blank only in records taken from an old report (seed 1.01 gives none); the form requires it.
    reason_for_slippage = models.TextField(blank=True, validators=text_validators(NOTE_MAX_LENGTH))
    actions_to_achieve = models.TextField(
        "actions to achieve milestone", blank=True, validators=text_validators(NOTE_MAX_LENGTH)
    )
    support_required = models.TextField(blank=True, validators=text_validators(NOTE_MAX_LENGTH))
    revised_completion_date = models.DateField(null=True, blank=True, validators=[refuse_implausible_date])
    other_milestones_impacted = models.TextField(blank=True, validators=text_validators(NOTE_MAX_LENGTH))
    replaced_due_date = models.DateField(
        null=True, blank=True, editable=False, help_text="The due date in force before this record re-planned it."
    )
    replanned = models.BooleanField(default=False, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="slippage_records"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "exception record"

    def __str__(self):
        return f"Exception for {self.milestone}"

    def clean(self):
        milestone = self.milestone
        if (
            self.revised_completion_date
            and milestone.planned_start
            and self.revised_completion_date < milestone.planned_start
        ):
            raise ValidationError(
                {"revised_completion_date": "The revised completion date is before the milestone's planned start date."}
            )


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    ESCALATION = "escalation", "Escalation"
    DIGEST = "digest", "Weekly digest"


class Notification(models.Model):
    """A reminder, escalation or digest email sent: recorded so a job run twice never sends twice."""

    Kind = NotificationKind

    kind = models.CharField(max_length=12, choices=Kind.choices)
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="notifications")
    month = models.DateField(help_text="The reporting month (for a digest: the week's Monday).")
    recipient = models.EmailField()
    cc = models.TextField(blank=True)
    subject = models.CharField(max_length=300)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "plan", "month", "recipient"], name="unique_notification"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} for {self.month:%b %Y}"


def evidence_upload_to(instance, filename):
    """evidence/<plan id>/<random>/<cleaned name>: never guessable, never overwriting."""
    import uuid

    from django.utils.text import get_valid_filename

    plan_id = instance.update.milestone.action.plan_id
    return f"evidence/{plan_id}/{uuid.uuid4().hex}/{get_valid_filename(filename)[-100:]}"


class Evidence(AppendOnlyModel):
    """A file or a link backing a progress update. Append-only: a correction is a new record."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200, validators=text_validators(200))
    file = models.FileField(upload_to=evidence_upload_to, max_length=300, blank=True)
    url = models.URLField("link", max_length=500, blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_added")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(url="")) | (~models.Q(file="") & models.Q(url="")),
                name="evidence_is_a_file_or_a_link",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class EvidenceDownload(models.Model):
    """Each download of an evidence file (or follow of a link): who and when."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-downloaded_at"]

    def __str__(self):
        return f"{self.evidence} downloaded {self.downloaded_at:%d %b %Y %H:%M}"
