"""gunicorn settings shared by every instance: `gunicorn -c deploy/gunicorn.conf.py clinic.wsgi ...`
(deploy/systemd/clinic-web@.service; docs/deployment.md).

Nothing in a request decides the application's paths at this hop. By default gunicorn trusts
forwarding headers from 127.0.0.1, which is where nginx and Varnish connect from, and takes a
`SCRIPT_NAME` header as the application's path prefix: a client whose header got through would
move request.path under Django (`/x/admin/...`) and into the caches. Django fixes its script name
itself (FORCE_SCRIPT_NAME) and reads the scheme and the client's address from headers it names
(SECURE_PROXY_SSL_HEADER, CLIENT_IP_HEADER), which the proxy overwrites; gunicorn trusts none."""

# No front end may set forwarding or scheme headers (gunicorn's default trusts loopback).
forwarded_allow_ips = ""
# No request header maps into the WSGI environ as SCRIPT_NAME, PATH_INFO or REMOTE_USER.
forwarder_headers = ""
# Header names with underscores (SCRIPT_NAME, Script_Name) are dropped, never mapped.
header_map = "drop"
