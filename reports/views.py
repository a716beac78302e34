"""Report pages, PDF jobs and committee packs. Reading is read-only for everyone;
PDFs are for the programme manager and scrutiny members; packs are edited by the programme manager."""

from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView, UpdateView

from plans import roles
from plans.audit import audit_entries
from plans.models import Action, Plan
from plans.permissions import PlanPermissionMixin, check_plan_permission
from plans.views import EditFormMixin, PlanChildMixin, PlanObjectMixin, form_data
from safeguarding import dates
from safeguarding.filenames import download_filename

from . import dashboard, data, import_jobs, registry, rendering, services, transfer
from .forms import CommitteePackForm, ImportMappingForm, PackSectionForm, PlanImportForm, SnapshotTakeForm
from .models import CommitteePack, ImportJob, PackPublication, PackSection, RenderJob, Snapshot
from .snapshots import SnapshotExists, current_snapshot, snapshot_choices, snapshot_create


def as_at_param(request):
    text = request.GET.get("as_at") or request.POST.get("as_at") or ""
    return dates.parse_month(text) if text else None


def report_filters(request):
    return {k: v for k, v in request.GET.items() if k not in ("as_at", "format", "snapshot", "live") and v}


def snapshot_id(value):
    """A snapshot id from a query or form parameter: None when absent, 400 when not a number."""
    if not value:
        return None
    if not str(value).isdigit() or len(str(value)) > 12:
        raise BadRequest("The snapshot asked for is not a snapshot number.")
    return int(value)


def snapshot_for(request, plan, params=None):
    """The snapshot a report should read: the one asked for, else the one in force for the
    month asked for (unless live data is asked for)."""
    params = request.GET if params is None else params
    wanted = snapshot_id(params.get("snapshot"))
    if wanted:
        return get_object_or_404(Snapshot.objects.select_related("taken_by"), pk=wanted, plan=plan)
    month = as_at_param(request)
    if month and not request.GET.get("live"):
        return current_snapshot(plan, month)
    return None


class ReportView(TemplateView):
    """A report in the app (format=html gives the standalone printable document)."""

    template_name = "reports/report_page.html"

    def get(self, request, *args, **kwargs):
        self.plan = check_plan_permission(request, get_object_or_404(Plan, pk=kwargs["pk"]))
        if kwargs["kind"] not in registry.REPORTS:
            raise Http404("No such report.")
        self.snapshot = snapshot_for(request, self.plan)
        self.part = rendering.report_part(
            kwargs["kind"], self.plan, as_at_param(request), filters=report_filters(request), snapshot=self.snapshot
        )
        if request.GET.get("format") == "html":
            return HttpResponse(rendering.render_html([self.part], self.part.label))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "plan": self.plan,
            "part": self.part,
            "kind": self.kwargs["kind"],
            "kinds": registry.CHOICES,
            "as_at": as_at_param(self.request),
            "snapshot": self.snapshot,
            "snapshots": snapshot_choices(self.plan),
            "can_download": self.request.user.has_perm("plans.download_documents", self.plan),
            "query": self.request.GET.urlencode(),
        }


