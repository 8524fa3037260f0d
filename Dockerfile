FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 ips
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install -e .
COPY . .
# collectstatic needs settings; these throwaway values never reach a running container.
RUN DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && python manage.py compilemessages --ignore=.venv
USER ips
EXPOSE 8000
# --timeout 60: gunicorn's default 30 s killed long PDF exports; a request still running after a
# minute is a fault to fix, not to wait for (the proxy's read timeout, 90 s, is longer).
# Workers, threads and timeouts: gunicorn.conf.py (the load test uses the same file).
CMD ["gunicorn", "ips.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--timeout", "60", "--access-logfile", "-"]
