"""The JSON API (version 1). Reads are the plans the caller is a member of (plans.roles.visible_plans,
then `plans.view_plan` on the record: another organisation's row is 404); writes go through the
services (milestones.services.progress_update_create, indicators.services.indicator_value_upsert),
which check the same django-rules permissions again."""

import re
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import APIRootView

from indicators.models import Indicator, IndicatorValue
from indicators.services import indicator_value_upsert
from milestones.models import Milestone, ProgressUpdate, SlippageRecord, UpdateReview
from milestones.services import progress_update_create
from milestones.status import Status, status_flags
from plans import roles
from plans.models import Action, Organisation, Theme
from plans.permissions import plan_of
from reports.models import Snapshot, SnapshotIndicator, SnapshotMilestone
from safeguarding import dates

from . import filters
from . import serializers as s
from .errors import PayloadTooLarge
from .idempotency import idempotent
from .schema import ApiAutoSchema

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

AS_AT = OpenApiParameter(
    "as_at", OpenApiTypes.STR, description="A month, YYYY-MM (default: the current month)", pattern=r"^\d{4}-\d{2}$"
)
SNAPSHOT = OpenApiParameter(
    "snapshot", OpenApiTypes.INT, description="A snapshot's id: the rows exactly as frozen then (as_at is ignored)"
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="Any unique string (e.g. a UUID): the same key replays the first response for 24 hours",
)


class ApiMixin:
    """Token or session; every view reachable without a session (LoginRequiredMiddleware) but
    authenticated by DRF (401/403 JSON); write bodies limited to API_MAX_BODY_BYTES."""

    csv_name = "rows"
    schema = ApiAutoSchema()
    lookup_value_regex = r"[0-9]{1,18}"  # an id the database can hold; any other address is a JSON 404

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))

    def initial(self, request, *args, **kwargs):
        if request.method in UNSAFE:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.API_MAX_BODY_BYTES:
                raise PayloadTooLarge(f"The request body is larger than {settings.API_MAX_BODY_BYTES} bytes.")
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(response, "accepted_renderer", None)
        if renderer is not None and renderer.format == "csv":
            if response.status_code >= 400:
                # An error is JSON ({"detail": ...} or messages by field), as the schema declares, even when
                # CSV was asked for: a one-cell "table" of an error message is no use to a spreadsheet.
                response.accepted_renderer = JSONRenderer()
                response.accepted_media_type = JSONRenderer.media_type
            elif response.status_code == 200:
                response["Content-Disposition"] = f'attachment; filename="{self.csv_name}.csv"'
        return response

    def visible_plans(self):
        if not hasattr(self, "_visible_plans"):
            self._visible_plans = roles.visible_plans(self.request.user)
        return self._visible_plans

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        plan = plan_of(obj)
        if plan is not None and not request.user.has_perm("plans.view_plan", plan):
            raise Http404


class ApiRoot(ApiMixin, APIRootView):
    """The API's endpoints."""

    schema = None  # not an operation of the schema (as REST framework's own root view)


class ReadOnlyViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    pass


def month_param(request, name="as_at"):
    text = request.query_params.get(name)
    if not text:
        return None
    month = dates.parse_month(text)
    if month is None:
        raise serializers.ValidationError({name: ["Give a month as YYYY-MM."]})
    return month


class RowsMixin:
    """Views whose serializer lays out a row built from each object (`to_row`)."""

    def get_serializer(self, *args, **kwargs):
        if args and not kwargs.get("data"):
            instance = args[0]
            if kwargs.get("many"):
                instance = [self.to_row(obj) for obj in instance]
            else:
                instance = self.to_row(instance)
            args = (instance, *args[1:])
        return super().get_serializer(*args, **kwargs)

    def to_row(self, obj):
        return obj


