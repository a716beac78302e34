"""Every report, described once: its kind, name, appendix title, template, builder, whether it
takes the plan-page filters and whether it is cut into chunks for laying out on both cores.

Pages, PDFs, packs, the pack form, the command line and the model's check of a pack's
appendices all look reports up here. This module imports nothing from `reports`, so every
other module (the models included) can read it without an import cycle; the builder is named,
and `rendering.report_part` calls it from `reports.data`.
"""

from dataclasses import dataclass

from safeguarding import dates


@dataclass(frozen=True)
class ReportSpec:
    kind: str
    label: str  # in the pack form and the report menu
    appendix_title: str  # "{plan}" and "{month}" are filled in
    template: str
    builder: str  # the function of reports.data that returns the report's data
    filterable: bool = False  # takes the plan-page filters (theme, leads, agency, status, overdue, due)
    chunked: bool = False  # long: its data has chunks(rows) and is laid out in pieces (reports/parallel.py)

    def title(self, plan, as_at=None):
        return self.appendix_title.format(plan=plan.name, month=dates.month_long_label(as_at or dates.current_month()))


# In the order of the pack form (and so of a pack's appendices).
REPORTS = {
    spec.kind: spec
    for spec in (
        ReportSpec(
            "glossary",
            "Glossary of terms and acronyms",
            "Glossary of Terms and Acronyms",
            "reports/partials/glossary.html",
            "glossary_report",
        ),
        ReportSpec(
            "milestones",
            "Milestone report",
            "{plan} Milestone Report, {month}",
            "reports/partials/milestones.html",
            "milestone_report",
            filterable=True,
            chunked=True,
        ),
        ReportSpec(
            "exceptions",
            "Milestone exception report",
            "{plan} Milestone Exception Report, {month}",
            "reports/partials/exceptions.html",
            "exception_report",
            chunked=True,
        ),
        ReportSpec(
            "indicators",
            "Performance indicator report",
            "{plan} Performance Indicator Report, {month}",
            "reports/partials/indicators.html",
            "indicator_report",
        ),
        ReportSpec(
            "recommendations",
            "Progress against inspection recommendations",
            "{plan} Progress against Inspection Recommendations, {month}",
            "reports/partials/recommendations.html",
            "recommendation_report",
        ),
        ReportSpec(
            "movement",
            "Movement since the previous snapshot",
            "{plan} Movement since the Previous Report, {month}",
            "reports/partials/movement.html",
            "movement_report",
        ),
    )
}

CHOICES = [(spec.kind, spec.label) for spec in REPORTS.values()]


def spec(kind) -> ReportSpec:
    """The report of that kind; KeyError for an unknown one."""
    return REPORTS[kind]
