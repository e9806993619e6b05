package org.mailpulse.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB wire-protocol server in memory (mongo-java-server). It accepts but does not enforce secondary
 * indexes and never expires TTL documents, so nothing in MailPulse relies on either for correctness.
 * {@link #stop()} and {@link #restart()} play an outage: clients are cut off, the documents survive.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private final MemoryBackend documents = new KeptDocuments();
    private final int port;
    private volatile MongoServer server;

    private EmbeddedMongoServer(int port) {
        this.port = port;
    }

    public static EmbeddedMongoServer start(int port) {
        EmbeddedMongoServer mongo = new EmbeddedMongoServer(port);
        mongo.restart();
        return mongo;
    }

    /** Closes the port and every client connection. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** Listens again on the same port, over the same documents. */
    public synchronized void restart() {
        if (server == null) {
            MongoServer listening = new MongoServer(documents);
            listening.bind("127.0.0.1", port);
            server = listening;
        }
    }

    /** MongoServer closes its backend on shutdown, which drops every database; an outage must not. */
    private static final class KeptDocuments extends MemoryBackend {
        @Override
        public void close() {
            // Kept for the next restart; the documents go with the JVM.
        }
    }

    public int port() {
        return port;
    }

    public String connectionString() {
        return "mongodb://localhost:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
