from django.contrib import admin

from safeguarding.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import Benchmark, Commentary, ComparatorGroup, Indicator, IndicatorValue, IndicatorYear, Section

admin.site.register(Section, ReadOnlyAdmin, list_display=["name", "plan", "order"])
admin.site.register(ComparatorGroup, ReadOnlyAdmin, list_display=["name", "order"])


class IndicatorYearInline(ReadOnlyTabularInline):
    model = IndicatorYear
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "section", "polarity", "frequency", "data_only"]
    list_filter = ["plan", "section"]
    search_fields = ["code", "title"]
    inlines = [IndicatorYearInline]


admin.site.register(
    IndicatorValue, ReadOnlyAdmin, list_display=["indicator", "period", "value", "numerator", "denominator", "no_data"]
)
admin.site.register(Benchmark, ReadOnlyAdmin, list_display=["indicator", "year", "comparator", "value"])
admin.site.register(Commentary, ReadOnlyAdmin, list_display=["indicator", "period"])
