"""Deny by default: every route is either on the public list or requires a role."""

from __future__ import annotations

import pytest

from consultation.core.roles import Role

#: Endpoints anyone may reach. A new route is refused by this test until it is listed here or
#: guarded by roles_required().
PUBLIC_ENDPOINTS = {
    "static",
    "publication.home",
    "publication.consultation",
    "publication.chapter",
    "publication.section",
    "publication.search",
    "publication.sitemap_page",
    "publication.sitemap_xml",
    "publication.robots",
    "publication.api_consultations",
    "publication.api_consultation",
    "publication.chapter_differences",
    "publication.differences_document",
    "accounts.login",
    "accounts.logout",
    "accounts.register",
    "accounts.mail_sent",
    "accounts.confirm_email",
    "accounts.forgot_password",
    "accounts.reset_password",
    "news.unsubscribe",
    "legal.page",
    "contributions.index",
    "contributions.show",
    "contributions.download",
    "contributions.report",
    "opendata.page",
    "opendata.download",
    "opendata.schema",
    "audience.page",
    "statistics.page",
}


def guarded_routes(app):
    """(url, method, allowed roles) for every non-public route, with sample path values."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        values = {
            name: 1 if "int" in type(converter).__name__.lower() else "x"
            for name, converter in rule._converters.items()
        }
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, url, method, getattr(view, "required_roles", None)))
    return routes


def test_every_route_is_public_or_guarded_by_roles(app):
    unguarded = [endpoint for endpoint, _, _, roles in guarded_routes(app) if roles is None]

    assert unguarded == []


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_guarded_route(app, client):
    for endpoint, url, method, _ in guarded_routes(app):
        response = client.open(url, method=method)

        assert response.status_code == 302, (endpoint, method)
        assert response.headers["Location"].startswith("/connexion"), (endpoint, method)


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.MODERATOR, Role.ANALYST])
def test_users_without_the_role_get_a_403_and_no_data(app, client, login, role):
    login(role=role)

    for endpoint, url, method, roles in guarded_routes(app):
        if role in roles:
            continue
        response = client.open(url, method=method)

        assert response.status_code == 403, (endpoint, method)
        assert "Accès refusé" in response.text


def test_the_public_list_names_only_routes_that_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}

    assert endpoints >= PUBLIC_ENDPOINTS
