"""Launch parameters are credentials for their freshness window: keep them out of the server's access log."""

import logging
import re
from collections.abc import Mapping

_SECRET_QUERY = re.compile(r"(/apps/[^?\s\"]*)\?[^\s\"]*")


class RedactAppLaunch(logging.Filter):
    """Replace the query string of /apps/... request lines (werkzeug, gunicorn access logs) with "?[redacted]"."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args or ()
        values = args.values() if isinstance(args, Mapping) else args  # gunicorn passes a dict of atoms
        if "/apps/" in str(record.msg) or any("/apps/" in str(value) for value in values):
            message = record.getMessage()
            record.msg = _SECRET_QUERY.sub(r"\1?[redacted]", message)
            record.args = None
        return True


def install() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactAppLaunch) for f in logger.filters):
            logger.addFilter(RedactAppLaunch())