class OrganisationViewSet(ReadOnlyViewSet):
    """Organisations owning your plans, and their partner agencies."""

    serializer_class = s.OrganisationSerializer
    csv_name = "organisations"

    def get_queryset(self):
        owners = self.visible_plans().values("owner_id")
        return Organisation.objects.filter(Q(pk__in=owners) | Q(parent_id__in=owners))


class PlanViewSet(ReadOnlyViewSet):
    """The plans you are a member of, with your roles in each."""

    serializer_class = s.PlanSerializer
    csv_name = "plans"

    def get_queryset(self):
        return self.visible_plans()


class ThemeViewSet(ReadOnlyViewSet):
    serializer_class = s.ThemeSerializer
    filterset_class = filters.ThemeFilter
    csv_name = "themes"

    def get_queryset(self):
        return Theme.objects.filter(plan__in=self.visible_plans()).select_related("plan")


class ActionViewSet(ReadOnlyViewSet):
    serializer_class = s.ActionSerializer
    filterset_class = filters.ActionFilter
    csv_name = "actions"

    def get_queryset(self):
        return Action.objects.filter(plan__in=self.visible_plans()).select_related("theme", "action_lead", "plan")


@extend_schema_view(
    list=extend_schema(parameters=[AS_AT, SNAPSHOT]),
    retrieve=extend_schema(parameters=[AS_AT]),
)
class MilestoneViewSet(RowsMixin, ReadOnlyViewSet):
    """Milestones with their current status, latest note, overdue flag and effective due date, as at
    a month (`as_at`, read as the reports read it), or exactly as frozen in a snapshot (`snapshot`)."""

    serializer_class = s.MilestoneSerializer
    csv_name = "milestones"

    @property
    def snapshot(self):
        if not hasattr(self, "_snapshot"):
            self._snapshot = None
            request = getattr(self, "request", None)
            wanted = request.query_params.get("snapshot") if request is not None and self.action == "list" else None
            if wanted:
                if not re.fullmatch(r"[0-9]{1,18}", wanted):
                    raise serializers.ValidationError({"snapshot": ["Give a snapshot's id."]})
                self._snapshot = (
                    Snapshot.objects.filter(pk=wanted, plan__in=self.visible_plans()).select_related("plan").first()
                )
                if self._snapshot is None:
                    raise Http404("No such snapshot.")
        return self._snapshot

    @property
    def filterset_class(self):
        return filters.SnapshotMilestoneFilter if self.snapshot else filters.MilestoneFilter

    def get_queryset(self):
        if self.snapshot:
            return SnapshotMilestone.objects.filter(snapshot=self.snapshot).annotate(
                effective_due=Coalesce("revised_due_date", "due_date")
            )
        self.as_at = month_param(self.request) or dates.current_month()
        self.judged_on = min(dates.today(), dates.month_end(self.as_at))
        return (
            Milestone.objects.filter(action__plan__in=self.visible_plans())
            .with_current_status(as_at=self.as_at)
            .with_replan_count()
            .with_leads()
        )

    def to_row(self, m):
        if isinstance(m, SnapshotMilestone):
            return SimpleNamespace(
                id=m.milestone_id,
                plan=self.snapshot.plan_id,
                action=None,
                action_ref=m.action_ref,
                action_title=m.action_title,
                theme=None,
                theme_name=m.theme,
                description=m.description,
                order=m.order,
                planned_start=m.planned_start,
                due_date=m.due_date,
                revised_due_date=m.revised_due_date,
                effective_due_date=m.revised_due_date or m.due_date,
                status=m.status,
                status_label=self.snapshot.scheme.label(m.status) if m.status in Status.values else m.status,
                status_reason=m.status_reason,
                status_flags=m.status_flags,
                note=m.note,
                note_month=m.note_month,
                last_updated_at=None,
                overdue=m.is_overdue,
                lead=None,
                lead_name=m.lead,
                lead_agency=m.lead_agency,
                action_lead=None,
                action_lead_name=m.action_lead,
                replan_count=m.replan_count,
                as_at=self.snapshot.period,
                snapshot=self.snapshot.pk,
            )
        return SimpleNamespace(
            id=m.pk,
            plan=m.action.plan_id,
            action=m.action_id,
            action_ref=m.action.ref,
            action_title=m.action.title,
            theme=m.action.theme_id,
            theme_name=m.action.theme.name,
            description=m.description,
            order=m.order,
            planned_start=m.planned_start,
            due_date=m.due_date,
            revised_due_date=m.revised_due_date,
            effective_due_date=m.effective_due,
            status=m.current_status,
            status_label=m.action.plan.scheme.label(m.current_status),
            status_reason=m.current_status_reason,
            status_flags=status_flags(m.current_status, m.planned_start, m.effective_due, self.judged_on),
            note=m.current_note,
            note_month=m.current_month,
            last_updated_at=m.last_updated_at,
            overdue=m.is_overdue,
            lead=m.lead_id,
            lead_name=m.lead.name,
            lead_agency=m.lead.agency,
            action_lead=m.action.action_lead_id,
            action_lead_name=m.action.action_lead.name,
            replan_count=m.replan_count,
            as_at=self.as_at,
            snapshot=None,
        )


