from django.contrib import admin

from .models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["booking", "direction", "author", "subject", "overall", "published_at"]
    list_filter = ["direction", "overall"]
    raw_id_fields = ["booking", "listing", "author", "subject"]
