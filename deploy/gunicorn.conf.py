"""gunicorn's settings for `make run` and for each app server of a city (deploy/qiaomen-web@.service).
The bind address and the number of workers come from the command line.

The access log goes to standard output through qiaomen's logger class, which replaces the
residents' QR and rating tokens in every logged path and Referer (issue 12, hole 7a).
"""

import os

accesslog = "-"
logger_class = "qiaomen.core.log_redaction.GunicornLogger"
# Behind no proxy by default: trust no X-Forwarded-* header from anyone. Behind the city's nginx,
# QIAOMEN_TRUSTED_PROXIES names it, for gunicorn as for Django (settings.TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("QIAOMEN_TRUSTED_PROXIES", "")
