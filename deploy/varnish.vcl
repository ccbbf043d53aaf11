# Varnish 7 in front of the clinic's gunicorn instances (docs/deployment.md, "Front cache").
#
# Anonymous GETs of public pages are cached as long as Django's Cache-Control allows; the admin,
# the booking pages, anyone with a session or CSRF cookie, and every POST go straight through.
# Wagtail purges a published page's URLs with PURGE, and the site bans every cached page of
# the site with BAN after any content change (clinic/frontend_cache.py).
#
# varnishd listens twice (deploy/systemd/clinic-varnish.service):
#   -a public=127.0.0.1:6081   visitors' requests, from nginx; PURGE and BAN refused here
#   -a purge=127.0.0.1:6091    PURGE and BAN from the site's servers (FRONTEND_CACHE_URLS), nothing else
# nginx forwards whatever method a client sends, and it connects from 127.0.0.1 like the site
# does: which listener a request came in on says who sent it; its address does not.
vcl 4.1;

import std;

# The backends and the round-robin director `app`: one file per installation (or test run),
# found through varnishd's vcl_path. deploy/varnish-backends.vcl is the two-server example.
include "varnish-backends.vcl";

# Who may use the purge listener: the site's servers (add the others' addresses when several).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    # One cache entry per host, whatever port the client or the proxy put in Host.
    set req.http.Host = std.tolower(regsub(req.http.Host, ":[0-9]+$", ""));
    # gunicorn takes SCRIPT_NAME (and would take PATH_INFO, REMOTE_USER) from request headers of
    # that name; nothing a client sends may choose the application's paths. Names are
    # case-insensitive here; the dashed spellings are dropped as well.
    unset req.http.SCRIPT_NAME;
    unset req.http.Script-Name;
    unset req.http.PATH_INFO;
    unset req.http.Path-Info;
    unset req.http.REMOTE_USER;
    unset req.http.Remote-User;

    if (local.socket == "purge") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.method == "PURGE") {
            # A page's own URL, under every host name and scheme it was cached for.
            ban("obj.http.X-Cache-Site == " + req.http.Host + " && obj.http.X-Cache-Url == " + req.url);
            return (synth(200, "Purged"));
        }
        if (req.method == "BAN") {
            # Every page of the site, whatever host name it was asked for under (X-Cache-Site, below).
            # Lurker-friendly: matches stored object headers, not the request.
            ban("obj.http.X-Cache-Site == " + req.http.Host);
            return (synth(200, "Banned"));
        }
        return (synth(405, "Only PURGE and BAN on this listener"));
    }
    if (req.method == "PURGE" || req.method == "BAN") {
        return (synth(405, "Not allowed"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff, patients' forms and the manage links, staff calendar feeds, Wagtail's sign-in for
    # private pages: never cached or shared, and their query strings reach Django whole (?next=...).
    if (req.url ~ "^/(admin|book|es/reservar|_util|calendar-feed)(/|\?|$)" || req.url ~ "^/healthz") {
        return (pass);
    }
    # Someone logged in (session) or holding a form token (CSRF): their pages are their own.
    # (Production names them __Host-sessionid and __Host-csrftoken.)
    if (req.http.Cookie ~ "(^|;\s*)(__Host-)?(sessionid|csrftoken)=") {
        return (pass);
    }
    # Anonymous visitor: no other cookie changes what Django renders.
    unset req.http.Cookie;
    # Nor does the browser's language: the path says the language (/es/... Spanish, the rest
    # English) and each URL is one entry, so neither language is ever served for the other, and
    # no response varies on Accept-Language. A browser preferring Spanish is offered /es/ by
    # static/js/language-offer.js (docs/caching.md, "Languages").
    unset req.http.Accept-Language;

    # Only the query parameters some page reads are kept, in a fixed order: ?utm_source=...,
    # ?fbclid=... and the like neither make an entry of their own nor reach Django. The list is
    # the union of what each page type and view reads (docs/caching.md; a test keeps it equal to
    # the site's declarations); Django's page cache then keys each page on its own ones only.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "(?<=[?&])(?!(?:concern|day|from|p|page|q|race)(?:=|&|$))[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }

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
    # What BAN and PURGE match on (removed again before delivery): the site the response belongs
    # to, which Django names in X-Cache-Site (its public host name) whatever Host it was asked
    # for under (www., the bare domain, any of DJANGO_ALLOWED_HOSTS); the Host when it does not.
    if (!beresp.http.X-Cache-Site) {
        set beresp.http.X-Cache-Site = bereq.http.Host;
    }
    set beresp.http.X-Cache-Url = bereq.url;

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
    # s-maxage or max-age set the lifetime. Without a Cache-Control a page (or a document) is kept
    # for a short while; publishing, and any change to a document or its collection's privacy, bans it.
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        set beresp.ttl = 5m;
    }
    set beresp.grace = 6h;
}

sub vcl_deliver {
    unset resp.http.X-Cache-Site;
    unset resp.http.X-Cache-Url;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
