from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("min-dag/", views.my_day, name="my_day"),
    path("min-dag/<slug:action>/<int:pk>/", views.my_day_action, name="my_day_action"),
    path("min-dag/avtale/<int:pk>/holdt/", views.my_day_hold, name="my_day_hold"),
    path("team/", views.team, name="team"),
    path("team/eksport.csv", views.team_export, name="team_export"),
    path("team/kvartalsrapport/", views.quarterly_report, name="quarterly"),
    path("team/kvartalsrapport.csv", views.quarterly_report_csv, name="quarterly_csv"),
    path("team/kvartalsrapport.pdf", views.quarterly_report_pdf, name="quarterly_pdf"),
    path("tall/slik-regnes/", views.definitions, name="definitions"),
    path("samarbeid/", views.partner, name="partner"),
    path("samarbeid/eksport.csv", views.partner_export, name="partner_export"),
]
