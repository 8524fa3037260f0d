from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("min-dag/", views.my_day, name="my_day"),
    path("team/", views.team, name="team"),
    path("team/eksport.csv", views.team_export, name="team_export"),
    path("team/kvartalsrapport/", views.quarterly_report, name="quarterly"),
    path("team/kvartalsrapport.csv", views.quarterly_report_csv, name="quarterly_csv"),
    path("team/kvartalsrapport.pdf", views.quarterly_report_pdf, name="quarterly_pdf"),
    path("tall/slik-regnes/", views.definitions, name="definitions"),
    path("samarbeid/", views.partner, name="partner"),
    path("samarbeid/eksport.csv", views.partner_export, name="partner_export"),
]
