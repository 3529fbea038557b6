"""The API's Bearer authentication (knox tokens without knox's per-request sweep)."""

import datetime as dt

import pytest
from django.utils import timezone
from knox.models import AuthToken

from tests.conftest import bearer_client


@pytest.mark.django_db
def test_a_valid_token_authenticates_with_one_query(user, django_assert_num_queries):
    client = bearer_client(user)
    # Several other sessions of the same user: knox's sweep would load them all on every call.
    for _ in range(5):
        AuthToken.objects.create(user)
    from accounts.authentication import BearerTokenAuthentication

    header = client._credentials["HTTP_AUTHORIZATION"].split()[1].encode()
    with django_assert_num_queries(1):
        authenticated, token = BearerTokenAuthentication().authenticate_credentials(header)
    assert authenticated == user
    assert token.user_id == user.pk


@pytest.mark.django_db
def test_an_expired_token_is_refused_and_deleted(user):
    instance, token = AuthToken.objects.create(user, expiry=dt.timedelta(hours=1))
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    client = bearer_client(user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert not AuthToken.objects.filter(pk=instance.pk).exists()


@pytest.mark.django_db
def test_logout_revokes_only_the_presented_token(user):
    first = bearer_client(user)
    second = bearer_client(user)
    assert first.post("/api/v1/auth/logout/").status_code == 204
    assert first.get("/api/v1/me/").status_code == 401
    assert second.get("/api/v1/me/").status_code == 200
