"""Host payouts for the mobile app: the payout account's status, onboarding, and the payout ledger.

Everything is the signed-in user's own: no URL names another host's account or
payout, so there is nothing to guess. Onboarding answers the gateway's link; the
app opens it in a browser, the gateway sends the host back to our web return page,
and the app then reads the status again.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from airbnb.api.pagination import PageNumberPagination

from ..models import PayoutEntry
from ..services import payouts as payout_services
from .serializers import OnboardingLinkSerializer, PayoutAccountSerializer, PayoutSerializer, account_data


class PayoutAccountView(APIView):
    """GET: your payout account's status, re-read from the provider while it is not yet enabled."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PayoutAccountSerializer})
    def get(self, request):
        account = payout_services.payout_account_get(host=request.user)
        if account is not None and not account.ready:
            try:
                account = payout_services.payout_account_refresh(host=request.user) or account
            except (payout_services.PayoutsUnavailable, payout_services.PayoutGatewayError):
                pass  # the stored status is still the best answer
        can_set_up = payout_services.host_can_receive_payouts(request.user)
        return Response(PayoutAccountSerializer(account_data(account, can_set_up=can_set_up)).data)


class PayoutOnboardingView(APIView):
    """POST: start (or continue) onboarding; answers the provider's link to open in a browser."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: OnboardingLinkSerializer,
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="not_a_host: only users with a listing get payouts."),
            502: OpenApiResponse(
                OpenApiTypes.OBJECT, description="payout_gateway_error: the payment provider refused the request."
            ),
            503: OpenApiResponse(
                OpenApiTypes.OBJECT, description="payouts_unavailable: the payment provider did not answer; retry."
            ),
        },
    )
    def post(self, request):
        onboarding = payout_services.payout_account_onboard(
            host=request.user,
            refresh_url=request.build_absolute_uri(reverse("hosttools:payouts_refresh")),
            return_url=request.build_absolute_uri(reverse("hosttools:payouts_return")),
        )
        body = {
            "url": onboarding.url,
            "expires_at": onboarding.expires_at,
            "account": account_data(onboarding.account, can_set_up=True),
        }
        return Response(OnboardingLinkSerializer(body).data)


class PayoutListView(generics.ListAPIView):
    """GET: your payouts, newest due date first; ``?status=`` filters."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PayoutSerializer
    pagination_class = PageNumberPagination
    filter_backends: list = []

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=PayoutEntry.Status.values)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return PayoutEntry.objects.none()
        qs = payout_services.payout_list_for_host(host=self.request.user)
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in PayoutEntry.Status.values:
                raise serializers.ValidationError(
                    {"status": [gettext("Unknown status %(status)r.") % {"status": wanted}]}
                )
            qs = qs.filter(status=wanted)
        return qs
