from .test_referral_journey import log_in


def test_the_client_page_is_accessible_to_its_recorder_and_a_recipient(
    open_page, live_server, mikko, assert_accessible
):
    for username in ("rise.oulu", "tym.oulu", "hva.pohjois"):
        page = open_page()
        log_in(page, live_server.url, username)
        page.goto(f"{live_server.url}/clients/{mikko.client.public_id}/")
        assert page.locator("h1").count() == 1
        assert_accessible(page)
