"""participant_days and participant_day_counts: distinct participants of any period without COUNT(DISTINCT)
(each person's day linked to their previous one; see docs/architecture.md, "Analytics roll-ups")."""

from datetime import date

from sqlalchemy import bindparam, delete, func, insert, select, update

from app.analytics.rollup_models import (
    NEVER,
    DailyParticipant,
    ParticipantDay,
    ParticipantDayCount,
)
from app.analytics.rollup_months import as_date


def link_participant_days(s, day: date, users: set[int]) -> None:
    """participant_days of `day` replaced by `users` (who took part that day in any department), each linked to
    their previous day; the next day of everyone who took part that day, before or now, linked again (to `day`,
    or past it when they no longer took part that day). Other days' rows stay as they are."""
    pd = ParticipantDay
    before = set(s.scalars(select(pd.user_id).where(pd.day == day)))
    s.execute(delete(pd).where(pd.day == day))
    touched = sorted(before | users)
    changed = {day}
    table = pd.__table__
    relink = (
        update(table)
        .where(table.c.user_id == bindparam("who"), table.c.day == bindparam("next_day"))
        .values(previous_day=bindparam("previous"))
    )
    for start in range(0, len(touched), 500):
        chunk = touched[start : start + 500]
        previous = dict(
            s.execute(
                select(pd.user_id, func.max(pd.day)).where(pd.user_id.in_(chunk), pd.day < day).group_by(pd.user_id)
            ).all()
        )
        following = s.execute(
            select(pd.user_id, func.min(pd.day)).where(pd.user_id.in_(chunk), pd.day > day).group_by(pd.user_id)
        ).all()
        rows = [{"user_id": u, "day": day, "previous_day": previous.get(u, NEVER)} for u in chunk if u in users]
        if rows:
            s.execute(insert(table), rows)
        links = [
            {"who": u, "next_day": as_date(d), "previous": day if u in users else as_date(previous.get(u, NEVER))}
            for u, d in following
        ]
        if links:
            s.execute(relink, links)
        changed |= {as_date(d) for _u, d in following}
    count_participant_days(s, changed)


def count_participant_days(s, days) -> None:
    """participant_day_counts of `days` counted again from participant_days."""
    counts = ParticipantDayCount
    pd = ParticipantDay
    days = sorted(days)
    for start in range(0, len(days), 500):
        chunk = days[start : start + 500]
        s.execute(delete(counts).where(counts.day.in_(chunk)))
        s.execute(
            insert(counts.__table__).from_select(
                ["day", "previous_day", "people"],
                select(pd.day, pd.previous_day, func.count())
                .where(pd.day.in_(chunk))
                .group_by(pd.day, pd.previous_day),
            )
        )


def fill_participant_days(s) -> int:
    """participant_days written afresh from daily_participants in one statement (each person's days in order,
    each linked to the one before): for bulk loads and the migration's backfill; returns the rows written."""
    s.execute(delete(ParticipantDay))
    people = select(DailyParticipant.user_id, DailyParticipant.day).distinct().subquery()
    previous = func.coalesce(func.lag(people.c.day).over(partition_by=people.c.user_id, order_by=people.c.day), NEVER)
    s.execute(
        insert(ParticipantDay.__table__).from_select(
            ["user_id", "day", "previous_day"], select(people.c.user_id, people.c.day, previous)
        )
    )
    fill_participant_day_counts(s)
    return s.scalar(select(func.count()).select_from(ParticipantDay))


def fill_participant_day_counts(s) -> int:
    """participant_day_counts written afresh from participant_days in one statement; returns the rows written."""
    counts, pd = ParticipantDayCount, ParticipantDay
    s.execute(delete(counts))
    s.execute(
        insert(counts.__table__).from_select(
            ["day", "previous_day", "people"],
            select(pd.day, pd.previous_day, func.count()).group_by(pd.day, pd.previous_day),
        )
    )
    return s.scalar(select(func.count()).select_from(counts))
