"""gunicorn's settings for `make run` (the bind address and the number of workers come from the
Makefile's command line).

The access log goes to standard output through qiaomen's logger class, which replaces the
residents' QR and rating tokens in every logged path and Referer (issue 12, hole 7a).
"""

accesslog = "-"
logger_class = "qiaomen.core.log_redaction.GunicornLogger"
# Behind no proxy by default: trust no X-Forwarded-* header from anyone.
forwarded_allow_ips = ""
