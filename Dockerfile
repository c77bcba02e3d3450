# Builds target/tokengate.jar with the Maven wrapper, then runs it on a JRE.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 tokengate
USER tokengate
WORKDIR /app
COPY --from=build /src/target/tokengate.jar tokengate.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/tokengate.jar"]
