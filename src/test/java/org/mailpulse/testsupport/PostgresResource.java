package org.mailpulse.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.mailpulse.embedded.EmbeddedPostgresServer;
import org.mailpulse.embedded.FreePort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Embedded PostgreSQL for the whole test run; tests reach it through {@link TestServers}. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgresServer server;

    @Override
    public Map<String, String> start() {
        try {
            Path dataDirectory = Files.createTempDirectory("mailpulse-test-pg");
            server = EmbeddedPostgresServer.start(dataDirectory, FreePort.find());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(TestServers.PG_DATA_DIR, server.dataDirectory().toString());
        System.setProperty(TestServers.PG_JDBC_URL, server.jdbcUrl());
        return Map.of(
                "quarkus.datasource.jdbc.url", server.jdbcUrl(),
                "quarkus.datasource.reactive.url", server.reactiveUrl(),
                "quarkus.datasource.username", EmbeddedPostgresServer.username(),
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
