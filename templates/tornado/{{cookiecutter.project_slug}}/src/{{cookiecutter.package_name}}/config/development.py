# Options for development, read by tornado.options.parse_config_file (this file is Python).
# Environment variables and the command line override it. See options.py for every option.

# Autoreload on code and template changes, tracebacks in error responses, no template cache.
debug = True
logging = "debug"
poll_timeout = 30.0
