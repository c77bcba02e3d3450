# tokengate's image: built with the Maven wrapper on Temurin 17, run on Temurin 25 with an AOT cache (docs/deploying.md, "The
# container image": why these flags, and the start-up and memory they were measured at).
#
# Base images are pinned by digest, so a rebuild gets the same JDK until someone decides otherwise. To update, take
# the digest of the tag's current index and replace it here (and in the tag comment if the tag changes):
#   docker buildx imagetools inspect eclipse-temurin:25-jre --format '{{json .Manifest.Digest}}'
#   docker buildx imagetools inspect eclipse-temurin:17-jdk --format '{{json .Manifest.Digest}}'

# eclipse-temurin:17-jdk
FROM eclipse-temurin:17-jdk@sha256:b624cb9175b71aaeb654dd9def666035332d5abf70318537c1a46e61564dbecd AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
# The jar extracted into Spring Boot's layers (an AOT cache does not read classes inside a jar's jars): dependencies
# change rarely, the application every build, so a new build ships and pulls one small layer.
RUN ./mvnw -B -q package -DskipTests \
    && java -Djarmode=tools -jar target/tokengate.jar extract --layers --destination /extracted

# eclipse-temurin:25-jre
FROM eclipse-temurin:25-jre@sha256:fcd7fd7b387f94bb2ac461478a7436ad8e349924c374ea8313919624dceae636
# A numeric user and group, so Kubernetes' runAsNonRoot can verify them without reading /etc/passwd.
RUN groupadd --system --gid 10001 tokengate \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin tokengate
WORKDIR /app
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
# Sized for a container's memory limit: heap half of it, Netty's direct buffers capped (by default they may take as
# much as the heap), the serial collector (as cheap per request as G1 here, and no extra threads), and exit on
# OutOfMemoryError so the orchestrator restarts a clean process. Override the whole line with JDK_JAVA_OPTIONS.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=50 -XX:MaxDirectMemorySize=128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
# The AOT cache (JEP 483, 514) of the classes one start loads and links, trained here with the flags above by starting
# the gateway up to its refreshed context, which needs no Redis. It halves the start (docs/deploying.md). /app belongs to root:
# the process writes only to /tmp (the JVM's perf data, Netty's native library), which a read-only root filesystem
# must mount writable (an emptyDir in Kubernetes, a tmpfs in compose).
RUN java -XX:AOTCacheOutput=/app/tokengate.aot -Dspring.context.exit=onRefresh -jar tokengate.jar >/dev/null
USER 10001:10001
# 8080 clients; 8443 clients over TLS, where SERVER_PORT=8443 and an SSL bundle say so (the Helm chart's tls.enabled);
# 8081 the management port (health, Prometheus, admin API), on 127.0.0.1 unless MANAGEMENT_SERVER_ADDRESS says
# otherwise (compose and Kubernetes set 0.0.0.0 and restrict who reaches it).
EXPOSE 8080 8443 8081
# The readiness probe over bash's /dev/tcp: the JRE image needs no curl for it. Healthy once started and until
# shutdown begins; Redis is left out on purpose (docs/operations.md, "Health and metrics").
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-XX:AOTCache=/app/tokengate.aot", "-jar", "/app/tokengate.jar"]
