from django.contrib import admin

from .models import Benchmark, Commentary, ComparatorGroup, Indicator, IndicatorValue, IndicatorYear, Section

admin.site.register(Section, list_display=["name", "plan", "order"])
admin.site.register(ComparatorGroup, list_display=["name", "order"])


class IndicatorYearInline(admin.TabularInline):
    model = IndicatorYear
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "section", "polarity", "frequency", "data_only"]
    list_filter = ["plan", "section"]
    search_fields = ["code", "title"]
    inlines = [IndicatorYearInline]


admin.site.register(
    IndicatorValue, list_display=["indicator", "period", "value", "numerator", "denominator", "no_data"]
)
admin.site.register(Benchmark, list_display=["indicator", "year", "comparator", "value"])
admin.site.register(Commentary, list_display=["indicator", "period"])
