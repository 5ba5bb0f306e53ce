package dev.labgate.bot.http;

import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteMatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One allowlist for everything labgate serves: when networks are configured, every request from
 * another address is refused with 403, whatever its route, so that a route added later (pages,
 * JSON, management endpoints) is covered without opting in. Only the {@link #OPEN} routes answer
 * every address, each for a stated reason. The address checked is the one the connection comes
 * from: behind a reverse proxy that is the proxy, so restrict viewers at the proxy instead. Built
 * at start, so that a bad range stops the service with the reason rather than at the first request.
 */
@Context
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class NetworkAllowlist {

    /**
     * A route every address may call.
     *
     * @param route the route's URI template, as the controller declares it
     * @param values the values its variables must have, for a route that is open only in part
     */
    public record Opening(Set<HttpMethod> methods, String route, Map<String, String> values, String why) {
        boolean matches(HttpMethod method, UriRouteMatch<?, ?> match) {
            return methods.contains(method) && route.equals(match.getRouteInfo().getUriMatchTemplate().toString())
                    && values.entrySet().stream().allMatch(v -> v.getValue().equals(
                    String.valueOf(match.getVariableValues().get(v.getKey()))));
        }
    }

    /** The routes that answer every address. */
    public static final List<Opening> OPEN = List.of(
            new Opening(Set.of(HttpMethod.POST), "/webhooks/{forge}", Map.of(),
                    "forges deliver from their own addresses; a delivery proves itself with the forge's signature or "
                            + "token before anything is stored"),
            new Opening(Set.of(HttpMethod.POST), "/callbacks/lava/{runId}", Map.of(),
                    "labs call back from their own networks; a callback carries the token derived for its run"),
            new Opening(Set.of(HttpMethod.GET, HttpMethod.HEAD), "/health/{selector}", Map.of("selector", "liveness"),
                    "orchestrators probe liveness; the answer says only whether the process is alive"));

    private static final Logger LOG = LoggerFactory.getLogger(NetworkAllowlist.class);

    private final List<Network> allowed;

    public NetworkAllowlist(AllowlistSettings settings) {
        this.allowed = settings.allowedNetworks().orElse(List.of()).stream().filter(s -> !s.isBlank())
                .map(Network::parse).toList();
        if (!allowed.isEmpty()) {
            LOG.info("labgate answers {} only; open to every address: webhook deliveries, lab callbacks and "
                    + "/health/liveness", allowed);
        }
    }

    @RequestFilter
    @Nullable
    public HttpResponse<String> check(HttpRequest<?> request) {
        if (allowed.isEmpty()) {
            return null;
        }
        var address = request.getRemoteAddress().getAddress();
        if (address != null && allowed.stream().anyMatch(n -> n.contains(address)) || open(request)) {
            return null;
        }
        return HttpResponse.<String>status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN_TYPE)
                .body("labgate is open to the operator's listed networks only.\n");
    }

    private static boolean open(HttpRequest<?> request) {
        return RouteAttributes.getRouteMatch(request).filter(UriRouteMatch.class::isInstance)
                .map(match -> (UriRouteMatch<?, ?>) match)
                .map(match -> OPEN.stream().anyMatch(o -> o.matches(request.getMethod(), match))).orElse(false);
    }
}
