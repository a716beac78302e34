"""The personal API tokens page: create (the key is shown once), list and revoke your own tokens."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from .models import ApiToken

NEW_KEY = "api_new_token_key"


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What it is for, so you can tell your tokens apart (e.g. Power BI dashboard).",
    )


class TokenListView(TemplateView):
    template_name = "api/tokens.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "tokens": ApiToken.objects.filter(user=self.request.user),
            "form": kwargs.get("form") or TokenForm(),
            # Shown once: taken out of the session as the page is shown.
            "new_key": self.request.session.pop(NEW_KEY, None),
        }

    def post(self, request):
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        token, key = ApiToken.issue(request.user, form.cleaned_data["name"])
        request.session[NEW_KEY] = key
        messages.success(request, f"Token “{token.name}” created. Copy its key now: it will not be shown again.")
        return redirect("api:tokens")


class TokenRevokeView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        token.revoke()
        messages.success(request, f"Token “{token.name}” revoked: requests with it are now refused.")
        return redirect("api:tokens")
