"""Staff see where a topic came from (its channel, the widget's page) and filter the queues by channel."""

import html

from app.community import services
from app.extensions import db
from app.widget import services as widget_services
from tests.widget.conftest import PARTNER


def _widget_topic(customer, category, title):
    topic = widget_services.post_widget_request(
        customer,
        "question",
        title,
        "Details of it.",
        category.id,
        mood="indifferent",
        source_url=f"{PARTNER}/deposits",
        source_title="Deposits | Bank",
        allowed=(PARTNER,),
    )
    db.session.commit()
    return topic


def test_queues_show_the_channel_and_filter_by_it(client_as, customer, community):
    from_widget = _widget_topic(customer, community["cards"], "Asked from the deposits page of the bank")
    services.create_topic(
        customer, "question", "Asked on the community site", "Details.", community["cards"].id, mood="indifferent"
    )
    db.session.commit()
    staff = client_as(community["rep_private"])
    page = staff.get("/staff/").get_data(as_text=True)
    assert "Asked on the community site" in page and "Asked from the deposits page of the bank" in page
    assert "Deposits | Bank" in page and f'href="{PARTNER}/deposits"' in page
    only_widget = staff.get("/staff/?channel=widget").get_data(as_text=True)
    assert (
        "Asked from the deposits page of the bank" in only_widget and "Asked on the community site" not in only_widget
    )
    assert 'data-queue="new" aria-current="page">New without an answer <span class="n">1</span>' in only_widget
    assert "channel=widget" in only_widget  # the tabs keep the filter
    only_site = staff.get("/staff/?channel=site").get_data(as_text=True)
    assert "Asked on the community site" in only_site and "Asked from the deposits page of the bank" not in only_site
    assert "Asked on the community site" in staff.get("/staff/?channel=nonsense").get_data(as_text=True)
    assert from_widget.channel == "widget"


def test_the_topic_staff_panel_shows_channel_and_page_but_customers_do_not_see_them(client_as, customer, community):
    topic = _widget_topic(customer, community["cards"], "Asked from the deposits page of the bank")
    url = f"/t/{topic.id}-{topic.slug}"
    page = client_as(community["rep_private"]).get(url).get_data(as_text=True)
    assert '<dd id="work-channel">"Ask us!" widget' in html.unescape(page)
    assert "Deposits | Bank" in page
    public = client_as(customer).get(url).get_data(as_text=True)
    assert "Deposits | Bank" not in public and "work-channel" not in public
