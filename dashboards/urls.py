from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("min-dag/", views.my_day, name="my_day"),
    path("team/", views.team, name="team"),
    path("team/eksport.csv", views.team_export, name="team_export"),
    path("samarbeid/", views.partner, name="partner"),
    path("samarbeid/eksport.csv", views.partner_export, name="partner_export"),
]
