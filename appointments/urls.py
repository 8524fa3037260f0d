from django.urls import path

from appointments import views

app_name = "appointments"

urlpatterns = [
    path("ny/", views.plan, name="plan"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/holdt/", views.hold, name="hold"),
    path("kalender/", views.calendar_settings, name="calendar"),
    path("kalender/<str:token>.ics", views.feed, name="feed"),
]
