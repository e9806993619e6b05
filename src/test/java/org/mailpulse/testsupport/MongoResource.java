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
        // Outage tests stop and start the server from another class loader: hand them JDK-typed handles.
        System.getProperties().put(TestServers.MONGO_STOP, (Runnable) () -> server.close());
        System.getProperties().put(TestServers.MONGO_START, (Runnable) () -> server = EmbeddedMongoServer.start(port));
        return Map.of("quarkus.mongodb.connection-string", server.connectionString());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
