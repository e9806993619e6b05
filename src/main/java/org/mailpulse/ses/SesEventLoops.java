package org.mailpulse.ses;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The SES client's own event loops, one thread each and one per core ({@code mailpulse-ses-N}): the send slots'
 * timers fire there, and each message is composed there and its call written and read there. Each loop has an SES
 * client of its own ({@link SesClients}), so the thread whose timer fired is the one that writes the call: nothing
 * queues between the lateness check and the write. Nothing else the replica does runs on them.
 * <p>
 * On the event loops the replica shares with the database client and the API, three replicas on two cores fired
 * one slot's timer in five more than 15 ms late (a lost slot), behind claims and outcomes queued there. One loop
 * alone fell behind at 500 calls/s; two loops sharing one client put timer and write on different threads, and the
 * arrivals bunched past the rate (504 in one second of 500).
 */
@Singleton
public class SesEventLoops {

    private final List<EventLoopGroup> groups = new ArrayList<>();

    public SesEventLoops() {
        int count = Math.max(1, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < count; i++) {
            groups.add(new NioEventLoopGroup(1, new DefaultThreadFactory("mailpulse-ses-" + i, true)));
        }
    }

    public int size() {
        return groups.size();
    }

    /** The group of loop {@code index} (one thread), where its client's connections live. */
    public EventLoopGroup group(int index) {
        return groups.get(index);
    }

    /** Loop {@code slot} modulo their number: consecutive slots go to the loops in turn. */
    public EventLoop loop(int slot) {
        return groups.get(Math.floorMod(slot, groups.size())).next();
    }

    /** The index of the loop the caller runs on; 0 when it runs on none of them. */
    public int current() {
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).next().inEventLoop()) {
                return i;
            }
        }
        return 0;
    }

    @PreDestroy
    void close() {
        groups.forEach(group -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS));
    }
}
