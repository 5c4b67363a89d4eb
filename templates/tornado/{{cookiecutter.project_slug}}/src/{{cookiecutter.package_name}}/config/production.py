# Options for production, read by tornado.options.parse_config_file (this file is Python).
# Environment variables and the command line override it. See options.py for every option.

debug = False
# Log failed requests (4xx, 5xx) only: a line for every request costs about a fifth more CPU
# per request. {{ cookiecutter.__env_prefix }}ACCESS_LOG=true logs every request again.
access_log = False
