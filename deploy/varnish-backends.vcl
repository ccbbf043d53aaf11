# The gunicorn instances behind Varnish (included by varnish.vcl). One line per server; the
# health probe takes an instance out of the rotation while /healthz does not answer 200.
import directors;

probe healthz {
    # Django answers only to its DJANGO_ALLOWED_HOSTS: ask with the site's host name.
    .request =
        "GET /healthz HTTP/1.1"
        "Host: www.example-clinic.com"
        "Connection: close";
    .timeout = 2s;
    .interval = 5s;
    .window = 5;
    .threshold = 3;
}

backend app_a {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = healthz;
}

backend app_b {
    .host = "127.0.0.1";
    .port = "8002";
    .probe = healthz;
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app_a);
    app.add_backend(app_b);
}
