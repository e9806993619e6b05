package org.mailpulse.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.mailpulse.embedded.EmbeddedMongoServer;
import org.mailpulse.embedded.FreePort;

import java.util.Map;

/** mongo-java-server over the MongoDB wire protocol. */
public class MongoResource implements QuarkusTestResourceLifecycleManager {

    private volatile EmbeddedMongoServer server;

    @Override
    public Map<String, String> start() {
        int port = FreePort.find();
        server = EmbeddedMongoServer.start(port);
        System.setProperty(TestServers.MONGO_URL, server.connectionString());
        ServerControl.publish(TestServers.MONGO, () -> server.stop(), () -> server.restart());
        return Map.of("quarkus.mongodb.connection-string", server.connectionString());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
