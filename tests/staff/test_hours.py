"""Working-hours arithmetic across nights, weekends, time zones and daylight-saving changes."""

import random
from datetime import datetime, timedelta

import pytest

from app.staff import hours
from app.staff.hours import Calendar, CalendarError

MON_FRI = hours.WEEKDAYS
H = timedelta(hours=1)


def cal(zone="Europe/Moscow", days=MON_FRI, open_=9 * 60, close=18 * 60):
    return Calendar.of(zone, days, open_, close)


def utc(*args):
    return datetime(*args)


# 2025-03-10 is a Monday. Moscow is UTC+3 all year.


def test_within_one_working_day():
    assert hours.add_working_hours(cal(), utc(2025, 3, 10, 7, 0), 6) == utc(2025, 3, 10, 13, 0)  # 10:00 -> 16:00 MSK


def test_across_the_night():
    # Monday 16:00 MSK: 2 hours on Monday, 4 on Tuesday -> Tuesday 13:00 MSK
    assert hours.add_working_hours(cal(), utc(2025, 3, 10, 13, 0), 6) == utc(2025, 3, 11, 10, 0)


def test_across_the_weekend():
    # Friday 17:00 MSK: 1 hour on Friday, 5 on Monday -> Monday 14:00 MSK
    assert hours.add_working_hours(cal(), utc(2025, 3, 14, 14, 0), 6) == utc(2025, 3, 17, 11, 0)


def test_posted_at_the_weekend_counts_from_monday_morning():
    saturday_noon = utc(2025, 3, 15, 9, 0)
    assert hours.add_working_hours(cal(), saturday_noon, 2) == utc(2025, 3, 17, 8, 0)  # Monday 11:00 MSK
    assert hours.next_opening(cal(), saturday_noon) == utc(2025, 3, 17, 6, 0)  # Monday 9:00 MSK
    assert not hours.is_open(cal(), saturday_noon)


def test_posted_late_at_night_counts_from_the_next_morning():
    wednesday_23 = utc(2025, 3, 12, 20, 0)
    assert hours.add_working_hours(cal(), wednesday_23, 6) == utc(2025, 3, 13, 12, 0)  # Thursday 15:00 MSK


def test_open_close_boundaries():
    c = cal()
    assert hours.is_open(c, utc(2025, 3, 10, 6, 0))  # 9:00 sharp: open
    assert not hours.is_open(c, utc(2025, 3, 10, 15, 0))  # 18:00 sharp: closed
    assert hours.next_opening(c, utc(2025, 3, 10, 15, 0)) == utc(2025, 3, 11, 6, 0)
    assert hours.add_working_hours(c, utc(2025, 3, 10, 6, 0), 9) == utc(2025, 3, 10, 15, 0)  # a whole day ends at 18:00


def test_working_time_between_skips_nights_and_weekends():
    c = cal()
    friday_17 = utc(2025, 3, 14, 14, 0)
    monday_10 = utc(2025, 3, 17, 7, 0)
    assert hours.working_time_between(c, friday_17, monday_10) == 2 * H
    assert hours.working_time_between(c, monday_10, friday_17) == -2 * H
    assert hours.working_time_between(c, utc(2025, 3, 15, 0, 0), utc(2025, 3, 16, 23, 0)) == timedelta(0)
    assert hours.working_time_between(c, utc(2025, 3, 10, 0, 0), utc(2025, 3, 17, 0, 0)) == 45 * H


def test_the_same_instant_in_different_zones():
    monday_14_utc = utc(2025, 3, 10, 14, 0)
    # Moscow: 17:00, one hour left today, five tomorrow -> Tuesday 14:00 MSK = 11:00 UTC
    assert hours.add_working_hours(cal("Europe/Moscow"), monday_14_utc, 6) == utc(2025, 3, 11, 11, 0)
    # New York (EDT since 9 March, UTC-4): 10:00 -> 16:00 EDT = 20:00 UTC the same day
    assert hours.add_working_hours(cal("America/New_York"), monday_14_utc, 6) == utc(2025, 3, 10, 20, 0)


def test_local_date_differs_from_the_utc_date():
    vladivostok = cal("Asia/Vladivostok")  # UTC+10
    sunday_2330_utc = utc(2025, 3, 9, 23, 30)  # Monday 9:30 in Vladivostok
    assert hours.is_open(vladivostok, sunday_2330_utc)
    assert hours.add_working_hours(vladivostok, sunday_2330_utc, 1) == utc(2025, 3, 10, 0, 30)
    honolulu = cal("Pacific/Honolulu")  # UTC-10: Friday 17:00 local is Saturday 03:00 UTC
    assert hours.is_open(honolulu, utc(2025, 3, 15, 3, 0))
    assert hours.add_working_hours(honolulu, utc(2025, 3, 15, 3, 0), 2) == utc(2025, 3, 17, 20, 0)  # Mon 10:00 HST


