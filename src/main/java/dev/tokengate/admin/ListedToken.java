package dev.tokengate.admin;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.token.TokenHashing;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A live token, without anything that would let one use it.
 *
 * @param id the token's hash, which every admin call about one token takes
 * @param label null when it has none
 * @param createdAt null for a token the admin API did not issue
 * @param expiresAt null for a token without expiry
 * @param lastUsedAt null when no instance has recorded a use (within {@code tokengate.last-used.retention})
 * @param hashPrefix the first digits of {@code id}, as listed before there was one
 * @param expiresInSeconds -1 for a token without expiry
 * @param kind {@code token}, or {@code certificate} for a client certificate's registration, whose id is its fingerprint
 * @param subject a certificate's subject, {@code ?} when it was registered by fingerprint alone; null for a token
 */
record ListedToken(
        String id,
        String user,
        String scopes,
        String label,
        Instant createdAt,
        Instant expiresAt,
        Instant lastUsedAt,
        String hashPrefix,
        long expiresInSeconds,
        String kind,
        String subject) {

    static final String TOKEN = "token";
    static final String CERTIFICATE = "certificate";

    static ListedToken of(String hash, Map<String, String> fields, Optional<Instant> lastUsed, long ttlMillis) {
        boolean expires = ttlMillis >= 0;
        String label = fields.get(RedisKeys.LABEL_FIELD);
        String created = fields.get(RedisKeys.CREATED_FIELD);
        String subject = fields.get(RedisKeys.CERTIFICATE_FIELD);
        return new ListedToken(
                hash,
                fields.get(RedisKeys.USER_FIELD),
                fields.getOrDefault(RedisKeys.SCOPES_FIELD, ""),
                label == null || label.isEmpty() ? null : label,
                created == null || created.isEmpty() || !created.chars().allMatch(Character::isDigit)
                        ? null
                        : Instant.ofEpochMilli(Long.parseLong(created)),
                expires ? Instant.now().plusMillis(ttlMillis) : null,
                lastUsed.orElse(null),
                TokenHashing.shortId(hash),
                expires ? ttlMillis / 1000 : -1,
                subject == null ? TOKEN : CERTIFICATE,
                subject);
    }

    /** Neither used nor issued since then, as far as is known. */
    boolean unusedSince(Instant cutoff) {
        return (lastUsedAt == null || lastUsedAt.isBefore(cutoff)) && (createdAt == null || createdAt.isBefore(cutoff));
    }
}
