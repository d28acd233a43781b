"""Django settings for the doccano server that claimtrace runs: doccano's own production
settings, with uploaded files (the JSONL a push imports) private like everything else in the
data folder. Imported inside the server venv (``DJANGO_SETTINGS_MODULE``), never by the
pipeline: it must not import anything from claimtrace."""

from config.settings.production import *  # noqa: F403  (doccano's settings, unchanged)

FILE_UPLOAD_PERMISSIONS = 0o600  # Django's default is 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
