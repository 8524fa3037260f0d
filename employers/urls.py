from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    path("", views.employer_list, name="list"),
    path("ny/", views.employer_create, name="create"),
    path("<int:pk>/", views.employer_detail, name="detail"),
    path("<int:pk>/endre/", views.employer_edit, name="edit"),
    path("<int:pk>/arkiver/", views.employer_archive, name="archive"),
    path("<int:pk>/kontaktpersoner/ny/", views.contact_person_add, name="contact_person_add"),
    path("<int:pk>/kontakter/ny/", views.contact_create, name="contact_create"),
    path("<int:pk>/stillinger/ny/", views.opening_create, name="opening_create"),
    path("kontakter/ny/", views.contact_create_any, name="contact_create_any"),
    path("logg/", views.employer_log, name="log"),
    path("stillinger/", views.opening_list, name="opening_list"),
    path("stillinger/<int:pk>/status/", views.opening_status, name="opening_status"),
    path("jobbutvikling/", views.weekly, name="weekly"),
]
