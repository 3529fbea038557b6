from django.urls import path

from . import views

urlpatterns = [
    path("payouts/", views.PayoutListView.as_view(), name="payout-list"),
    path("payouts/account/", views.PayoutAccountView.as_view(), name="payout-account"),
    path("payouts/account/onboarding/", views.PayoutOnboardingView.as_view(), name="payout-onboarding"),
]
