"""Sign-in providers, each enabled by configuration, registered with authlib per application.

| key      | protocol                     | PKCE | e-mail trusted as verified             |
| vk       | VK ID (OAuth 2.1)            | S256 | never (VK does not say)               |
| yandex   | Yandex ID (OAuth 2)          | S256 | never                                  |
| google   | OpenID Connect               | S256 | when the ID token says email_verified |
| facebook | Facebook Login (OAuth 2)     | -    | never                                  |
| oidc     | any OpenID Connect provider  | S256 | when the ID token says email_verified |
"""

import os
from dataclasses import dataclass

from authlib.integrations.flask_client import OAuth

from app.identity.services import Profile

FB_GRAPH = "https://graph.facebook.com/v19.0"


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    is_oidc: bool


STATIC = {
    "vk": {
        "label": "VK ID",
        "authorize_url": "https://id.vk.com/authorize",
        "access_token_url": "https://id.vk.com/oauth2/auth",
        "client_kwargs": {
            "scope": "email",
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_post",
        },
    },
    "yandex": {
        "label": "Yandex ID",
        "authorize_url": "https://oauth.yandex.ru/authorize",
        "access_token_url": "https://oauth.yandex.ru/token",
        "client_kwargs": {
            "scope": "login:info login:email",
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_post",
        },
    },
    "google": {
        "label": "Google",
        "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
        "client_kwargs": {"scope": "openid email profile", "code_challenge_method": "S256"},
    },
    "facebook": {
        "label": "Facebook",
        "authorize_url": "https://www.facebook.com/v19.0/dialog/oauth",
        "access_token_url": f"{FB_GRAPH}/oauth/access_token",
        "client_kwargs": {"scope": "email public_profile", "token_endpoint_auth_method": "client_secret_post"},
    },
}
ORDER = ("vk", "yandex", "google", "facebook", "oidc")


def config_defaults(app) -> None:
    for key in STATIC:
        for part in ("CLIENT_ID", "CLIENT_SECRET"):
            name = f"OAUTH_{key.upper()}_{part}"
            app.config.setdefault(name, os.environ.get(name, ""))
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        app.config.setdefault(name, os.environ.get(name, ""))
    app.config.setdefault("OIDC_NAME", os.environ.get("OIDC_NAME", "SSO"))
    app.config.setdefault("OIDC_LEEWAY", int(os.environ.get("OIDC_LEEWAY", "60")))  # seconds of clock skew


def init_oauth(app) -> None:
    oauth = OAuth(app)
    enabled = []
    for key in ORDER:
        if key == "oidc":
            issuer = app.config["OIDC_ISSUER"].rstrip("/")
            if not (issuer and app.config["OIDC_CLIENT_ID"]):
                continue
            oauth.register(
                "oidc",
                client_id=app.config["OIDC_CLIENT_ID"],
                client_secret=app.config["OIDC_CLIENT_SECRET"],
                server_metadata_url=f"{issuer}/.well-known/openid-configuration",
                client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
            )
            enabled.append(Provider("oidc", app.config["OIDC_NAME"], True))
            continue
        client_id = app.config[f"OAUTH_{key.upper()}_CLIENT_ID"]
        if not client_id:
            continue
        options = dict(STATIC[key])
        label = options.pop("label")
        oauth.register(
            key, client_id=client_id, client_secret=app.config[f"OAUTH_{key.upper()}_CLIENT_SECRET"], **options
        )
        enabled.append(Provider(key, label, "server_metadata_url" in options))
    app.extensions["otklik.oauth"] = oauth
    app.extensions["otklik.sign_in_providers"] = tuple(enabled)


def enabled_providers(app) -> tuple[Provider, ...]:
    return app.extensions.get("otklik.sign_in_providers", ())


def client_for(app, key: str):
    if key not in {provider.key for provider in enabled_providers(app)}:
        return None
    return app.extensions["otklik.oauth"].create_client(key)


def token_extras(key: str, args) -> dict:
    """Extra parameters of the token request: VK ID sends the device_id back with the code and wants it again."""
    return {"device_id": args.get("device_id", "")} if key == "vk" else {}


def profile_from(key: str, client, token: dict) -> Profile:
    """Who signed in, from the validated ID token (OIDC) or the provider's user-info API (OAuth 2)."""
    if key in ("google", "oidc"):
        claims = dict(token.get("userinfo") or {})
        if claims.get("sub") and client.load_server_metadata().get("userinfo_endpoint"):
            extra = client.userinfo(token=token)  # many providers keep name and e-mail out of the ID token
            if str(extra.get("sub")) == str(claims["sub"]):
                claims = {**extra, **claims}
        return Profile(
            key,
            str(claims.get("sub") or ""),
            claims.get("name") or claims.get("preferred_username") or "",
            claims.get("email") or "",
            claims.get("email_verified") is True,
        )
    if key == "vk":
        data = client.post(
            "https://id.vk.com/oauth2/user_info",
            token=token,
            data={"client_id": client.client_id, "access_token": token["access_token"]},
        ).json()
        user = data.get("user") or {}
        name = " ".join(part for part in (user.get("first_name"), user.get("last_name")) if part)
        return Profile("vk", str(user.get("user_id") or token.get("user_id") or ""), name, user.get("email") or "")
    if key == "yandex":
        data = client.get("https://login.yandex.ru/info", params={"format": "json"}, token=token).json()
        return Profile(
            "yandex",
            str(data.get("id") or ""),
            data.get("real_name") or data.get("login") or "",
            data.get("default_email") or "",
        )
    data = client.get(f"{FB_GRAPH}/me", params={"fields": "id,name,email"}, token=token).json()
    return Profile("facebook", str(data.get("id") or ""), data.get("name") or "", data.get("email") or "")
