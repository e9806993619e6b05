package org.mailpulse.testsupport;

/** The management interface of {@link ServerControl}. */
public interface ServerControlMBean {

    void stop();

    void start();
}
