"""Conversation and notification endpoints for the mobile apps.

Only a thread's two participants (and staff, read-only) get anything: anyone
else gets 404, the same as for a thread that does not exist.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import pagination, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from airbnb.api.pagination import PageNumberPagination

from ..access import access_thread
from ..models import Message
from ..selectors import (
    notification_preferences_for,
    notifications_for,
    thread_contact_details_revealed,
    thread_list_for,
)
from ..services import notifications as notification_services
from ..services import threads as thread_services
from .serializers import (
    MessageInputSerializer,
    MessageSerializer,
    NotificationReadInputSerializer,
    NotificationSerializer,
    NotificationsMarkedSerializer,
    PreferencesSerializer,
    ReadInputSerializer,
    ReadOutputSerializer,
    ThreadCreateInputSerializer,
    ThreadSerializer,
)

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT}


class MessageCursorPagination(pagination.CursorPagination):
    """Newest first; follow ``next`` for older messages. Cursors stay valid while new messages arrive."""

    ordering = "-id"
    page_size = 30
    page_size_query_param = "page_size"
    max_page_size = 100


class ThreadListCreateView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination  # for the schema: the GET pages its results

    @extend_schema(responses={200: ThreadSerializer(many=True)})
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(thread_list_for(user=request.user), request, view=self)
        return paginator.get_paginated_response(ThreadSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        request=ThreadCreateInputSerializer,
        responses={201: ThreadSerializer, **ERRORS},
        description="Contact a listing's host: opens (or reuses) your conversation about it and sends the message.",
    )
    def post(self, request):
        data = ThreadCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread = thread_services.thread_start_inquiry(
            guest=request.user, listing_id=data.validated_data["listing"], body=data.validated_data["body"]
        )
        return Response(
            ThreadSerializer(access_thread(request.user, thread.pk), context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ThreadDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ThreadSerializer, 404: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        thread = access_thread(request.user, pk)
        thread.last_message = Message.objects.select_related("sender").filter(pk=thread.last_message_id).first()
        return Response(ThreadSerializer(thread, context={"request": request}).data)


class ThreadMessagesView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = MessageCursorPagination  # for the schema: the GET pages its results

    @extend_schema(responses={200: MessageSerializer(many=True), 404: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        thread = access_thread(request.user, pk)
        paginator = MessageCursorPagination()
        messages = Message.objects.filter(thread=thread).select_related("sender")
        page = paginator.paginate_queryset(messages, request, view=self)
        context = {"viewer": request.user, "revealed": thread_contact_details_revealed(thread)}
        return paginator.get_paginated_response(MessageSerializer(page, many=True, context=context).data)

    @extend_schema(request=MessageInputSerializer, responses={201: MessageSerializer, **ERRORS})
    def post(self, request, pk: int):
        thread = access_thread(request.user, pk)
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = thread_services.message_send(
            thread_id=thread.pk, sender=request.user, body=data.validated_data["body"]
        )
        context = {"viewer": request.user, "revealed": thread_contact_details_revealed(thread)}
        return Response(MessageSerializer(message, context=context).data, status=status.HTTP_201_CREATED)


class ThreadReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ReadInputSerializer, responses={200: ReadOutputSerializer, 404: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        thread = access_thread(request.user, pk)
        data = ReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unread = thread_services.thread_mark_read(
            thread_id=thread.pk, user=request.user, upto=data.validated_data.get("upto")
        )
        return Response({"unread": unread})


class NotificationListView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination  # for the schema: the GET pages its results

    @extend_schema(responses={200: NotificationSerializer(many=True)})
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(notifications_for(user=request.user), request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=NotificationReadInputSerializer, responses={200: NotificationsMarkedSerializer})
    def post(self, request):
        data = NotificationReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notification_services.notifications_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response(NotificationsMarkedSerializer({"marked": marked}).data)


class NotificationPreferencesView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PreferencesSerializer})
    def get(self, request):
        return Response(notification_preferences_for(user=request.user))

    @extend_schema(request=PreferencesSerializer, responses={200: PreferencesSerializer, 400: OpenApiTypes.OBJECT})
    def put(self, request):
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notification_services.notification_preferences_set(user=request.user, email_by_category=data.validated_data)
        return Response(notification_preferences_for(user=request.user))
