package org.mailpulse.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB wire-protocol server in memory (mongo-java-server). It accepts but does not enforce secondary
 * indexes and never expires TTL documents, so nothing in MailPulse relies on either for correctness.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private final MongoServer server;
    private final int port;

    private EmbeddedMongoServer(MongoServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedMongoServer start(int port) {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", port);
        return new EmbeddedMongoServer(server, port);
    }

    public int port() {
        return port;
    }

    public String connectionString() {
        return "mongodb://localhost:" + port;
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
