from django.urls import path

from ips.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.access_log, name="log"),
    path("uvanlig/", views.unusual, name="unusual"),
    path("deltaker/<int:pk>/", views.participant_report, name="participant_report"),
    path("historikk/<slug:kind>/<int:pk>/", views.history, name="history"),
    path("deltaker/<int:pk>/innsyn/", views.subject_export, name="subject_export"),
    path("deltaker/<int:pk>/pdf/", views.participant_report_pdf, name="participant_report_pdf"),
    path("rapport/<int:pk>/", views.participant_report_export, name="participant_report_export"),
    path(
        "rapport/<int:pk>/last-ned/",
        views.participant_report_export_download,
        name="participant_report_export_download",
    ),
]
