from django.contrib.auth import authenticate
from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.exceptions import Throttled

from ..models import User, no_control_characters
from ..throttling import client_ip, login_blocked_for, login_blocked_message, login_failure_record, login_failures_clear


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150, required=False, default="", validators=[no_control_characters])
    last_name = serializers.CharField(max_length=150, required=False, default="", validators=[no_control_characters])


class TokenInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})

    def validate(self, attrs):
        request = self.context["request"]
        email, ip = attrs["email"].lower(), client_ip(request)
        wait = login_blocked_for(email=email, ip=ip)
        if wait is not None:
            raise Throttled(wait=wait, detail=login_blocked_message(wait))
        user = authenticate(request, username=email, password=attrs["password"])
        if user is None or not user.is_active:
            login_failure_record(email=email, ip=ip)
            raise serializers.ValidationError(gettext("Email or password is incorrect."), code="invalid_credentials")
        login_failures_clear(email=email, ip=ip)
        attrs["user"] = user
        return attrs


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class UserSerializer(serializers.ModelSerializer):
    languages = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20, required=False)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "about",
            "languages",
            "phone",
            "avatar",
            "is_superhost",
            "date_joined",
        ]
        read_only_fields = ["id", "email", "avatar", "is_superhost", "date_joined"]


class RegisterOutputSerializer(serializers.Serializer):
    user = UserSerializer()
    token = serializers.CharField()
