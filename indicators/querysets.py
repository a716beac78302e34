from django.db import models
from django.db.models import Prefetch

from safeguarding import dates


class IndicatorQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def with_report_data(self, as_at=None):
        """Prefetch what a summary needs: values from the start of last year up to
        as_at, targets and outturns, the latest commentary. A fixed number of queries."""
        from .models import Commentary, IndicatorValue, IndicatorYear

        as_at = as_at or dates.current_month()
        since = dates.financial_year_start(dates.financial_year(as_at) - 1)
        return self.select_related("section", "owner").prefetch_related(
            Prefetch(
                "values",
                queryset=IndicatorValue.objects.filter(period__gte=since, period__lte=as_at).order_by("period"),
                to_attr="report_values",
            ),
            Prefetch("years", queryset=IndicatorYear.objects.order_by("year"), to_attr="report_years"),
            Prefetch(
                "commentaries",
                queryset=Commentary.objects.filter(period__gte=since, period__lte=as_at).order_by("-period"),
                to_attr="report_commentaries",
            ),
        )
