from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from ips.accounts import throttle
from ips.accounts.models import Membership, Organisation, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("role", "team", "organisation", "position_percent", "started_at", "ended_at")
    readonly_fields = ("started_at",)
    autocomplete_fields = ("team", "organisation")
    can_delete = False  # end a membership instead (nothing is hard-deleted)


@admin.action(description=_("Lås opp innlogging (opphev sperre etter mislykkede forsøk)"))
def unlock_login(modeladmin, request, queryset):
    for user in queryset:
        throttle.login_unlock(username=user.username)
    modeladmin.message_user(request, _("Innloggingssperren er opphevet for valgte brukere."))


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    actions = [unlock_login]
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality")
    list_filter = ("kind",)
    search_fields = ("name", "org_number")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "host_organisation", "caseload_warning", "caseload_limit", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    filter_horizontal = ("partner_organisations", "shares_employers_with")
    list_select_related = ("host_organisation",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "role",
        "team",
        "organisation",
        "position_percent",
        "started_at",
        "ended_at",
    )
    list_filter = ("role", "team")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user", "team", "organisation")
    list_select_related = ("user", "team", "organisation")

    def has_delete_permission(self, request, obj=None):
        return False
