import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "airbnb.settings.dev")
application = get_wsgi_application()

# The garbage collector in a serving process (gunicorn imports this in each worker). The ~120,000
# objects loaded at start-up (Django, the apps, their modules) live as long as the process: frozen,
# the collector's full passes leave them out (a pass over them took 45-65 ms, a pause landing in
# some request). The youngest generation is collected every 5,000 allocations instead of 700: a
# search allocates about 10,000 container objects, most freed by reference counting before the
# pass, and the fewer passes halve the collector's time per request (0.36 -> 0.18 ms measured).
gc.collect()
gc.freeze()
gc.set_threshold(5000, 10, 10)
