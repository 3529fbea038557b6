"""Authentication endpoints for the mobile apps.

Tokens are django-rest-knox tokens (stored hashed, several per user, one per
device); clients send ``Authorization: Bearer <token>``. ``logout`` revokes the
token used for the request, ``logout-all`` every token of the user.
"""

from django.contrib.auth import user_logged_in
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from knox.views import LogoutAllView as KnoxLogoutAllView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from airbnb.api.throttling import ScopedRateThrottle

from ..authentication import BearerTokenAuthentication
from ..services import user_register
from .serializers import (
    RegisterInputSerializer,
    RegisterOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
    UserSerializer,
)


class AuthThrottleMixin:
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]


class RegisterView(AuthThrottleMixin, APIView):
    @extend_schema(request=RegisterInputSerializer, responses={201: RegisterOutputSerializer})
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_register(**data.validated_data)
        _, token = AuthToken.objects.create(user)
        return Response({"user": UserSerializer(user).data, "token": token}, status=status.HTTP_201_CREATED)


class TokenView(AuthThrottleMixin, APIView):
    @extend_schema(request=TokenInputSerializer, responses={200: TokenOutputSerializer})
    def post(self, request):
        data = TokenInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        user = data.validated_data["user"]
        instance, token = AuthToken.objects.create(user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": token, "expiry": instance.expiry})


class LogoutView(KnoxLogoutView):
    authentication_classes = (BearerTokenAuthentication,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class LogoutAllView(KnoxLogoutAllView):
    authentication_classes = (BearerTokenAuthentication,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        return self.request.user
