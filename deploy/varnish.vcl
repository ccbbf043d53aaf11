# Varnish 7 in front of the clinic's gunicorn instances (docs/deployment.md, "Front cache").
#
# Anonymous GETs of public pages are cached as long as Django's Cache-Control allows; the admin,
# the booking pages, anyone with a session or CSRF cookie, and every POST go straight through.
# Wagtail purges a published page's URLs with PURGE, and the site bans every cached page of
# its host with BAN after any content change (clinic/frontend_cache.py); both only from here.
vcl 4.1;

import std;

# The backends and the round-robin director `app`: one file per installation (or test run),
# found through varnishd's vcl_path. deploy/varnish-backends.vcl is the two-server example.
include "varnish-backends.vcl";

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    # One cache entry per host, whatever port the client or the proxy put in Host.
    set req.http.Host = std.tolower(regsub(req.http.Host, ":[0-9]+$", ""));

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        # Lurker-friendly: matches stored object headers, not the request.
        ban("obj.http.x-cache-host == " + req.http.Host);
        return (synth(200, "Banned"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff, patients' forms, the manage links and staff calendar feeds are never cached or shared.
    if (req.url ~ "^/(admin|book|calendar-feed)(/|\?|$)" || req.url ~ "^/healthz") {
        return (pass);
    }
    # Someone logged in (session) or holding a form token (CSRF): their pages are their own.
    # (Production names them __Host-sessionid and __Host-csrftoken.)
    if (req.http.Cookie ~ "(^|;\s*)(__Host-)?(sessionid|csrftoken)=") {
        return (pass);
    }
    # Anonymous visitor: no other cookie changes what Django renders.
    unset req.http.Cookie;

    # While a backend is healthy serve at most 10 s stale; if all are down, up to the grace.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_hash {
    # Plain-HTTP requests get a redirect to HTTPS; never serve that to HTTPS visitors.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    # What BAN matches on (removed again before delivery).
    set beresp.http.x-cache-host = bereq.http.Host;

    if (beresp.status >= 500) {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # A response that sets a cookie belongs to one visitor.
    if (beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Django decides: no-store/no-cache/private are never stored (Varnish's built-in rules),
    # s-maxage or max-age set the lifetime. Without a Cache-Control a page is kept for a short
    # while; publishing bans it anyway.
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        set beresp.ttl = 5m;
    }
    set beresp.grace = 6h;
}

sub vcl_deliver {
    unset resp.http.x-cache-host;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
