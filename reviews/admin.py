"""Moderation: staff read reviews and reports, and hide or restore reviews through the services.

Reviews are read-only here (a published review never changes; the database
refuses it too); hiding one refreshes the ratings it fed.
"""

from django.contrib import admin, messages

from .models import ListingRating, Review, ReviewReport, UserRating
from .services import moderation


class ReviewReportInline(admin.TabularInline):
    model = ReviewReport
    fk_name = "review"
    extra = 0
    can_delete = False
    readonly_fields = ["reporter", "reason", "details", "status", "created_at", "resolved_at", "resolved_by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["id", "booking", "direction", "author", "subject", "overall", "published_at", "hidden_at"]
    list_filter = [
        "direction",
        "overall",
        ("published_at", admin.EmptyFieldListFilter),
        ("hidden_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["comment", "author__email", "subject__email"]
    raw_id_fields = ["booking", "listing", "author", "subject"]
    readonly_fields = [f.name for f in Review._meta.fields]
    inlines = [ReviewReportInline]
    actions = ["hide_reviews", "unhide_reviews"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Hide selected reviews (removed from pages and ratings)")
    def hide_reviews(self, request, queryset):
        count = moderation.review_hide(review_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} review(s) hidden.", messages.SUCCESS)

    @admin.action(description="Show selected hidden reviews again")
    def unhide_reviews(self, request, queryset):
        count = moderation.review_unhide(review_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} review(s) shown again.", messages.SUCCESS)


@admin.register(ReviewReport)
class ReviewReportAdmin(admin.ModelAdmin):
    list_display = ["id", "review", "reason", "reporter", "status", "created_at", "resolved_by"]
    list_filter = ["status", "reason"]
    search_fields = ["details", "review__comment", "reporter__email"]
    raw_id_fields = ["review", "reporter", "resolved_by"]
    readonly_fields = [f.name for f in ReviewReport._meta.fields] + ["review_comment"]
    actions = ["hide_reported_reviews", "dismiss_reports"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Reported review")
    def review_comment(self, obj):
        return obj.review.comment

    @admin.action(description="Hide the reported reviews (closes their open reports)")
    def hide_reported_reviews(self, request, queryset):
        count = moderation.review_reports_resolve(
            report_ids=list(queryset.values_list("pk", flat=True)), staff_user=request.user, hide=True
        )
        self.message_user(request, f"{count} report(s) closed; the reviews are hidden.", messages.SUCCESS)

    @admin.action(description="Dismiss selected reports (keep the reviews)")
    def dismiss_reports(self, request, queryset):
        count = moderation.review_reports_resolve(
            report_ids=list(queryset.values_list("pk", flat=True)), staff_user=request.user, hide=False
        )
        self.message_user(request, f"{count} report(s) dismissed.", messages.SUCCESS)


@admin.register(ListingRating)
class ListingRatingAdmin(admin.ModelAdmin):
    list_display = ["listing", "review_count", "overall", "updated_at"]
    raw_id_fields = ["listing"]
    readonly_fields = [f.name for f in ListingRating._meta.fields]


@admin.register(UserRating)
class UserRatingAdmin(admin.ModelAdmin):
    list_display = ["user", "host_review_count", "host_rating", "guest_review_count", "guest_rating"]
    raw_id_fields = ["user"]
    readonly_fields = [f.name for f in UserRating._meta.fields]
