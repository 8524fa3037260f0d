from django.urls import path

from fidelity import views

app_name = "fidelity"

urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("ny/", views.review_create_view, name="review_create"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/punkt/<int:item_pk>/", views.item_score, name="item_score"),
    path("<int:pk>/status/", views.review_status, name="review_status"),
    path("<int:pk>/gjenapne/", views.review_reopen_view, name="review_reopen"),
    path("<int:pk>/utvalg/", views.review_sample_draw, name="sample_draw"),
    path("<int:pk>/pdf/", views.review_pdf_view, name="review_pdf"),
    path("<int:pk>/punkt/<int:item_pk>/min-skar/", views.reviewer_score, name="reviewer_score"),
    path("<int:pk>/lever/", views.reviewer_submit_view, name="reviewer_submit"),
    path("<int:pk>/sammenlign/", views.review_compare, name="review_compare"),
    path("<int:pk>/konsensus/samstemte/", views.consensus_adopt, name="consensus_adopt"),
    path("<int:pk>/notater/", views.review_notes, name="review_notes"),
    path("<int:pk>/journalgjennomgang/", views.review_worksheet, name="review_worksheet"),
    path("<int:pk>/rapport/", views.review_report, name="review_report"),
    path("<int:pk>/kvalitetsplan/", views.quality_plan, name="quality_plan"),
    path(
        "<int:pk>/kvalitetsplan/<int:action_pk>/status/",
        views.quality_action_status,
        name="quality_action_status",
    ),
    path("eksport/", views.export_start, name="export_start"),
    path("eksport/<int:pk>/", views.export_detail, name="export_detail"),
    path("eksport/<int:pk>/last-ned/", views.export_download, name="export_download"),
    path("veiledning/", views.mentoring_log, name="mentoring_log"),
    path("paa-tvers/", views.across_teams, name="across_teams"),
    path("paa-tvers/csv/", views.across_teams_csv, name="across_teams_csv"),
    path("paa-tvers/pdf/", views.across_teams_pdf, name="across_teams_pdf"),
]
