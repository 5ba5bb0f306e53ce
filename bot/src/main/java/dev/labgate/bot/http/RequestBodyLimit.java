package dev.labgate.bot.http;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.exceptions.BufferLengthExceededHandler;
import io.micronaut.http.server.exceptions.ContentLengthExceededHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * The answer to a body over the one limit, {@code labgate.max-body-size}, which application.yml
 * gives to both of Micronaut's limits (the request's size, and what it buffers for a controller):
 * 413 with the limit and the setting that moves it, before anything is stored. The server refuses
 * an announced length over the limit before reading it, and a streamed body as soon as it passes it.
 */
@Factory
final class RequestBodyLimit {

    private final long limit;

    RequestBodyLimit(HttpServerConfiguration server) {
        this.limit = server.getMaxRequestSize();
    }

    @Singleton
    @Replaces(ContentLengthExceededHandler.class)
    ExceptionHandler<ContentLengthExceededException, HttpResponse<?>> overTheLimit() {
        return (request, exception) -> tooLarge();
    }

    @Singleton
    @Replaces(BufferLengthExceededHandler.class)
    ExceptionHandler<BufferLengthExceededException, HttpResponse<?>> overTheBuffer() {
        return (request, exception) -> tooLarge();
    }

    private HttpResponse<?> tooLarge() {
        return HttpResponse.status(HttpStatus.REQUEST_ENTITY_TOO_LARGE).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(Map.of("error", "the body is larger than " + limit + " bytes, the most labgate takes "
                        + "(labgate.max-body-size)"));
    }
}
