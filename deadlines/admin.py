from django.contrib import admin

from deadlines.models import Alert, DigestLog, TeamRuleSetting


@admin.register(TeamRuleSetting)
class TeamRuleSettingAdmin(admin.ModelAdmin):
    """Per-team thresholds: an empty threshold means the rule's default (rules.py)."""

    list_display = ("team", "rule", "threshold", "enabled")
    list_filter = ("rule", "enabled")
    list_select_related = ("team",)
    autocomplete_fields = ("team",)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Read-only: alerts are opened and resolved by the engine, acknowledged in the app."""

    list_display = ("rule", "subject_kind", "subject_id", "team", "owner", "state", "due_date")
    list_filter = ("state", "rule", "severity")
    list_select_related = ("team", "owner")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = ("user", "date", "sent_at", "alert_count")
    list_select_related = ("user",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
