import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where one protocol's CPU per request goes beyond another's: java bench/StackDiff.java a.collapsed requests-a
 * b.collapsed requests-b
 *
 * <p>Reads two async-profiler recordings in collapsed form (one line per stack, frames separated by {@code ;}, then
 * the sample count), sampled every millisecond of CPU, and prints for each the µs of CPU per request that pass
 * through each stage of the request path (inclusive: stages nest, so they do not add up), then the frames whose own
 * time (on top of the stack) per request grew the most from a to b.
 */
public class StackDiff {

    /** A stage of the request path, and the frames (substrings) that put a sample in it. */
    private record Stage(String name, List<String> frames) {}

    private static final List<Stage> STAGES = List.of(
            new Stage("all samples", List.of("")),
            new Stage("TLS records in (decrypt, then what the request sets off)", List.of("SslHandler.unwrap")),
            new Stage(
                    "request intake (HTTP/1.1 codec, or HTTP/2 stream channel and conversion)",
                    List.of("HttpTrafficHandler.channelRead", "Http2StreamBridgeServerHandler.channelRead")),
            new Stage("HPACK, in", List.of("HpackDecoder")),
            new Stage("WebFlux and the gateway's filters", List.of("HttpServer$HttpServerHandle.onStateChange")),
            new Stage("upstream answer, and writing it to the client", List.of("HttpClientOperations.onInboundNext")),
            new Stage(
                    "the client's answer: write and flush",
                    List.of("HttpServerOperations.onOutboundComplete", "HttpOperations.lambda$send")),
            new Stage("HTTP/2 stream channel write", List.of("AbstractHttp2StreamChannel.writeAndFlush")),
            new Stage("HPACK, out", List.of("HpackEncoder")),
            new Stage("socket sends (kernel)", List.of("__sys_sendto")),
            new Stage("JVM threads (garbage collection, JIT compiler)", List.of("thread_native_entry")));

    public static void main(String[] args) throws IOException {
        Map<String, Double> a = inclusivePerRequest(Path.of(args[0]), Double.parseDouble(args[1]));
        Map<String, Double> b = inclusivePerRequest(Path.of(args[2]), Double.parseDouble(args[3]));
        System.out.println("| stage | a: µs/request | b: µs/request | b − a |");
        System.out.println("|---|---|---|---|");
        for (Stage stage : STAGES) {
            double x = a.getOrDefault(stage.name(), 0.0);
            double y = b.getOrDefault(stage.name(), 0.0);
            System.out.printf("| %s | %.1f | %.1f | %+.1f |%n", stage.name(), x, y, y - x);
        }
        System.out.println();
        System.out.println("| frame (self: on top of the stack) | a: µs/request | b: µs/request | b − a |");
        System.out.println("|---|---|---|---|");
        Set<String> frames = new HashSet<>(a.keySet());
        frames.addAll(b.keySet());
        frames.stream()
                .filter(frame -> frame.startsWith("frame "))
                .sorted((x, y) -> Double.compare(
                        b.getOrDefault(y, 0.0) - a.getOrDefault(y, 0.0), b.getOrDefault(x, 0.0) - a.getOrDefault(x, 0.0)))
                .limit(25)
                .forEach(frame -> System.out.printf(
                        "| `%s` | %.1f | %.1f | %+.1f |%n",
                        frame.substring("frame ".length()),
                        a.getOrDefault(frame, 0.0),
                        b.getOrDefault(frame, 0.0),
                        b.getOrDefault(frame, 0.0) - a.getOrDefault(frame, 0.0)));
    }

    /** Samples (milliseconds of CPU) per thousand requests, that is µs per request, by stage and by frame. */
    private static Map<String, Double> inclusivePerRequest(Path collapsed, double requests) throws IOException {
        Map<String, Double> perRequest = new HashMap<>();
        try (Stream<String> lines = Files.lines(collapsed)) {
            lines.forEach(line -> {
                int space = line.lastIndexOf(' ');
                String stack = line.substring(0, space);
                double micros = Long.parseLong(line.substring(space + 1)) * 1000 / requests;
                for (Stage stage : STAGES) {
                    if (stage.frames().stream().anyMatch(stack::contains)) {
                        perRequest.merge(stage.name(), micros, Double::sum);
                    }
                }
                perRequest.merge("frame " + stack.substring(stack.lastIndexOf(';') + 1), micros, Double::sum);
            });
        }
        return perRequest;
    }
}
