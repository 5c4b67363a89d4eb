# Options for the test suite, read by tornado.options.parse_config_file (this file is Python).

logging = "warning"
poll_timeout = 2.0
max_waiters = 50
history = 20
upstream_connect_timeout = 1.0
upstream_request_timeout = 2.0
max_clients = 4
