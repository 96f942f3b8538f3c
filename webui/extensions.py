"""Objects shared by the app factory and the blueprints: the login manager and the UI languages.

A leaf module, so a blueprint never imports the ``webui`` package itself (which
imports every blueprint in :func:`webui.create_app`): no import cycle.
"""
from __future__ import annotations

from flask_login import LoginManager

login_manager = LoginManager()

#: The UI languages: locale -> name shown in the switch.
LANGUAGES = {"zh_CN": "中文", "en": "English"}
