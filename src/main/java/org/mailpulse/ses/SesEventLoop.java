package org.mailpulse.ses;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.concurrent.TimeUnit;

/**
 * The SES client's own event loop: one Netty thread that writes and reads every SES call, fires the send slots'
 * timers and composes each message in its slot. Nothing else the replica does runs on it, so a slot's timer fires on
 * time and its call is written from the same thread at once. On the event loops the replica shares with the
 * database client and the API, three replicas on two cores fired one slot's timer in five more than 15 ms late
 * (a lost slot), behind claims, outcomes and collections of work queued there.
 */
@Singleton
public class SesEventLoop {

    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("mailpulse-ses", true));

    /** The group the SES client's connections live on. */
    public EventLoopGroup group() {
        return group;
    }

    /** Its one thread. */
    public EventLoop loop() {
        return (EventLoop) group.next();
    }

    @PreDestroy
    void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
