package dev.aegis.proxy.http1;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A provider's answer as the rest of the proxy knows answers: status and headers now, the body as it arrives. */
record Http1Response(OutgoingRequest sent, int statusCode, HttpHeaders headers, InputStream body, SSLSession session)
        implements HttpResponse<InputStream> {

    /** The request as {@code java.net.http} holds one (made when asked: the proxy never asks). */
    @Override
    public HttpRequest request() {
        return sent.toHttpRequest();
    }

    @Override
    public Optional<HttpResponse<InputStream>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.ofNullable(session);
    }

    @Override
    public URI uri() {
        return sent.uri();
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }
}
