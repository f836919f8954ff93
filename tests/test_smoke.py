def test_home_lists_a_new_topic(client, make_topic):
    topic = make_topic(title="Where is my new card?")
    page = client.get("/").get_data(as_text=True)
    assert "Where is my new card?" in page
    assert f"/t/{topic.id}-where-is-my-new-card" in page


def test_healthz_answers_when_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
