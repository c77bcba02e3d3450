# Builds target/tokengate.jar (Java 17 bytecode) with the Maven wrapper, then runs it on Temurin 25 with an AOT cache:
# with the container's GC and heap settings, 4 % less CPU per request than JDK 17, and with the cache ready in about
# 5 s instead of 10 (README, "Runtime: JDK 25 with an AOT cache").
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests \
    && java -Djarmode=tools -jar target/tokengate.jar extract --destination /extracted

FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 tokengate
WORKDIR /app
# The jar extracted (an AOT cache does not read classes inside a jar's jars), and the AOT cache (JEP 483, 514) of
# the classes one start loads and links, trained here by starting the gateway up to its refreshed context; that needs
# no Redis.
COPY --from=build /extracted/ ./
RUN java -XX:AOTCacheOutput=tokengate.aot -Dspring.context.exit=onRefresh -jar tokengate.jar >/dev/null
USER tokengate
EXPOSE 8080
ENTRYPOINT ["java", "-XX:AOTCache=/app/tokengate.aot", "-jar", "/app/tokengate.jar"]
