package dev.tokengate.access;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/** The trace a request belongs to, when tracing is on: its server observation carries the span. */
final class TraceIds {

    private TraceIds() {}

    /** The request's trace id (32 hex digits), or null when tracing is off. */
    static String of(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> context.<TracingContext>get(TracingContext.class))
                .map(TracingContext::getSpan)
                .map(Span::context)
                .map(TraceContext::traceId)
                .orElse(null);
    }
}
