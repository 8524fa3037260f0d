from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from ips import views
from ips.accounts.views import LoginView, admin_login

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("helse/", views.health, name="health"),
    path("konto/", include("ips.accounts.urls")),
    # Before admin.site.urls: the admin's stock login form is never reachable (one sign-in door).
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("henvisninger/", include("referrals.urls")),
    path("deltakere/", include("participants.urls")),
    path("arbeidsgivere/", include("employers.urls")),
    path("kvalitet/", include("fidelity.urls")),
    path("varsler/", include("deadlines.urls")),
    path("oversikt/", include("dashboards.urls")),
    path("avtaler/", include("appointments.urls")),
    path("tilgangslogg/", include("ips.audit.urls")),
    path("sok/", include("reports.urls")),
    path("regneark/", include("spreadsheets.urls")),
]

handler403 = "ips.views.error_403"
handler404 = "ips.views.error_404"
handler500 = "ips.views.error_500"
