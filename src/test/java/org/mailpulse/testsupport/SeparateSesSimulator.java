package org.mailpulse.testsupport;

import org.mailpulse.embedded.FreePort;
import org.mailpulse.embedded.ses.SesSimulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;

/**
 * The SES simulator in a JVM of its own (ZGC, whose pauses stay under a millisecond; its log beside the process's), driven over its control API. A benchmark
 * whose own JVM holds large data and collects it in pauses of 100 ms and more would otherwise stamp the calls that
 * arrived during a pause all at its end: a burst at the simulator that no sender made.
 */
public final class SeparateSesSimulator implements AutoCloseable {

    private final Process process;
    private final int port;

    private SeparateSesSimulator(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Runs in the separate JVM: {@code port maxRecorded}. */
    public static void main(String[] args) throws InterruptedException {
        SesSimulator.start(Integer.parseInt(args[0]), SesSimulator.Options.defaults().withMaxRecorded(Integer.parseInt(args[1])));
        Thread.currentThread().join();
    }

    /** Starts it with the test's class path and waits until it listens. */
    public static SeparateSesSimulator start(int maxRecorded) throws IOException {
        int port = FreePort.find();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = Files.createTempFile("mailpulse-ses-simulator-", ".log");
        Process process = new ProcessBuilder(List.of(java.toString(), "-Xms1g", "-Xmx1g", "-XX:+UseZGC", "-Xlog:gc:file=" + log + ".gc",
                "-cp", System.getProperty("java.class.path"),
                SeparateSesSimulator.class.getName(), String.valueOf(port), String.valueOf(maxRecorded)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            FreePort.awaitListening(port, 30_000, "SES simulator (log " + log + ")");
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        return new SeparateSesSimulator(process, port);
    }

    public String endpoint() {
        return "http://localhost:" + port;
    }

    /** Forgets what was sent (and every fault), as {@code POST /_simulator/clear}. */
    public void clear() {
        given().baseUri(endpoint()).post(SesSimulator.CONTROL_PATH + "clear").then().statusCode(200);
    }

    /** The account's 24-hour quota and rate, as {@code POST /_simulator/account}. */
    public void quota(long max24HourSend, int maxSendRate) {
        given().baseUri(endpoint()).queryParam("max24HourSend", max24HourSend).queryParam("maxSendRate", maxSendRate)
                .post(SesSimulator.CONTROL_PATH + "account").then().statusCode(200);
    }

    /** When SendEmail calls arrived, epoch ms, in arrival order. */
    public List<Long> sendTimes() {
        return SendTimes.at(endpoint());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
