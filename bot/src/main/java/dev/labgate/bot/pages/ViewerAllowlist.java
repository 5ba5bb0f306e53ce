package dev.labgate.bot.pages;

import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Keeps the run pages, their JSON and the build artifacts to the configured networks, when some
 * are configured (the LAVA workers that download kernels must then be among them). The
 * address checked is the one the connection comes from: behind a reverse proxy that is the proxy,
 * so restrict viewers at the proxy instead. Built at start, so that a bad range stops the service
 * with the reason rather than at the first page view.
 */
@Context
@ServerFilter({"/runs", "/runs/**", "/labs", "/api/runs", "/api/runs/**", "/api/labs", "/failed", "/api/deliveries",
        "/api/deliveries/**", "/artifacts/**"})
public final class ViewerAllowlist {

    private static final Logger LOG = LoggerFactory.getLogger(ViewerAllowlist.class);

    private final List<Network> allowed;

    public ViewerAllowlist(PagesSettings settings) {
        this.allowed = settings.allowedNetworks().orElse(List.of()).stream().filter(s -> !s.isBlank())
                .map(Network::parse).toList();
        if (!allowed.isEmpty()) {
            LOG.info("run pages are open to {} only", allowed);
        }
    }

    @RequestFilter
    @Nullable
    public HttpResponse<String> check(HttpRequest<?> request) {
        if (allowed.isEmpty()) {
            return null;
        }
        var address = request.getRemoteAddress().getAddress();
        if (address != null && allowed.stream().anyMatch(n -> n.contains(address))) {
            return null;
        }
        return HttpResponse.<String>status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN_TYPE)
                .body("labgate's run pages are open to the operator's listed networks only.\n");
    }
}
