from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.status_change, name="status_change"),
    path("<int:pk>/kontaktopplysninger/", views.contact_details_edit, name="contact_details"),
    path("<int:pk>/kontakt/ny/", views.contact_log, name="contact_log"),
    path("<int:pk>/kontakt/<int:contact_pk>/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/yrkesprofil/", views.profile, name="profile"),
    path("<int:pk>/yrkesprofil/del/<slug:section>/", views.profile_section, name="profile_section"),
    path(
        "<int:pk>/yrkesprofil/arbeidserfaring/ny/",
        views.work_history_add,
        name="work_history_add",
    ),
    path("<int:pk>/yrkesprofil/nettverk/ny/", views.support_person_add, name="support_person_add"),
    path("<int:pk>/handlingsplan/", views.plan, name="plan"),
    path("<int:pk>/handlingsplan/pdf/", views.plan_pdf, name="plan_pdf"),
    path("<int:pk>/handlingsplan/delmal/ny/", views.goal_add, name="goal_add"),
    path("<int:pk>/handlingsplan/delmal/<int:goal_pk>/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/handlingsplan/gjennomgang/ny/", views.review_add, name="review_add"),
    path(
        "<int:pk>/handlingsplan/gjennomgang/<int:review_pk>/",
        views.review_detail,
        name="review_detail",
    ),
    path("<int:pk>/jobb/ny/", views.job_start, name="job_start"),
    path("<int:pk>/jobb/<int:job_pk>/slutt/", views.job_end, name="job_end"),
    path("<int:pk>/utdanning/ny/", views.education_start, name="education_start"),
    path(
        "<int:pk>/utdanning/<int:education_pk>/slutt/",
        views.education_end,
        name="education_end",
    ),
]
