from django.urls import path

from deadlines import views

app_name = "deadlines"

urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("<int:pk>/kvitter/", views.alert_acknowledge, name="acknowledge"),
]
