import functools
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans.models import Action, Person, Plan, ref_sort_key
from safeguarding import dates
from safeguarding.text import (
    LONG_TEXT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    refuse_control_characters,
    refuse_implausible_date,
    refuse_implausible_year,
    text_validators,
)

from . import rules
from .querysets import IndicatorQuerySet


class Section(models.Model):
    """A heading of the indicator report (Referral & Assessment, Child Protection...)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicator_sections")
    name = models.CharField(max_length=200, validators=[refuse_control_characters])
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="unique_section_name_per_plan")]

    def __str__(self):
        return self.name


class ComparatorGroup(models.Model):
    """A benchmark group: England, London, statistical neighbours... (data, not code)."""

    name = models.CharField(max_length=100, unique=True, validators=[refuse_control_characters])
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


# The choices live at module level so the models' Meta can name them in CheckConstraints.
class Unit(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    NUMBER = "number", "Number"
    SCORE = "score", "Score"
    DAYS = "days", "Days"


class Polarity(models.TextChoices):
    HIGHER = rules.Polarity.HIGHER.value, "Higher is better"
    LOWER = rules.Polarity.LOWER.value, "Lower is better"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class YtdMethod(models.TextChoices):
    RATIO = rules.YtdMethod.RATIO.value, "From numerators and denominators"
    SUM = rules.YtdMethod.SUM.value, "Sum of the periods"
    AVERAGE = rules.YtdMethod.AVERAGE.value, "Average of the periods"
    LATEST = rules.YtdMethod.LATEST.value, "Latest period (snapshot measure)"
    ENTERED = rules.YtdMethod.ENTERED.value, "Entered by hand (not computable)"


TOLERANCE_KINDS = [
    (rules.ToleranceKind.ABSOLUTE.value, "In the indicator's unit"),
    (rules.ToleranceKind.PERCENT.value, "Percent of target"),
]


@functools.lru_cache(maxsize=4096)  # thousands of figures a report, a few dozen periods
def _period_label(frequency, period):
    if period is None:
        return ""
    if frequency == Indicator.Frequency.ANNUAL:
        return dates.financial_year_label(dates.financial_year(period))
    if frequency == Indicator.Frequency.QUARTERLY:
        quarter = ((period.month - 4) % 12) // 3 + 1
        return f"Q{quarter} {dates.financial_year_label(dates.financial_year(period))}"
    return dates.month_label(period)


class Indicator(models.Model):
    Unit = Unit
    Polarity = Polarity
    Frequency = Frequency
    YtdMethod = YtdMethod

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(
        max_length=20, help_text="For example NI 59 or L0508", validators=[refuse_control_characters]
    )
    code_sort_key = models.CharField(max_length=120, editable=False)
    title = models.CharField("short title", max_length=300, validators=[refuse_control_characters])
    definition = models.TextField("full definition", blank=True, validators=text_validators(LONG_TEXT_MAX_LENGTH))
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.PERCENTAGE)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.HIGHER)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    data_only = models.BooleanField("data only (no target)", default=False)
    ytd_method = models.CharField(
        "year-to-date rule", max_length=10, choices=YtdMethod.choices, default=YtdMethod.RATIO
    )
    decimal_places = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveIntegerField(default=0, help_text="Position within its section in the report.")
    owner = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators")
    actions = models.ManyToManyField(Action, blank=True, related_name="indicators", verbose_name="linked plan actions")

    objects = IndicatorQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "section__order", "order", "code_sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator_code_per_plan"),
            models.CheckConstraint(condition=models.Q(unit__in=Unit.values), name="indicator_unit_valid"),
            models.CheckConstraint(condition=models.Q(polarity__in=Polarity.values), name="indicator_polarity_valid"),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values), name="indicator_frequency_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ytd_method__in=YtdMethod.values), name="indicator_ytd_method_valid"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        self.code = self.code.strip()
        self.code_sort_key = ref_sort_key(self.code)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("indicators:detail", args=[self.pk])

    @property
    def is_percentage(self):
        return self.unit == self.Unit.PERCENTAGE

    def period_label(self, period):
        return _period_label(self.frequency, period)

    def period_error(self, period):
        """Why a period does not fit this indicator's frequency, or None."""
        if period.day != 1:
            return "A period starts on the first day of a month."
        if self.frequency == self.Frequency.QUARTERLY and period.month not in (4, 7, 10, 1):
            return "This indicator is quarterly: choose the first month of a quarter (April, July, October or January)."
        if self.frequency == self.Frequency.ANNUAL and period.month != 4:
            return "This indicator is annual: a period is a financial year starting in April."
        return None

    def summarise(self, as_at=None):
        """Latest figures, trend, year-to-date and status as at a month.

        Reads the rows prefetched by IndicatorQuerySet.with_report_data (or
        queries them if not prefetched).
        """
        from .summary import summarise

        return summarise(self, as_at or dates.current_month())

    def percentage_error(self, value):
        """The message for a percentage outside 0-100, or None."""
        if self.is_percentage and value is not None and not 0 <= value <= 100:
            return f"A percentage must be between 0 and 100 (you entered {Decimal(value).normalize():f})."
        return None

    def format_value(self, value):
        if value is None:
            return ""
        value = Decimal(value).quantize(Decimal(1).scaleb(-self.decimal_places))
        return f"{value}%" if self.is_percentage else f"{value}"


