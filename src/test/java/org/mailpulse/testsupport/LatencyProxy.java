package org.mailpulse.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that holds every chunk of bytes for a configurable delay before passing it on, one delay
 * for each direction (client to server, server to client), so a server on this machine answers as if it were
 * milliseconds away. The byte stream is relayed unchanged and in order; nothing blocks (Vert.x, on event loops of
 * its own). Delays can be changed while connections are open; they apply to bytes read from then on.
 */
public final class LatencyProxy implements AutoCloseable {

    /** A direction's pending bytes above which its source is paused, so a slow reader does not fill the heap. */
    private static final int PENDING_LIMIT = 4 * 1024 * 1024;

    private final Vertx vertx;
    private final NetServer server;
    private final NetClient client;
    private final String upstreamHost;
    private final int upstreamPort;
    private final AtomicLong toServerNanos = new AtomicLong();
    private final AtomicLong toClientNanos = new AtomicLong();

    private LatencyProxy(Vertx vertx, String upstreamHost, int upstreamPort) {
        this.vertx = vertx;
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5_000));
        this.server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true));
    }

    /** A proxy listening on a free loopback port in front of {@code host:port}, with no delay yet. */
    public static LatencyProxy start(String host, int port) {
        LatencyProxy proxy = new LatencyProxy(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)), host, port);
        proxy.server.connectHandler(proxy::accept);
        try {
            proxy.server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            proxy.close();
            throw new IllegalStateException("latency proxy for " + host + ":" + port + " could not listen", e);
        }
        return proxy;
    }

    /** Sets the delay of each direction. */
    public LatencyProxy delay(Duration toServer, Duration toClient) {
        toServerNanos.set(toServer.toNanos());
        toClientNanos.set(toClient.toNanos());
        return this;
    }

    /** Half of {@code roundTrip} each way. */
    public LatencyProxy roundTrip(Duration roundTrip) {
        return delay(roundTrip.dividedBy(2), roundTrip.minus(roundTrip.dividedBy(2)));
    }

    public int port() {
        return server.actualPort();
    }

    private void accept(NetSocket downstream) {
        downstream.pause();
        client.connect(upstreamPort, upstreamHost).onComplete(connected -> {
            if (connected.failed()) {
                downstream.close();
                return;
            }
            NetSocket upstream = connected.result();
            new Direction(downstream, upstream, toServerNanos);
            new Direction(upstream, downstream, toClientNanos);
            downstream.resume();
        });
    }

    /**
     * One direction of one connection: chunks queued with the moment they are due, written in arrival order by
     * one timer at a time. Both sockets of a connection live on the same event loop, so no locking is needed.
     */
    private final class Direction {

        private record Chunk(long due, Buffer bytes) {
        }

        private final NetSocket from;
        private final NetSocket to;
        private final AtomicLong delayNanos;
        private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
        private long pendingBytes;
        private boolean timerSet;
        private boolean paused;
        private boolean sourceClosed;

        Direction(NetSocket from, NetSocket to, AtomicLong delayNanos) {
            this.from = from;
            this.to = to;
            this.delayNanos = delayNanos;
            from.handler(this::received);
            // A close is passed on only after the bytes that came before it.
            from.closeHandler(ignored -> {
                sourceClosed = true;
                closeIfDone();
            });
            to.drainHandler(ignored -> resumeIfBelowLimit());
        }

        private void closeIfDone() {
            if (sourceClosed && pending.isEmpty()) {
                to.close();
            }
        }

        private void received(Buffer bytes) {
            long delay = delayNanos.get();
            if (delay <= 0 && pending.isEmpty()) {
                write(bytes);
                return;
            }
            pending.add(new Chunk(System.nanoTime() + delay, bytes));
            pendingBytes += bytes.length();
            if (pendingBytes > PENDING_LIMIT && !paused) {
                paused = true;
                from.pause();
            }
            schedule();
        }

        private void schedule() {
            if (timerSet || pending.isEmpty()) {
                return;
            }
            long wait = pending.peek().due() - System.nanoTime();
            if (wait <= 0) {
                flushDue();
                return;
            }
            timerSet = true;
            // Vert.x timers have millisecond resolution: rounded up, so that no chunk is ever released early.
            vertx.setTimer(Math.max(1, (wait + 999_999) / 1_000_000), ignored -> {
                timerSet = false;
                flushDue();
            });
        }

        private void flushDue() {
            long now = System.nanoTime();
            while (!pending.isEmpty() && pending.peek().due() - now <= 0) {
                Chunk chunk = pending.poll();
                pendingBytes -= chunk.bytes().length();
                write(chunk.bytes());
            }
            resumeIfBelowLimit();
            schedule();
            closeIfDone();
        }

        private void write(Buffer bytes) {
            to.write(bytes);
            if (to.writeQueueFull() && !paused) {
                paused = true;
                from.pause();
            }
        }

        private void resumeIfBelowLimit() {
            if (paused && pendingBytes <= PENDING_LIMIT / 2 && !to.writeQueueFull()) {
                paused = false;
                from.resume();
            }
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("latency proxy did not close", e);
        }
    }
}
