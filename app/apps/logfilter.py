"""Launch parameters are credentials for their freshness window: keep them out of the server's access log."""
import logging
import re

_SECRET_QUERY = re.compile(r"(/apps/[^?\s\"]*)\?[^\s\"]*")


class RedactAppLaunch(logging.Filter):
    """Replace the query string of /apps/... request lines (werkzeug, gunicorn access logs) with "?[redacted]"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "/apps/" in str(record.msg) or any("/apps/" in str(arg) for arg in (record.args or ())):
            message = record.getMessage()
            record.msg = _SECRET_QUERY.sub(r"\1?[redacted]", message)
            record.args = None
        return True


def install() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactAppLaunch) for f in logger.filters):
            logger.addFilter(RedactAppLaunch())
