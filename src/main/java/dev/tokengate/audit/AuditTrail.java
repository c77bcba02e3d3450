package dev.tokengate.audit;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.ByteBufferRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.publisher.Mono;

/**
 * Records admin actions twice: as a log event ({@code tokengate.audit}, each field a key-value pair for the structured
 * formats and in the message for the plain one), which no Redis outage loses, and in a capped Redis stream that every
 * instance shares, which the admin API reads.
 */
public class AuditTrail {

    /** The log of admin actions; its level is INFO. */
    public static final String LOGGER = "tokengate.audit";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final Logger problems = LoggerFactory.getLogger(AuditTrail.class);

    private static final List<String> FIELDS =
            List.of("time", "action", "target", "actor", "address", "outcome", "status");

    private final SharedRedisConnection redis;
    private final RedisKeys keys;
    private final AuditProperties properties;

    public AuditTrail(SharedRedisConnection redis, RedisKeys keys, AuditProperties properties) {
        this.redis = redis;
        this.keys = keys;
        this.properties = properties;
    }

    /** Logs the entry, then adds it to the stream; a failure to add it is logged and never fails the caller. */
    public Mono<Void> record(AuditEntry entry) {
        log.atInfo()
                .addKeyValue("action", entry.action())
                .addKeyValue("target", entry.target())
                .addKeyValue("actor", entry.actor())
                .addKeyValue("address", entry.address())
                .addKeyValue("outcome", entry.outcome())
                .addKeyValue("status", entry.status())
                .log("action=" + entry.action() + " target=\"" + entry.target() + "\" actor=" + entry.actor()
                        + " address=" + entry.address() + " outcome=" + entry.outcome() + " status=" + entry.status());
        Map<ByteBuffer, ByteBuffer> fields = new LinkedHashMap<>();
        List<String> values = List.of(
                entry.time().toString(),
                entry.action(),
                entry.target(),
                entry.actor(),
                entry.address(),
                entry.outcome(),
                Integer.toString(entry.status()));
        for (int i = 0; i < FIELDS.size(); i++) {
            fields.put(bytes(FIELDS.get(i)), bytes(values.get(i)));
        }
        ByteBufferRecord record =
                StreamRecords.newRecord().in(bytes(keys.audit())).ofBuffer(fields);
        return redis.connection()
                .flatMap(connection -> connection
                        .streamCommands()
                        .xAdd(
                                record,
                                XAddOptions.maxlen(properties.maxEntries()).approximateTrimming(true)))
                .doOnError(error -> problems.warn(
                        "Could not add '{} {}' to the audit stream (it is in the log): {}",
                        entry.action(),
                        entry.target(),
                        error.toString()))
                .onErrorComplete()
                .then();
    }

    /** The newest entries first, at most {@code limit}, none older than {@code since} (null: no bound). */
    public Mono<List<AuditEntry>> read(int limit, Instant since) {
        Range<String> range = since == null
                ? Range.unbounded()
                : Range.rightUnbounded(Range.Bound.inclusive(since.toEpochMilli() + "-0"));
        return redis.connection()
                .flatMapMany(connection -> connection
                        .streamCommands()
                        .xRevRange(bytes(keys.audit()), range, Limit.limit().count(limit)))
                .map(AuditTrail::entryOf)
                .collectList();
    }

    private static AuditEntry entryOf(ByteBufferRecord record) {
        Map<String, String> fields = new LinkedHashMap<>();
        record.getValue().forEach((field, value) -> fields.put(text(field), text(value)));
        String status = fields.getOrDefault("status", "0");
        return new AuditEntry(
                Instant.parse(fields.getOrDefault("time", Instant.EPOCH.toString())),
                fields.get("action"),
                fields.get("target"),
                fields.get("actor"),
                fields.get("address"),
                fields.get("outcome"),
                status.chars().allMatch(Character::isDigit) && !status.isEmpty() ? Integer.parseInt(status) : 0);
    }

    private static ByteBuffer bytes(String value) {
        return ByteUtils.getByteBuffer(value);
    }

    private static String text(ByteBuffer value) {
        return StandardCharsets.UTF_8.decode(value.duplicate()).toString();
    }
}
