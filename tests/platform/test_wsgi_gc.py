"""airbnb.wsgi leaves the start-up objects out of the garbage collector's passes (airbnb/wsgi.py)."""

import json
import os
import subprocess
import sys

from django.conf import settings


def test_a_serving_process_freezes_its_start_up_objects_and_collects_young_objects_less_often():
    code = (
        "import gc, json\n"
        "from airbnb.wsgi import application\n"
        "print(json.dumps([gc.get_freeze_count(), gc.get_threshold()[0]]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "airbnb.settings.test"}
    answer = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    frozen, threshold = json.loads(answer.stdout.strip().splitlines()[-1])
    assert frozen > 50_000  # Django and the apps: full passes no longer walk them
    assert threshold == 5000