class ProgressUpdateViewSet(ApiMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Progress updates (the history, append-only). A lead adds one with POST."""

    serializer_class = s.ProgressUpdateSerializer
    filterset_class = filters.ProgressUpdateFilter
    csv_name = "progress-updates"

    def get_queryset(self):
        return (
            ProgressUpdate.objects.filter(milestone__action__plan__in=self.visible_plans())
            .select_related("author", "milestone__action__plan")
            .prefetch_related(
                Prefetch(
                    "reviews",
                    queryset=UpdateReview.objects.select_related("reviewer").order_by("-created_at", "-id"),
                    to_attr="review_list",
                )
            )
        )

    @extend_schema(
        request=s.ProgressUpdateInputSerializer,
        responses={201: s.ProgressUpdateSerializer},
        parameters=[IDEMPOTENCY_KEY],
        description="Submit a progress update for a milestone you lead (or whose action you lead), through "
        "the app's own service: the same rules as the update form (a locked or future month is refused, "
        "a Not on track status needs a note, a status that disagrees with the dates needs a reason).",
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        given = s.ProgressUpdateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        milestone = (
            Milestone.objects.filter(pk=data["milestone"], action__plan__in=self.visible_plans())
            .select_related("action__plan", "action__action_lead", "lead")
            .first()
        )
        if milestone is None or not request.user.has_perm("plans.view_plan", milestone):
            raise Http404("No such milestone.")
        status_reason = data.get("status_reason", "")
        if not status_reason.strip():
            flags = milestone.status_flags(data["status"])
            if flags:  # the update form's rule (milestones.forms.ProgressUpdateForm)
                raise serializers.ValidationError(
                    {
                        "status_reason": [
                            " ".join(flags) + " Give a reason to keep this status (it is shown in the reports), "
                            "or choose another status."
                        ]
                    }
                )
        update = progress_update_create(
            milestone=milestone,
            author=request.user,
            reporting_month=data.get("reporting_month") or dates.current_month(),
            status=data["status"],
            note=data.get("note", ""),
            status_reason=status_reason,
        )
        update = self.get_queryset().get(pk=update.pk)
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)


class ExceptionViewSet(ReadOnlyViewSet):
    """Exception (slippage) records: why a milestone slipped, and any re-plan."""

    serializer_class = s.ExceptionSerializer
    filterset_class = filters.ExceptionFilter
    csv_name = "exceptions"

    def get_queryset(self):
        return SlippageRecord.objects.filter(milestone__action__plan__in=self.visible_plans()).select_related(
            "author", "milestone__action__plan"
        )


@extend_schema_view(list=extend_schema(parameters=[AS_AT]), retrieve=extend_schema(parameters=[AS_AT]))
class IndicatorViewSet(RowsMixin, ReadOnlyViewSet):
    """Indicators with their figures (from the start of last reporting year), targets by year, and
    status, trend and year to date as at a month (indicators/rules.py). A snapshot's indicators are
    at /snapshots/{id}/indicators/."""

    serializer_class = s.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    csv_name = "indicators"

    def get_queryset(self):
        self.as_at = month_param(self.request) or dates.current_month()
        return (
            Indicator.objects.filter(plan__in=self.visible_plans()).with_report_data(self.as_at).select_related("plan")
        )

    def to_row(self, indicator):
        summary = indicator.summarise(self.as_at)

        def period(value):
            if value is None:
                return None
            return {"period": value.period, "label": value.label, "value": value.value, "no_data": value.no_data}

        commentary = summary.commentary
        return SimpleNamespace(
            id=indicator.pk,
            plan=indicator.plan_id,
            section=indicator.section_id,
            section_name=indicator.section.name,
            code=indicator.code,
            title=indicator.title,
            definition=indicator.definition,
            unit=indicator.unit,
            polarity=indicator.polarity,
            frequency=indicator.frequency,
            data_only=indicator.data_only,
            ytd_method=indicator.ytd_method,
            decimal_places=indicator.decimal_places,
            owner_name=indicator.owner.name if indicator.owner else "",
            as_at=self.as_at,
            status=summary.status.value,
            status_label=summary.status.label,
            trend=summary.trend.value if summary.trend else None,
            trend_label=summary.trend.label if summary.trend else None,
            ytd=summary.ytd.value,
            ytd_computed=summary.ytd.computed,
            target=summary.target,
            year=summary.year,
            year_label=summary.year_label,
            last_year_outturn=summary.last_year_outturn,
            latest=period(summary.latest),
            previous=period(summary.previous),
            commentary=commentary,
            years=[
                {
                    "year": y.year,
                    "label": y.label,
                    "target": y.target,
                    "tolerance": y.tolerance,
                    "tolerance_kind": y.tolerance_kind,
                    "outturn": y.outturn,
                }
                for y in indicator.report_years
            ],
            values=[v for v in indicator.report_values if v.period <= self.as_at],
        )


class IndicatorValueViewSet(ApiMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Indicator figures, one per period. A performance officer (or the programme manager) enters one
    with POST (the period's figure is created or replaced) or changes one with PUT."""

    serializer_class = s.IndicatorValueListSerializer
    filterset_class = filters.IndicatorValueFilter
    csv_name = "indicator-values"
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return IndicatorValue.objects.filter(indicator__plan__in=self.visible_plans()).select_related(
            "indicator__plan", "entered_by"
        )

    def _figures(self, data):
        return {name: data.get(name) for name in s.FIGURES} | {"no_data": bool(data.get("no_data"))}

    @extend_schema(
        request=s.IndicatorValueInputSerializer,
        responses={200: s.IndicatorValueListSerializer, 201: s.IndicatorValueListSerializer},
        parameters=[IDEMPOTENCY_KEY],
        description="Enter the figure for a period (created, or the period's figure replaced: 201 or 200), "
        "through the app's own service: locked and future months are refused.",
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        given = s.IndicatorValueInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        missing = {name: ["This field is required."] for name in ("indicator", "period") if data.get(name) is None}
        if missing:
            raise serializers.ValidationError(missing)
        indicator = (
            Indicator.objects.filter(pk=data["indicator"], plan__in=self.visible_plans()).select_related("plan").first()
        )
        if indicator is None or not request.user.has_perm("plans.view_plan", indicator):
            raise Http404("No such indicator.")
        existed = IndicatorValue.objects.filter(indicator=indicator, period=data["period"]).exists()
        figure = indicator_value_upsert(
            actor=request.user, indicator=indicator, period=data["period"], **self._figures(data)
        )
        figure = self.get_queryset().get(pk=figure.pk)
        return Response(
            self.get_serializer(figure).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(
        request=s.IndicatorValueInputSerializer,
        responses={200: s.IndicatorValueListSerializer},
        parameters=[IDEMPOTENCY_KEY],
        description="Change this figure (the whole figure: figures not given are cleared); `period` may move it "
        "to a period that has no figure yet.",
    )
    @idempotent
    def update(self, request, *args, **kwargs):
        figure = self.get_object()
        given = s.IndicatorValueInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if data.get("indicator") not in (None, figure.indicator_id):
            raise serializers.ValidationError({"indicator": ["A figure cannot move to another indicator."]})
        figure = indicator_value_upsert(
            actor=request.user,
            indicator=figure.indicator,
            period=data.get("period") or figure.period,
            figure=figure,
            **self._figures(data),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=figure.pk)).data)

    def partial_update(self, request, *args, **kwargs):  # pragma: no cover - PATCH is not offered
        return self.http_method_not_allowed(request, *args, **kwargs)


class SnapshotViewSet(ReadOnlyViewSet):
    """Snapshots (a month frozen), and their milestone and indicator rows exactly as frozen."""

    serializer_class = s.SnapshotSerializer
    filterset_class = filters.SnapshotFilter
    csv_name = "snapshots"

    def get_queryset(self):
        return (
            Snapshot.objects.filter(plan__in=self.visible_plans())
            .select_related("taken_by", "plan")
            .annotate(superseded=Exists(Snapshot.objects.filter(retake_of=OuterRef("pk"))))
        )

    def _rows(self, request, queryset, serializer_class, name):
        self.csv_name = name
        page = self.paginate_queryset(queryset)
        rows = serializer_class(page if page is not None else queryset, many=True).data
        return self.get_paginated_response(rows) if page is not None else Response(rows)

    @extend_schema(responses=s.SnapshotMilestoneRowSerializer(many=True), filters=False)
    @action(detail=True, url_path="milestones", filterset_class=None)
    def milestones(self, request, pk=None):
        snapshot = self.get_object()
        return self._rows(
            request,
            SnapshotMilestone.objects.filter(snapshot=snapshot),
            s.SnapshotMilestoneRowSerializer,
            f"snapshot-{snapshot.pk}-milestones",
        )

    @extend_schema(responses=s.SnapshotIndicatorRowSerializer(many=True), filters=False)
    @action(detail=True, url_path="indicators", filterset_class=None)
    def indicators(self, request, pk=None):
        snapshot = self.get_object()
        self.csv_name = f"snapshot-{snapshot.pk}-indicators"
        queryset = SnapshotIndicator.objects.filter(snapshot=snapshot)
        page = self.paginate_queryset(queryset)
        rows = s.SnapshotIndicatorRowSerializer(
            [indicator_row(row) for row in (page if page is not None else queryset)], many=True
        ).data
        return self.get_paginated_response(rows) if page is not None else Response(rows)


def indicator_row(row):
    f = row.figures
    previous, latest, commentary = f.get("previous") or {}, f.get("latest") or {}, f.get("commentary") or {}
    return SimpleNamespace(
        id=row.pk,
        snapshot=row.snapshot_id,
        indicator=row.indicator_id,
        section=row.section,
        code=row.code,
        title=f.get("title", ""),
        unit=f.get("unit", ""),
        last_year_label=f.get("last_year_label", ""),
        last_year_outturn=f.get("last_year_outturn"),
        previous_label=previous.get("label"),
        previous_value=previous.get("value"),
        previous_no_data=previous.get("no_data"),
        latest_label=latest.get("label"),
        latest_value=latest.get("value"),
        latest_no_data=latest.get("no_data"),
        trend=f.get("trend"),
        ytd=f.get("ytd"),
        ytd_computed=bool(f.get("ytd_computed")),
        target=f.get("target"),
        year_label=f.get("year_label", ""),
        status=f.get("status", ""),
        commentary=commentary.get("commentary"),
        current_activities=commentary.get("current_activities"),
        best_practice=commentary.get("best_practice"),
    )