def test_spring_forward_weekend_in_new_york():
    ny = cal("America/New_York")
    friday_16_est = utc(2025, 3, 7, 21, 0)
    # 2 hours on Friday (EST), 4 on Monday (EDT): Monday 13:00 EDT = 17:00 UTC, not 18:00
    assert hours.add_working_hours(ny, friday_16_est, 6) == utc(2025, 3, 10, 17, 0)
    assert hours.working_time_between(ny, friday_16_est, utc(2025, 3, 10, 17, 0)) == 6 * H


def test_fall_back_weekend_in_new_york():
    ny = cal("America/New_York")
    friday_16_edt = utc(2025, 10, 31, 20, 0)
    assert hours.add_working_hours(ny, friday_16_edt, 6) == utc(2025, 11, 3, 18, 0)  # Monday 13:00 EST


def test_round_the_clock_follows_real_time_through_the_change():
    berlin = cal("Europe/Berlin", days=hours.ALL_DAYS, open_=0, close=24 * 60)
    assert berlin.is_round_the_clock
    sunday_midnight_cet = utc(2025, 3, 29, 23, 0)
    monday_midnight_cest = utc(2025, 3, 30, 22, 0)
    assert hours.working_time_between(berlin, sunday_midnight_cet, monday_midnight_cest) == 23 * H  # the short day
    assert hours.add_working_hours(berlin, sunday_midnight_cet, 24) == utc(2025, 3, 30, 23, 0)  # Monday 01:00 CEST
    autumn = hours.working_time_between(berlin, utc(2025, 10, 25, 22, 0), utc(2025, 10, 26, 23, 0))
    assert autumn == 25 * H  # the long day


def test_a_window_inside_the_skipped_hour_has_no_working_time():
    berlin_night = cal("Europe/Berlin", days=hours.ALL_DAYS, open_=2 * 60, close=3 * 60)
    assert hours.window(berlin_night, datetime(2025, 3, 30).date()) is None  # 02:00–03:00 never happens that day
    assert hours.working_time_between(berlin_night, utc(2025, 3, 29, 12, 0), utc(2025, 3, 31, 12, 0)) == 1 * H


def test_weekend_only_and_custom_days():
    weekend = cal("Europe/Moscow", days={6, 7}, open_=10 * 60, close=14 * 60)
    monday = utc(2025, 3, 10, 7, 0)
    assert hours.next_opening(weekend, monday) == utc(2025, 3, 15, 7, 0)  # Saturday 10:00 MSK
    assert hours.add_working_hours(weekend, monday, 6) == utc(2025, 3, 16, 9, 0)  # Sat 4 h + Sun 2 h -> Sun 12:00


def test_adding_zero_waits_for_the_next_opening():
    assert hours.add_working_time(cal(), utc(2025, 3, 14, 20, 0), timedelta(0)) == utc(2025, 3, 17, 6, 0)


def test_long_targets_span_weeks():
    assert hours.add_working_hours(cal(), utc(2025, 3, 10, 6, 0), 90) == utc(2025, 3, 21, 15, 0)  # two full weeks


@pytest.mark.parametrize("zone", ["Europe/Moscow", "America/New_York", "Europe/Kyiv", "Australia/Lord_Howe", "UTC"])
def test_adding_and_measuring_agree(zone):
    rng = random.Random(zone)
    calendars = [
        cal(zone),
        cal(zone, days={1, 3, 5, 6}, open_=7 * 60 + 30, close=23 * 60),
        cal(zone, days=hours.ALL_DAYS, open_=0, close=24 * 60),
    ]
    for _ in range(300):
        c = rng.choice(calendars)
        start = utc(2025, 1, 1) + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        amount = timedelta(minutes=rng.randrange(0, 80 * 60))
        end = hours.add_working_time(c, start, amount)
        assert end >= start
        assert hours.working_time_between(c, start, end) == amount
        if amount:
            assert hours.is_open(c, end - timedelta(minutes=1)) or hours.working_time_between(
                c, end - timedelta(minutes=1), end
            ) == timedelta(0)


@pytest.mark.parametrize("zone_name", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", "", "Europe/"])
def test_unknown_zones_are_refused(zone_name):
    with pytest.raises(CalendarError):
        cal(zone_name)


def test_calendars_need_working_time():
    with pytest.raises(CalendarError):
        cal(days=set())
    with pytest.raises(CalendarError):
        cal(open_=18 * 60, close=9 * 60)
    with pytest.raises(CalendarError):
        cal(days={0, 8})
