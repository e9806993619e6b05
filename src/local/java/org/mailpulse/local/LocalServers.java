package org.mailpulse.local;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.mailpulse.embedded.EmbeddedMongoServer;
import org.mailpulse.embedded.EmbeddedPostgresServer;
import org.mailpulse.embedded.EmbeddedSqsServer;
import org.mailpulse.embedded.FreePort;
import org.mailpulse.embedded.ses.SesSimulator;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the embedded stand-ins of the local run ({@code ./mvnw -Plocal quarkus:dev}) and hands their addresses
 * to the configuration. It runs as a config source because Flyway and the reactive datasource connect before
 * any start-up event. The servers live for the JVM: a live reload finds them through system properties (the
 * reloaded class loader has no memory of them) instead of starting a second set.
 */
public class LocalServers implements ConfigSourceFactory {

    static final String STARTED = "mailpulse-local.config";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        synchronized (System.class) {
            if (System.getProperty(STARTED) == null) {
                System.setProperty(STARTED, encode(start()));
            }
            return List.of(new PropertiesConfigSource(decode(System.getProperty(STARTED)), "mailpulse-local-servers", 275));
        }
    }

    private static Map<String, String> start() {
        Path dataDirectory = Path.of(System.getProperty("mailpulse.local.data-dir", "target-local/pgdata")).toAbsolutePath();
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDirectory, FreePort.preferred(15432));
        EmbeddedSqsServer sqs = EmbeddedSqsServer.start(FreePort.preferred(9324));
        EmbeddedMongoServer mongo = EmbeddedMongoServer.start(FreePort.preferred(27018));
        // The SES mailbox simulator: mail to success@, bounce@, complaint@, ooto@ or suppressionlist@simulator.amazonses.com
        // produces the matching SES events on the local queue; any other address is delivered.
        SesSimulator ses = SesSimulator.start(FreePort.preferred(8005), SesSimulator.Options.defaults()
                .withEventsQueue(sqs.endpoint(), sqs.inputQueueUrl()).withEventDelay(java.time.Duration.ofMillis(300)));
        // The simulated account's quota, e.g. -Dmailpulse.local.ses.max-24-hour-send=200 -Dmailpulse.local.ses.max-send-rate=1 (a sandbox)
        ses.account().quota(Double.parseDouble(System.getProperty("mailpulse.local.ses.max-24-hour-send", "50000")),
                Double.parseDouble(System.getProperty("mailpulse.local.ses.max-send-rate", "14")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ses.close();
            mongo.close();
            sqs.close();
            postgres.close();
        }, "mailpulse-local-servers-stop"));

        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.username", EmbeddedPostgresServer.username());
        config.put("quarkus.datasource.password", "");
        config.put("quarkus.mongodb.connection-string", mongo.connectionString());
        for (String service : List.of("sqs", "ses")) {
            config.put("quarkus." + service + ".aws.region", EmbeddedSqsServer.REGION);
            config.put("quarkus." + service + ".aws.credentials.type", "static");
            config.put("quarkus." + service + ".aws.credentials.static-provider.access-key-id", EmbeddedSqsServer.ACCESS_KEY);
            config.put("quarkus." + service + ".aws.credentials.static-provider.secret-access-key", EmbeddedSqsServer.SECRET_KEY);
        }
        config.put("quarkus.sqs.endpoint-override", sqs.endpoint());
        config.put("quarkus.ses.endpoint-override", ses.endpoint());
        config.put("mailpulse.ingest.queue-url", sqs.inputQueueUrl());
        config.put("mailpulse-local.ses-store", ses.endpoint() + SesSimulator.CONTROL_PATH + "sent");
        return config;
    }

    private static String encode(Map<String, String> config) {
        StringBuilder text = new StringBuilder();
        config.forEach((key, value) -> text.append(key).append('\u0001').append(value).append('\u0002'));
        return text.toString();
    }

    private static Map<String, String> decode(String text) {
        Map<String, String> config = new HashMap<>();
        for (String entry : text.split("\u0002")) {
            if (!entry.isEmpty()) {
                String[] parts = entry.split("\u0001", 2);
                config.put(parts[0], parts[1]);
            }
        }
        return config;
    }
}
