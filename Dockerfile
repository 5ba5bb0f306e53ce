# labgate's container image: 'labgate serve' on a Java 17 runtime, as a user without privileges,
# keeping its data (embedded database, work directories, git mirrors) in the volume /var/lib/labgate.
# Built by the release pipelines from bot/target/labgate.jar:
#   mvn -DskipTests package && docker build --build-arg VERSION=$(release/version) -t labgate .
FROM eclipse-temurin:17-jre

ARG VERSION=unknown
LABEL org.opencontainers.image.title="labgate" \
      org.opencontainers.image.description="Connects Git forges to Linux kernel test labs" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"

# curl for the health check; bubblewrap for the command lab's sandbox (it needs user namespaces,
# which a container runtime may have to allow: see docs/deploy.md).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends curl bubblewrap \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 labgate \
    && useradd --system --uid 10001 --gid labgate --home-dir /var/lib/labgate --shell /usr/sbin/nologin labgate \
    && mkdir -p /var/lib/labgate /etc/labgate \
    && chown labgate:labgate /var/lib/labgate

COPY bot/target/labgate.jar /opt/labgate/labgate.jar
COPY deploy/jvm.options /opt/labgate/jvm.options
COPY policy/example.yml /etc/labgate/policy.yml

ENV LABGATE_DATA_DIR=/var/lib/labgate \
    LABGATE_POLICY=/etc/labgate/policy.yml \
    MICRONAUT_SERVER_PORT=8080

USER 10001:10001
WORKDIR /var/lib/labgate
VOLUME ["/var/lib/labgate"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD curl --fail --silent --show-error http://127.0.0.1:8080/health || exit 1

# The JVM options ./labgate and the systemd unit run with too (the serial collector, the heap's
# sizes, the JIT's thresholds): see deploy/jvm.options.
ENTRYPOINT ["java", "@/opt/labgate/jvm.options", "-jar", "/opt/labgate/labgate.jar"]
CMD ["serve"]
