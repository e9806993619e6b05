package org.mailpulse.testsupport;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Stop/start handles for an embedded server, published as a platform MBean: the test resources and the tests
 * live in different class loaders, and JMX invokes by name, so either side can reach the other.
 */
public class ServerControl implements ServerControlMBean {

    private final Runnable stop;
    private final Runnable start;

    private ServerControl(Runnable stop, Runnable start) {
        this.stop = stop;
        this.start = start;
    }

    public static void publish(String server, Runnable stop, Runnable start) {
        try {
            MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = name(server);
            if (beans.isRegistered(name)) {
                beans.unregisterMBean(name);
            }
            beans.registerMBean(new ServerControl(stop, start), name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static void invoke(String server, String operation) {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(name(server), operation, null, null);
        } catch (Exception e) {
            throw new IllegalStateException(operation + " of " + server + " failed", e);
        }
    }

    private static ObjectName name(String server) throws Exception {
        return new ObjectName("mailpulse.test:type=" + server);
    }

    @Override
    public void stop() {
        stop.run();
    }

    @Override
    public void start() {
        start.run();
    }
}
