"""Inspections and reviews, and the recommendations they made, answered by a plan's actions.

A plan has sources (the Joint Area Review, an Ofsted progress review...) and each source its
recommendations, findings and areas for improvement, with the ref as the report printed it. An
action answers any number of recommendations, of its own plan or another plan of the same
organisation (recommendations.services checks that).
"""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from plans.models import Action, Plan, ref_sort_key
from safeguarding.text import LONG_TEXT_MAX_LENGTH, refuse_implausible_date, text_errors


class Source(models.Model):
    class Kind(models.TextChoices):
        INSPECTION = "inspection", "Inspection"
        REVIEW = "review", "Review"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recommendation_sources")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INSPECTION)
    body = models.CharField("inspecting body", max_length=200, help_text="For example Ofsted, or Ofsted, CQC and HMIC")
    title = models.CharField(max_length=200, help_text="For example Joint Area Review")
    date = models.DateField("published or visited", null=True, blank=True, validators=[refuse_implausible_date])
    link = models.URLField("link to the report", max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["inspection", "review"]), name="source_kind_valid"),
            models.UniqueConstraint(fields=["plan", "title", "date"], name="unique_source_per_plan"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%b %Y})" if self.date else self.title

    def clean(self):
        errors = text_errors(self, {"body": 200, "title": 200})
        if errors:
            raise ValidationError(errors)


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"
        PRIORITY_ACTION = "priority_action", "Priority action"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="recommendations")
    ref = models.CharField(max_length=30, help_text="As the report printed it, for example 1 or 3.2")
    ref_sort_key = models.CharField(max_length=180, editable=False, db_index=True)
    text = models.TextField()
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.RECOMMENDATION)
    timescale = models.CharField(
        "inspector's timescale", max_length=100, blank=True, help_text="For example: immediately, within 3 months"
    )
    actions = models.ManyToManyField(
        Action,
        related_name="recommendations",
        blank=True,
        verbose_name="answered by",
        help_text="Actions of this plan, or of another plan of the same organisation.",
    )

    history = HistoricalRecords(m2m_fields=[actions])

    class Meta:
        ordering = ["source__date", "source_id", "ref_sort_key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["recommendation", "area_for_improvement", "priority_action"]),
                name="recommendation_kind_valid",
            ),
            models.UniqueConstraint(fields=["source", "ref"], name="unique_recommendation_ref_per_source"),
        ]

    def __str__(self):
        return f"{self.source.title} {self.ref}"

    @property
    def plan(self):
        """The plan whose source made the recommendation (plans.permissions.plan_of finds it here)."""
        return self.source.plan

    def save(self, *args, **kwargs):
        self.ref = (self.ref or "").strip()
        self.ref_sort_key = ref_sort_key(self.ref)
        super().save(*args, **kwargs)

    def clean(self):
        errors = text_errors(self, {"ref": 30, "text": LONG_TEXT_MAX_LENGTH, "timescale": 100})
        if errors:
            raise ValidationError(errors)
