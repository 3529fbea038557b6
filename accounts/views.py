from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from listings.selectors import listing_public_for_host

from .forms import LoginForm, ProfileForm, SignUpForm
from .models import User


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except ValidationError:
            pass  # errors were attached to the form by save()
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, gettext("Welcome, %(name)s! Your account is ready.") % {"name": user.display_name}
            )
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429  # too many failed attempts (accounts.throttling)
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile_edit")

    def form_valid(self, form):
        messages.success(self.request, gettext("Your password was changed."))
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Profile saved."))
        return redirect("accounts:profile_edit")
    return render(request, "accounts/profile_edit.html", {"form": form})


def profile_detail(request, pk: int):
    """Public profile: what guests and hosts may see of each other."""
    profile = get_object_or_404(User, pk=pk, is_active=True)
    listings = listing_public_for_host(host_id=profile.pk)
    return render(request, "accounts/profile_detail.html", {"profile": profile, "listings": listings})
