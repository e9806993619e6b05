package org.mailpulse.reliability;

/**
 * Two sizes of the same scenarios: the short one runs inside {@code ./mvnw verify}, the full one (the figures of the
 * README) with {@code ./mvnw verify -Preliability}, which sets {@code reliability.scale=full}.
 */
final class Scale {

    private Scale() {
    }

    static boolean full() {
        return "full".equals(System.getProperty("reliability.scale"));
    }

    static int of(int shortRun, int fullRun) {
        return full() ? fullRun : shortRun;
    }

    static long of(long shortRun, long fullRun) {
        return full() ? fullRun : shortRun;
    }
}