class IndicatorYear(models.Model):
    """One reporting year (April-March) of an indicator: its target, tolerance and outturn."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveIntegerField(
        help_text="Starting year: 2009 for 2009/10", validators=[refuse_implausible_year]
    )
    target = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    tolerance = models.DecimalField(
        "warning tolerance",
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="How far worse than target is a Warning rather than an Alert. Empty: any shortfall is an Alert.",
    )
    tolerance_kind = models.CharField(
        max_length=10,
        choices=TOLERANCE_KINDS,
        default=rules.ToleranceKind.ABSOLUTE.value,
    )
    outturn = models.DecimalField(
        max_digits=12, decimal_places=3, null=True, blank=True, help_text="The final figure for the year."
    )

    def clean(self):
        errors = {}
        for name in ("target", "outturn"):
            problem = self.indicator.percentage_error(getattr(self, name))
            if problem:
                errors[name] = problem
        if self.tolerance_kind == rules.ToleranceKind.PERCENT.value and self.tolerance and self.tolerance > 100:
            errors["tolerance"] = "A tolerance as a percent of target cannot exceed 100."
        if errors:
            raise ValidationError(errors)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="unique_indicator_year"),
            models.CheckConstraint(
                condition=models.Q(tolerance_kind__in=[value for value, _ in TOLERANCE_KINDS]),
                name="indicator_year_tolerance_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.label}"

    @property
    def label(self):
        return dates.financial_year_label(self.year)


class IndicatorValue(models.Model):
    """The figure for one period. 'No data' is a state of its own, not a zero."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.DateField(help_text="First day of the period", validators=[refuse_implausible_date])
    value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    numerator = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    denominator = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    no_data = models.BooleanField("no data for this period", default=False)
    ytd_entered = models.DecimalField(
        "year-to-date (entered)",
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Only where year-to-date cannot be computed from the periods.",
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    entered_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="unique_indicator_period")]

    def __str__(self):
        return f"{self.indicator.code} {self.period:%b %Y}"

    def save(self, *args, **kwargs):
        self.value = self.effective_value
        super().save(*args, **kwargs)

    @property
    def effective_value(self):
        """The value as entered, or computed from numerator and denominator."""
        if self.no_data:
            return None
        if self.value is None and self.numerator is not None and self.denominator:
            value = Decimal(self.numerator) / Decimal(self.denominator)
            return (value * 100 if self.indicator.is_percentage else value).quantize(Decimal("0.001"))
        return self.value

    def clean(self):
        errors = {}
        indicator = self.indicator
        if self.period:
            problem = indicator.period_error(self.period)
            if problem:
                errors["period"] = problem
            elif self.period > dates.current_month():
                errors["period"] = (
                    f"{indicator.period_label(self.period)} has not started yet: figures can only be entered "
                    "for the current or past periods."
                )
        has_figures = any(v is not None for v in (self.value, self.numerator, self.denominator))
        if self.no_data and has_figures:
            errors["no_data"] = "Either tick 'no data' or enter figures, not both."
        if not self.no_data and not has_figures:
            errors["value"] = "Enter a value (or a numerator and denominator), or tick 'no data for this period'."
        if (self.numerator is None) != (self.denominator is None):
            errors["denominator" if self.denominator is None else "numerator"] = (
                "Enter both the numerator and the denominator, or neither."
            )
        for name in ("numerator", "denominator"):
            if getattr(self, name) is not None and getattr(self, name) < 0:
                errors[name] = f"The {name} cannot be negative."
        if self.denominator == 0:
            errors["denominator"] = "The denominator cannot be zero."
        if self.numerator is not None and self.denominator and self.numerator > self.denominator:
            errors["numerator"] = (
                f"The numerator ({self.numerator.normalize():f}) is larger than the denominator "
                f"({self.denominator.normalize():f})."
            )
        if not errors:
            for name, figure in (("value", self.effective_value), ("ytd_entered", self.ytd_entered)):
                problem = indicator.percentage_error(figure)
                if problem:
                    errors[name] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def label(self):
        return self.indicator.period_label(self.period)


class Benchmark(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="benchmarks")
    year = models.PositiveIntegerField(
        help_text="Starting year: 2008 for 2008/09", validators=[refuse_implausible_year]
    )
    comparator = models.ForeignKey(ComparatorGroup, on_delete=models.PROTECT, related_name="benchmarks")
    value = models.DecimalField(max_digits=12, decimal_places=3)

    def clean(self):
        problem = self.indicator.percentage_error(self.value)
        if problem:
            raise ValidationError({"value": problem})

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "-year", "comparator__order"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year", "comparator"], name="unique_benchmark")]

    def __str__(self):
        return f"{self.indicator.code} {self.comparator} {self.year_label}"

    @property
    def year_label(self):
        return dates.financial_year_label(self.year)


class Commentary(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="commentaries")
    period = models.DateField(validators=[refuse_implausible_date])
    commentary = models.TextField(blank=True, validators=text_validators(NOTE_MAX_LENGTH))
    current_activities = models.TextField(blank=True, validators=text_validators(NOTE_MAX_LENGTH))
    best_practice = models.TextField(blank=True, validators=text_validators(NOTE_MAX_LENGTH))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "-period"]
        verbose_name_plural = "commentaries"
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="unique_commentary_period")]

    def __str__(self):
        return f"{self.indicator.code} {self.period:%b %Y}"

    def clean(self):
        if not any((text or "").strip() for text in (self.commentary, self.current_activities, self.best_practice)):
            raise ValidationError("Write at least one of commentary, current activities or best practice.")

    @property
    def label(self):
        return self.indicator.period_label(self.period)
