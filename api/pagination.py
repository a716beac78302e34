from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages in id order: stable while rows are added, and cheap at any depth."""

    ordering = ("id",)
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        # CSV is a whole table: every matching row, no pages.
        if getattr(request, "accepted_renderer", None) is not None and request.accepted_renderer.format == "csv":
            return None
        return super().paginate_queryset(queryset, request, view)
