package org.mailpulse.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * aws-ses-v2-local (an SES v1/v2 API emulator that keeps received mail at GET /store), run with the machine's
 * Node.js from the copy that {@code src/embedded/ses-local/install.sh} installed with {@code npm ci}.
 */
public final class SesEmulatorProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private SesEmulatorProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static SesEmulatorProcess start(Path sesLocalDirectory, int port) {
        Path cli = sesLocalDirectory.resolve("node_modules/aws-ses-v2-local/dist/cli.js");
        if (!Files.exists(cli)) {
            throw new IllegalStateException(cli + " is missing: run " + sesLocalDirectory.resolve("install.sh"));
        }
        try {
            Process process = new ProcessBuilder(List.of("node", cli.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port)))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            FreePort.awaitListening(port, 30_000, "SES emulator");
            return new SesEmulatorProcess(process, port);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the SES emulator (is node on the PATH?)", e);
        }
    }

    /** The project's copy of the emulator, relative to the working directory (the project root in Maven runs). */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("mailpulse.ses-local.dir", "src/embedded/ses-local")).toAbsolutePath();
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
