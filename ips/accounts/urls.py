from django.urls import path

from ips.accounts import views

app_name = "accounts"

urlpatterns = [
    path("tofaktor/", views.otp_verify, name="otp_verify"),
    path("tofaktor/oppsett/", views.otp_enrol, name="otp_enrol"),
]
