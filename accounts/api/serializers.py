from django.contrib.auth import authenticate
from rest_framework import serializers

from ..models import User


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150, required=False, default="")
    last_name = serializers.CharField(max_length=150, required=False, default="")


class TokenInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context["request"], username=attrs["email"].lower(), password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError("Email or password is incorrect.", code="invalid_credentials")
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
