from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("inntak/", views.intake_queue, name="queue"),
    path("ny/", views.referral_create, name="create"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/tildel/", views.referral_assign_view, name="assign"),
    path("<int:pk>/forste-mote/", views.referral_first_meeting, name="first_meeting"),
    path("<int:pk>/avslutt/", views.referral_withdraw_view, name="withdraw"),
    path("<int:pk>/slaa-sammen/", views.referral_merge_view, name="merge"),
]
