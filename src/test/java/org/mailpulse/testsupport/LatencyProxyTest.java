package org.mailpulse.testsupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy in front of a plain TCP server on loopback: each direction's delay, and the byte stream unchanged. */
class LatencyProxyTest {

    private static final Duration DELAY = Duration.ofMillis(400);

    private ServerSocket upstream;
    private LatencyProxy proxy;
    private final BlockingQueue<Socket> accepted = new ArrayBlockingQueue<>(4);

    @BeforeEach
    void start() throws IOException {
        upstream = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (!upstream.isClosed()) {
                    accepted.add(upstream.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "latency-proxy-test-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = LatencyProxy.start("127.0.0.1", upstream.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        upstream.close();
    }

    // The undelayed direction is measured as the fastest of a few bytes after a warm-up, so that a busy machine's
    // scheduling hiccup is not mistaken for a delay.

    @Test
    void delaysOnlyTheClientToServerDirection() throws Exception {
        try (Socket client = connect(); Socket server = accepted.poll(10, TimeUnit.SECONDS)) {
            warmUp(client, server);
            proxy.delay(DELAY, Duration.ZERO);
            assertThat(oneWay(client, server)).as("client to server").isGreaterThanOrEqualTo(DELAY);
            assertThat(fastest(server, client)).as("server to client").isLessThan(DELAY);
        }
    }

    @Test
    void delaysOnlyTheServerToClientDirection() throws Exception {
        try (Socket client = connect(); Socket server = accepted.poll(10, TimeUnit.SECONDS)) {
            warmUp(client, server);
            proxy.delay(Duration.ZERO, DELAY);
            assertThat(fastest(client, server)).as("client to server").isLessThan(DELAY);
            assertThat(oneWay(server, client)).as("server to client").isGreaterThanOrEqualTo(DELAY);
        }
    }

    @Test
    void roundTripIsSplitBetweenTheDirections() throws Exception {
        proxy.roundTrip(DELAY.multipliedBy(2));
        try (Socket client = connect(); Socket server = accepted.poll(10, TimeUnit.SECONDS)) {
            assertThat(oneWay(client, server)).isGreaterThanOrEqualTo(DELAY);
            assertThat(oneWay(server, client)).isGreaterThanOrEqualTo(DELAY);
        }
    }

    @Test
    void relaysBothStreamsIntactAndInOrderWhileDelaying() throws Exception {
        proxy.delay(Duration.ofMillis(3), Duration.ofMillis(7));
        byte[] request = random(3 * 1024 * 1024 + 17, 1);
        byte[] response = random(2 * 1024 * 1024 + 5, 2);
        try (Socket client = connect(); Socket server = accepted.poll(10, TimeUnit.SECONDS)) {
            // Many small writes, so that the stream crosses the proxy as many chunks each held on its own.
            Thread clientWriter = writer(client.getOutputStream(), request);
            Thread serverWriter = writer(server.getOutputStream(), response);
            byte[] receivedByServer = readFully(server.getInputStream(), request.length);
            byte[] receivedByClient = readFully(client.getInputStream(), response.length);
            clientWriter.join(30_000);
            serverWriter.join(30_000);
            assertThat(receivedByServer).isEqualTo(request);
            assertThat(receivedByClient).isEqualTo(response);

            server.close();
            assertThat(client.getInputStream().read()).as("the server's close reaches the client").isEqualTo(-1);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static void warmUp(Socket client, Socket server) throws IOException {
        for (int i = 0; i < 3; i++) {
            oneWay(client, server);
            oneWay(server, client);
        }
    }

    private static Duration fastest(Socket from, Socket to) throws IOException {
        Duration fastest = oneWay(from, to);
        for (int i = 0; i < 4; i++) {
            Duration next = oneWay(from, to);
            fastest = next.compareTo(fastest) < 0 ? next : fastest;
        }
        return fastest;
    }

    /** How long one byte takes from one end to the other. */
    private static Duration oneWay(Socket from, Socket to) throws IOException {
        to.setSoTimeout(30_000);
        long start = System.nanoTime();
        from.getOutputStream().write(42);
        from.getOutputStream().flush();
        assertThat(to.getInputStream().read()).isEqualTo(42);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Thread writer(OutputStream out, byte[] bytes) {
        Thread thread = new Thread(() -> {
            try {
                for (int from = 0; from < bytes.length; from += 1000) {
                    out.write(bytes, from, Math.min(1000, bytes.length - from));
                }
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "latency-proxy-test-writer");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        new DataInputStream(in).readFully(bytes);
        return bytes;
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
