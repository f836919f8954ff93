"""Demo analytics history, so that every chart of /admin/analytics has something to draw: 90 days of visits
written through the real roll-up (visits._write, the path the buffer's flush takes), ask-form events, CSAT and
NPS answers through the satisfaction services, and six months of call-centre requests. Idempotent: each part is
skipped when it is there already."""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import exists, func, select

from app.analytics import call_centre, satisfaction, sources, visits
from app.analytics.models import CsatResponse, DailyVisits, Event, NpsResponse
from app.analytics.services import (
    SUGGESTION_CLICKED,
    SUGGESTIONS_SHOWN,
    TOPIC_POSTED,
    record_event,
)
from app.analytics.zero_searches import SEARCH_EMPTY
from app.auth.models import User
from app.common.db import utcnow
from app.community.models import Category, Topic
from app.extensions import db

DAYS = 90
REFERRERS = [  # (real referrer, query string, weight)
    ("https://www.google.com/", "", 22),
    ("https://yandex.ru/search/?text=%D0%BA%D0%B0%D1%80%D1%82%D0%B0", "", 14),
    ("https://www.bing.com/search?q=bank+card", "", 3),
    ("https://duckduckgo.com/", "", 2),
    ("https://vk.com/feed", "", 6),
    ("https://t.me/", "", 3),
    ("https://www.facebook.com/", "", 2),
    ("https://www.bank.example/help", "", 9),
    ("", "utm_source=newsletter&utm_medium=email", 5),
    ("", "", 30),
]


def _items_for(day, rng: random.Random, company: tuple[str, ...]) -> list[dict]:
    weekday_factor = 0.6 if day.weekday() >= 5 else 1.0
    trend = 1 + (DAYS - (utcnow().date() - day).days) / DAYS / 2  # slowly growing
    items = []
    for number in range(int(rng.randint(35, 55) * weekday_factor * trend)):
        referrer, query, _weight = rng.choices(REFERRERS, weights=[r[2] for r in REFERRERS])[0]
        source = sources.classify(referrer or None, query, community_hosts=("localhost",), company_hosts=company)
        at = datetime.combine(day, time(8)) + timedelta(minutes=rng.randint(0, 780))
        for page in range(rng.randint(1, 4)):  # a few pages per visit, the later ones internal
            items.append(
                {
                    "at": (at + timedelta(minutes=page)).isoformat(),
                    "path": "/" if page == 0 else f"/t/{page}",
                    "v": f"demo{day.toordinal()}x{number}",
                    "s": source.kind if page == 0 else sources.INTERNAL,
                    "n": source.name if page == 0 else "",
                    "bot": False,
                    "u": None,
                }
            )
        if number % 10 == 0:
            items.append(
                {
                    "at": at.isoformat(),
                    "path": "/",
                    "v": f"bot{day.toordinal()}x{number}",
                    "s": sources.DIRECT,
                    "n": "",
                    "bot": True,
                    "u": None,
                }
            )
    return items


def load_visits(rng: random.Random) -> int:
    if db.session.scalar(select(exists().where(DailyVisits.day < utcnow().date()))):
        return 0
    total = 0
    today = utcnow().date()
    for offset in range(DAYS, 0, -1):
        items = _items_for(today - timedelta(days=offset), rng, ("www.bank.example",))
        visits._write(items)
        total += len(items)
    return total


def load_events(rng: random.Random) -> int:
    if db.session.scalar(select(exists().where(Event.draft_id.like("demo%")))):
        return 0
    now, count = utcnow(), 0
    categories = list(db.session.scalars(select(Category.id).order_by(Category.id))) or [None]
    for offset in range(DAYS):
        for number in range(rng.randint(6, 14)):
            draft = f"demo{offset:03d}d{number:02d}"
            category = rng.choice(categories)  # the category chosen on the ask form
            at = now - timedelta(days=offset, minutes=rng.randint(0, 600))
            steps = [SUGGESTIONS_SHOWN]
            roll = rng.random()
            if roll < 0.55:
                steps.append(SUGGESTION_CLICKED)  # followed a suggestion, left (deflected)
            elif roll < 0.65:
                steps += [SUGGESTION_CLICKED, TOPIC_POSTED]  # read one, posted anyway
            elif roll < 0.8:
                steps.append(TOPIC_POSTED)
            for step, name in enumerate(steps):
                record_event(name, draft_id=draft, category_id=category).created_at = at + timedelta(minutes=step)
                count += 1
        for number, text in enumerate(rng.sample(NOT_FOUND, 2)):  # searches that found nothing
            data = {"q": text, "v": f"demo-visitor-{offset}-{number}", "w": "search"}
            record_event(SEARCH_EMPTY, data=data, channel=None).created_at = now - timedelta(days=offset, hours=number)
            count += 1
    return count


NOT_FOUND = (
    "кредитные каникулы",
    "how to close a deposit",
    "ипотека для ип",
    "рефинансирование автокредита",
    "apple pay for business cards",
    "перевод в казахстан",
)


def load_satisfaction(rng: random.Random) -> int:
    if db.session.scalar(select(func.count()).select_from(CsatResponse)):
        return 0
    rated = 0
    for topic in db.session.scalars(select(Topic).where(Topic.is_deleted.is_(False)).order_by(Topic.id)):
        if satisfaction.csat_open(topic.author, topic):
            score = rng.choices([3, 4, 5], weights=[1, 3, 4])[0]  # no low ratings: the demo sends no mail
            response = satisfaction.rate_topic(topic.author, topic, score >= 4, score)
            response.created_at = topic.last_activity_at + timedelta(hours=rng.randint(1, 30))
            rated += 1
    if not db.session.scalar(select(exists().where(NpsResponse.id.is_not(None)))):
        authors = db.session.scalars(select(User).where(User.id.in_(select(Topic.author_id))).order_by(User.id))
        for user in authors:
            if satisfaction.nps_open(user):
                satisfaction.answer_nps(user, rng.choice([6, 8, 9, 9, 10, 10]))
    return rated


def load_call_centre(admin) -> int:
    today = utcnow().date().replace(day=1)
    counts = {}
    for back in range(6):
        month = (today - timedelta(days=28 * back)).strftime("%Y-%m")
        counts[month] = 5200 - 350 * (5 - back)
    known = {m.month for m in call_centre.months()}
    missing = {m: n for m, n in counts.items() if m not in known}
    return call_centre.set_call_centre_months(admin, missing) if missing else 0


def load(admin) -> str:
    rng = random.Random(1386)
    load_visits(rng)
    load_events(rng)
    load_satisfaction(rng)
    load_call_centre(admin)
    db.session.flush()
    views = db.session.scalar(select(func.coalesce(func.sum(DailyVisits.page_views), 0)))
    ratings = db.session.scalar(select(func.count()).select_from(CsatResponse))
    return f"{views} page views, {ratings} ratings, {len(call_centre.months())} call-centre months"
