from django.contrib import admin

from fidelity.models import Item, Review, ReviewEvent, Scale


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scales are loaded as data (manage.py fidelity_load_scale) and never edited in place: a
    final review must keep the exact items and bands it was scored on."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Scale)
class ScaleAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_nb", "version", "is_default")


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("scale", "number", "code", "name_nb", "indicator")
    list_filter = ("scale",)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("team", "period", "kind", "status", "scale")
    list_filter = ("status", "kind", "scale")
    list_select_related = ("team", "scale")


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    list_display = ("review", "from_status", "to_status", "at", "by")
    list_select_related = ("review__team", "by")
