"""Reading a consultation: what is public, when, and in what order."""

from datetime import timedelta


def test_chapter_of_a_future_batch_is_invisible_until_its_date(client, clock, make_chapter):
    chapter = make_chapter(publish_in=timedelta(days=3), title="Plateformes nationales")
    url = f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}"

    before = client.get(url)
    clock.advance(days=3)
    after = client.get(url)

    assert before.status_code == 404
    assert after.status_code == 200
    assert "Plateformes nationales" in after.text
