package org.mailpulse.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.mailpulse.embedded.EmbeddedMongoServer;
import org.mailpulse.embedded.FreePort;

import java.util.Map;

/** mongo-java-server over the MongoDB wire protocol. */
public class MongoResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedMongoServer server;

    @Override
    public Map<String, String> start() {
        server = EmbeddedMongoServer.start(FreePort.find());
        return Map.of("quarkus.mongodb.connection-string", server.connectionString());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
