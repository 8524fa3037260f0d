from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ips.access import scope_for
from ips.navigation import start_url_for


@require_GET
@login_required
def home(request):
    """Send each role to its own start page."""
    if request.user.is_superuser and not scope_for(request.user).roles:
        return redirect("admin:index")
    url = start_url_for(request.user)
    if url:
        return redirect(url)
    return render(request, "home.html")


@never_cache
@require_GET
def health(request):
    """For the container health check: the process answers and reaches the database. Plain
    HTTP is allowed here only (SECURE_REDIRECT_EXEMPT); it shows nothing about anybody."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok\n", content_type="text/plain")


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
