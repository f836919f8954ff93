"""What a comment costs the request on a topic with 50 followers: median of 9 comment POSTs through the Flask test
client, JOBS_MODE=off (the request's own work only: no indexing, composing or sending). Before mail.compose the
request rendered the 50 follower e-mails itself. Run from the repository root:
    .venv/bin/python bench/comment_fanout.py
"""

import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, ".")
from app import create_app
from app.auth import services as auth_services
from app.community import services as cs
from app.extensions import db
from tests.conftest import AuthActions, CsrfClient, IsolatedFlaskClient, _config_for

tmp = pathlib.Path(tempfile.mkdtemp())


class C(_config_for(tmp)):
    JOBS_MODE = "off"


app = create_app(C)
app.test_client_class = IsolatedFlaskClient
with app.app_context():
    db.create_all()
    from app.admin import services as admin_services
    from app.notify import services as ns
    from app.staff import services as staff_services

    dep = staff_services.create_department("D")
    db.session.commit()
    cat = admin_services.create_category("Cards", dep.id)
    db.session.commit()
    users = [auth_services.register_user(f"u{i}@t.example", "correct-horse-battery", f"User {i}") for i in range(51)]
    db.session.commit()
    topic = cs.create_topic(users[0], "question", "Card blocked at the machine", "Details here.", cat.id, mood="upset")
    db.session.commit()
    for u in users[1:]:
        ns.follow_topic(u, topic)
    db.session.commit()
    client = CsrfClient(app.test_client())
    AuthActions(client).login("u0@t.example")
    times = []
    for i in range(9):
        t = time.perf_counter()
        r = client.post(f"/t/{topic.id}/comments", {"body": f"Comment number {i} with some words."})
        times.append(time.perf_counter() - t)
        assert r.status_code == 302, r.status_code
    print(f"median {statistics.median(times) * 1000:.1f} ms")