class ReportPdfStartView(PlanPermissionMixin, View):
    """POST: start building a report PDF in the background and show its progress."""

    permission_required = "plans.download_documents"

    def get_plan(self):
        return get_object_or_404(Plan, pk=self.kwargs["pk"])

    def post(self, request, pk, kind):
        plan = self.plan
        if kind not in registry.REPORTS:
            raise Http404("No such report.")
        filters = {
            k: v for k, v in request.POST.items() if k not in ("as_at", "csrfmiddlewaretoken", "snapshot", "live") and v
        }
        snapshot = None
        wanted = snapshot_id(request.POST.get("snapshot"))
        if wanted:
            snapshot = get_object_or_404(Snapshot, pk=wanted, plan=plan)
        try:
            job = services.render_job_start(
                plan=plan,
                kind=kind,
                requested_by=request.user,
                as_at=snapshot.period if snapshot else as_at_param(request),
                filters=filters,
                snapshot=snapshot,
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("reports:report", pk=plan.pk, kind=kind)
        return redirect(job)


class JobView(PlanPermissionMixin, DetailView):
    model = RenderJob
    template_name = "reports/job.html"
    context_object_name = "job"
    permission_required = "plans.download_documents"

    def get_plan(self):
        return get_object_or_404(RenderJob.objects.select_related("plan"), pk=self.kwargs["pk"]).plan


class JobDownloadView(PlanPermissionMixin, View):
    permission_required = "plans.download_documents"

    def get_plan(self):
        self.job = get_object_or_404(
            RenderJob.objects.select_related("plan"), pk=self.kwargs["pk"], state=RenderJob.State.DONE
        )
        return self.job.plan

    def get(self, request, pk):
        job = self.job
        return FileResponse(
            job.pdf.open("rb"), as_attachment=True, filename=job.filename, content_type="application/pdf"
        )


class PackListView(ListView):
    template_name = "reports/pack_list.html"

    def get_queryset(self):
        self.plan = check_plan_permission(self.request, get_object_or_404(Plan, pk=self.kwargs["pk"]))
        return CommitteePack.objects.filter(plan=self.plan)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plan": self.plan}


class PackDetailView(DetailView):
    model = CommitteePack
    template_name = "reports/pack_detail.html"
    context_object_name = "pack"

    def get_object(self, queryset=None):
        pack = super().get_object(queryset)
        check_plan_permission(self.request, pack)
        return pack

    def get_context_data(self, **kwargs):
        pack = self.object
        latest = pack.jobs.filter(state=RenderJob.State.DONE).first()
        return {
            **super().get_context_data(**kwargs),
            "plan": pack.plan,
            "appendices": data.pack_cover(pack).appendices,
            "latest_pdf": latest,
            "latest_is_stale": bool(latest and latest.created_at < pack.updated_at),
            "running": pack.jobs.exclude(state__in=[RenderJob.State.DONE, RenderJob.State.FAILED]).first(),
            "can_download": self.request.user.has_perm("plans.download_documents", pack.plan),
        }


class PackDocumentView(View):
    """The whole pack as one printable HTML document."""

    def get(self, request, pk):
        pack = get_object_or_404(CommitteePack.objects.select_related("plan"), pk=pk)
        check_plan_permission(request, pack)
        return HttpResponse(rendering.render_html(rendering.pack_parts(pack), pack.report_title))


class PackCoverDocxView(View):
    """The cover report as a Word document, to finish in Word (reports/cover_docx.py)."""

    def get(self, request, pk):
        from .cover_docx import cover_docx

        pack = get_object_or_404(CommitteePack.objects.select_related("plan"), pk=pk)
        check_plan_permission(request, pack)
        response = HttpResponse(
            cover_docx(data.pack_cover(pack)),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        filename = download_filename(f"{pack.meeting} {pack.meeting_date:%Y-%m-%d} cover report", ".docx")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class PackPdfStartView(View):
    def post(self, request, pk):
        pack = get_object_or_404(CommitteePack.objects.select_related("plan"), pk=pk)
        check_plan_permission(request, pack, "plans.change_plan")
        try:
            job = services.render_job_start(plan=pack.plan, kind="pack", pack=pack, requested_by=request.user)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect(pack)
        messages.info(request, "Building the pack PDF. This page shows its progress.")
        return redirect(job)


class PackCreateView(PlanChildMixin, CreateView):
    form_class = CommitteePackForm
    heading = "New committee pack for {plan}"
    success_message = "Pack saved."

    def source_pack(self):
        """The pack to start from (?from=<id>, a pack of this plan), if any."""
        wanted = self.request.GET.get("from", "")
        if not wanted.isascii() or not wanted.isdigit() or len(wanted) > 12:
            return None
        return CommitteePack.objects.filter(plan=self.plan, pk=int(wanted)).prefetch_related("sections").first()

    def get_initial(self):
        source = self.source_pack()
        if source is None:
            return super().get_initial()
        # Everything but the meeting date and the month reported on, which are this meeting's own.
        keep = [name for name in self.form_class._meta.fields if name not in ("meeting_date", "as_at")]
        return {**super().get_initial(), **{name: getattr(source, name) for name in keep}}

    def write(self, form):
        source = self.source_pack()
        if source is not None:
            return services.pack_create_from(actor=self.request.user, source=source, **form_data(form))
        return services.pack_create(actor=self.request.user, plan=self.plan, **form_data(form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.source_pack()
        if source is not None:
            context["heading"] = f"New committee pack, starting from {source}"
        return context

    def get_success_url(self):
        return self.object.get_absolute_url()


class PackUpdateView(PlanObjectMixin, UpdateView):
    model = CommitteePack
    form_class = CommitteePackForm
    heading = "Edit the pack for {obj}"
    success_message = "Pack saved."

    def write(self, form):
        return services.pack_update(actor=self.request.user, pack=self.object, **form_data(form))

    def get_success_url(self):
        return self.object.get_absolute_url()


class PackSectionMixin(EditFormMixin):
    def dispatch(self, request, *args, **kwargs):
        self.pack = self.get_pack()
        self.plan = self.pack.plan
        return super().dispatch(request, *args, **kwargs)

    def get_pack(self):
        if "pack_pk" in self.kwargs:
            return get_object_or_404(CommitteePack.objects.select_related("plan"), pk=self.kwargs["pack_pk"])
        return self.get_object().pack

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pack": self.pack}

    def get_success_url(self):
        return self.pack.get_absolute_url()

    def get_cancel_url(self):
        return self.pack.get_absolute_url()


class PackSectionCreateView(PackSectionMixin, CreateView):
    form_class = PackSectionForm
    heading = "New section of the cover report"
    success_message = "Section added."

    def write(self, form):
        return services.pack_section_create(actor=self.request.user, pack=self.pack, **form_data(form))


class PackSectionUpdateView(PackSectionMixin, UpdateView):
    model = PackSection
    form_class = PackSectionForm
    heading = "Edit a section of the cover report"
    success_message = "Section saved."

    def write(self, form):
        return services.pack_section_update(actor=self.request.user, section=self.object, **form_data(form))


class SnapshotListView(ListView):
    """Snapshots of a plan: read-only for everyone; the programme manager can take one now."""

    template_name = "reports/snapshot_list.html"

    def get_queryset(self):
        self.plan = check_plan_permission(self.request, get_object_or_404(Plan, pk=self.kwargs["pk"]))
        return (
            Snapshot.objects.filter(plan=self.plan)
            .select_related("taken_by", "retaken_by")
            .annotate(milestone_count=Count("milestones", distinct=True))
            .order_by("-period", "-taken_at")
        )

    def get_context_data(self, **kwargs):
        form = SnapshotTakeForm(initial={"period": dates.previous_month(dates.today()), "kind": "quarterly"})
        return {**super().get_context_data(**kwargs), "plan": self.plan, "form": form}


class SnapshotTakeView(View):
    def post(self, request, pk):
        plan = check_plan_permission(request, get_object_or_404(Plan, pk=pk), "plans.change_plan")
        form = SnapshotTakeForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
            return redirect("reports:snapshots", pk=plan.pk)
        period = form.cleaned_data["period"]
        if dates.today() <= plan.update_deadline(period):
            # Before its deadline a month closes only from the month-end page, after confirming.
            messages.error(
                request,
                f"{dates.month_long_label(period)}'s updates are not due until "
                f"{plan.update_deadline(period):%-d %B %Y}: close it from the month-end page, which lists what is "
                "outstanding.",
            )
            return redirect("reports:month_end", pk=plan.pk)
        try:
            snapshot = snapshot_create(
                plan=plan,
                period=form.cleaned_data["period"],
                kind=form.cleaned_data["kind"],
                taken_by=request.user,
                retake=form.cleaned_data["retake"],
            )
        except SnapshotExists as exists:
            messages.warning(request, f"{exists} Tick 'Retake' to take it again.")
            return redirect(exists.snapshot)
        messages.success(request, f"{snapshot} taken; {snapshot.period_label} is now locked to progress updates.")
        return redirect(snapshot)


class SnapshotDetailView(DetailView):
    template_name = "reports/snapshot_detail.html"
    context_object_name = "snapshot"

    def get_queryset(self):
        return Snapshot.objects.select_related("plan", "taken_by", "retake_of")

    def get_object(self, queryset=None):
        snapshot = super().get_object(queryset)
        check_plan_permission(self.request, snapshot)
        return snapshot

    def get_context_data(self, **kwargs):
        snapshot = self.object
        statuses = Counter(snapshot.milestones.values_list("status", flat=True))
        return {
            **super().get_context_data(**kwargs),
            "plan": snapshot.plan,
            "status_counts": [
                (entry, statuses.get(entry.value, 0)) for entry in snapshot.scheme.key(shown=list(statuses))
            ],
            "overdue": snapshot.milestones.filter(is_overdue=True).count(),
            "indicator_count": snapshot.indicators.count(),
            "kinds": registry.CHOICES,
            "superseded_by": getattr(snapshot, "retaken_by", None),
        }


class DashboardView(TemplateView):
    """Where the plan stands and where it is slipping; read-only for everyone."""

    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        plan = check_plan_permission(self.request, get_object_or_404(Plan, pk=self.kwargs["pk"]))
        snapshot = snapshot_for(self.request, plan)
        # Those who change the plan and its figures see them recalculated on every visit.
        user = self.request.user
        recalculate = user.has_perm("plans.change_plan", plan) or user.has_perm("plans.edit_indicators", plan)
        body, calculated_at = dashboard.dashboard_html(
            plan,
            as_at=as_at_param(self.request),
            snapshot=snapshot,
            filters=report_filters(self.request),
            recalculate=recalculate,
        )
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "body": body,
            "calculated_at": calculated_at,
            "cache_seconds": settings.DASHBOARD_CACHE_SECONDS,
            "recalculated_for_you": recalculate,
            "snapshot": snapshot,
            "snapshots": snapshot_choices(plan),
        }


class ActionTimelineView(TemplateView):
    """An action's milestones against the reporting months: the status reported each month."""

    template_name = "reports/timeline.html"

    def get_context_data(self, **kwargs):
        try:
            timeline = dashboard.action_timeline(self.kwargs["pk"], as_at=as_at_param(self.request))
        except Action.DoesNotExist:
            raise Http404("No such action.") from None
        check_plan_permission(self.request, timeline.action)
        return {
            **super().get_context_data(**kwargs),
            "timeline": timeline,
            "plan": timeline.action.plan,
            "audit": audit_entries(timeline.action)
            if self.request.user.has_perm("plans.view_audit", timeline.action)
            else None,
        }


class ImportPermissionMixin:
    """Importing is for programme managers: into a plan they manage, or as a new plan of an
    organisation they manage."""

    def dispatch(self, request, *args, **kwargs):
        if roles.PROGRAMME_MANAGER not in roles.roles_anywhere(request.user):
            raise PermissionDenied("Only a programme manager can import a plan.")
        return super().dispatch(request, *args, **kwargs)


class PlanImportView(ImportPermissionMixin, FormView):
    """Upload a spreadsheet; it is read in the background and the next page previews the import."""

    form_class = PlanImportForm
    template_name = "reports/import_upload.html"

    def get_initial(self):
        # The About page's "Import a spreadsheet" names the plan it came from, and its organisation.
        organisation = self.request.GET.get("organisation", "")
        return {
            **super().get_initial(),
            "plan": self.request.GET.get("plan", "")[:200],
            "organisation": int(organisation) if organisation.isdigit() and len(organisation) < 10 else None,
        }

    def get_form_kwargs(self):
        kept = self.request.session.get(import_jobs.HELD_UPLOAD)
        return {
            **super().get_form_kwargs(),
            "organisations": import_jobs.import_organisations(self.request.user),
            "kept": kept["name"] if kept and self.request.method == "POST" else None,
        }

    def form_valid(self, form):
        session, chosen = self.request.session, form.cleaned_data.get("file")
        upload = chosen or import_jobs.held_upload(session)
        if upload is None:
            form.add_error("file", "Choose the spreadsheet to import.")
            return self.form_invalid(form)
        plan_name = form.cleaned_data["plan"].strip()
        organisation = form.cleaned_data.get("organisation")
        problem = import_jobs.import_target_problem(self.request.user, plan_name, organisation)
        if problem:
            if chosen:  # kept, so that it need not be chosen again
                import_jobs.upload_hold(session, chosen)
                form.keep(chosen.name)
            form.add_error("organisation" if "organisation" in form.fields else "plan", problem)
            return self.form_invalid(form)
        try:
            job = import_jobs.import_job_start(
                user=self.request.user, plan_name=plan_name, upload=upload, organisation=organisation
            )
        finally:
            upload.close()
        import_jobs.upload_release(session)
        return redirect(job)


class PlanImportPreviewView(ImportPermissionMixin, TemplateView):
    """The job's progress; then the proposed mapping (a select per column), what the import would
    do, every flag and problem. POST: read again with the choices made, or confirm."""

    template_name = "reports/import_preview.html"

    def dispatch(self, request, *args, **kwargs):
        mine = ImportJob.objects.select_related("owner").filter(requested_by_id=request.user.pk)
        self.job = mine.filter(token=kwargs["token"]).first()
        if self.job is None:
            raise Http404("No such import.")
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        result = self.job.result or {}
        initial = {
            "as_at": (result.get("as_at") or "")[:7] or None,
            "objectives_as": result.get("objectives_as", "themes"),
            "sheet": result.get("sheet"),
        }
        return ImportMappingForm(
            data,
            initial=initial,
            columns=result.get("columns", []),
            sheets=result.get("proposed_sheets", []),
        )

    def get(self, request, *args, **kwargs):
        if self.job.state == ImportJob.State.DONE:
            plan = Plan.objects.named(self.job.plan_name, self.job.owner).first()
            summary = self.job.summary or {}
            messages.success(
                request,
                f"Imported: {len(summary.get('actions_created', []))} actions and "
                f"{summary.get('milestones_created', 0)} milestones created, {summary.get('milestones_updated', 0)} "
                f"milestones updated, {summary.get('updates_added', 0)} progress updates added.",
            )
            if plan:
                return redirect(plan)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        job = self.job
        result = job.result or {}
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "upload": {"name": job.filename, "plan": job.plan_name, "organisation": job.owner},
            "result": result,
            "summary": job.summary,
            "problems": job.problems,
            "flags": result.get("flags", []),
            "form": kwargs.get("form") or (self.form() if result else None),
            "rows_read": len(result.get("rows", [])),
        }

    def post(self, request, *args, **kwargs):
        problem = import_jobs.import_target_problem(request.user, self.job.plan_name, self.job.owner)
        if problem:
            raise PermissionDenied(problem)
        try:
            if request.POST.get("do") != "remap":
                import_jobs.import_job_confirm(job=self.job, user=request.user)
            else:
                form = self.form(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form))
                import_jobs.import_job_remap(
                    job=self.job,
                    user=request.user,
                    mapping=form.mapping(),
                    as_at=form.cleaned_data.get("as_at"),
                    objectives_as=form.cleaned_data.get("objectives_as"),
                    sheet=form.cleaned_data.get("sheet"),
                )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        return redirect(self.job)


class PlanExportView(View):
    """The plan as a workbook. It holds every lead's email address: programme managers only."""

    def get(self, request, pk):
        plan = check_plan_permission(request, get_object_or_404(Plan, pk=pk), "plans.export_plan")
        filename = download_filename(f"{plan.name} {dates.today():%Y-%m-%d}", ".xlsx")
        response = HttpResponse(
            transfer.plan_export(plan),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- publishing ----------------------------------------------------------------------------------


class PackPublishView(View):
    def post(self, request, pk):
        pack = get_object_or_404(CommitteePack.objects.select_related("plan"), pk=pk)
        check_plan_permission(request, pack, "plans.change_plan")
        try:
            publication = services.pack_publish(actor=request.user, pack=pack)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect(pack)
        messages.success(request, f"Published at {request.build_absolute_uri(publication.get_absolute_url())}")
        return redirect(pack)


class PublicationWithdrawView(View):
    def post(self, request, pk):
        publication = get_object_or_404(PackPublication.objects.select_related("pack__plan"), pk=pk)
        check_plan_permission(request, publication.pack, "plans.change_plan")
        services.pack_withdraw(actor=request.user, publication=publication)
        messages.success(request, "Withdrawn: its public address no longer answers.")
        return redirect(publication.pack)


PUBLIC_CACHE = "public, max-age=3600"


@method_decorator(login_not_required, name="dispatch")
class PublicPlanView(TemplateView):
    """A plan's public page: its published packs and nothing else (404 while none is published)."""

    template_name = "reports/public_plan.html"

    def get_context_data(self, **kwargs):
        publications = list(
            PackPublication.objects.filter(pack__plan_id=self.kwargs["pk"], withdrawn_at__isnull=True)
            .select_related("pack__plan")
            .order_by("-pack__meeting_date", "-published_at")
        )
        if not publications:
            raise Http404("Nothing published")
        return {**super().get_context_data(**kwargs), "plan": publications[0].pack.plan, "publications": publications}

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Cache-Control"] = "public, max-age=300"
        return response


@method_decorator(login_not_required, name="dispatch")
class PublicPackView(View):
    """A published pack's PDF at its stable public URL; 404 once withdrawn."""

    def get(self, request, slug):
        publication = get_object_or_404(
            PackPublication.objects.select_related("pack"), slug=slug, withdrawn_at__isnull=True
        )
        response = FileResponse(
            publication.pdf.open("rb"),
            filename=download_filename(f"{publication.pack.meeting} {publication.pack.meeting_date:%Y-%m-%d}", ".pdf"),
            content_type="application/pdf",
        )
        response["Cache-Control"] = PUBLIC_CACHE
        response["Last-Modified"] = http_date(publication.published_at.timestamp())
        response["X-Robots-Tag"] = "noarchive"
        return response
