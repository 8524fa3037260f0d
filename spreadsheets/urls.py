from django.urls import path

from spreadsheets import views

app_name = "spreadsheets"

urlpatterns = [
    path("", views.index, name="index"),
    path("mal.xlsx", views.template_download, name="template"),
    path("last-opp/", views.upload, name="upload"),
    path("import/<int:pk>/ark/", views.run_sheets, name="run_sheets"),
    path("import/<int:pk>/kolonner/", views.run_mapping, name="run_mapping"),
    path("import/<int:pk>/", views.run_preview, name="run_preview"),
    path("import/<int:pk>/rad/<int:position>/", views.run_fix_row, name="run_fix_row"),
    path("import/<int:pk>/bekreft/", views.run_confirm, name="run_confirm"),
    path("import/<int:pk>/avbryt/", views.run_abandon, name="run_abandon"),
    path("eksport/", views.export_start, name="export_start"),
    path("eksport/<int:pk>/", views.export_progress, name="export_progress"),
    path("eksport/<int:pk>/fil/", views.export_download, name="export_download"),
]
