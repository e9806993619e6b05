package org.mailpulse.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server from the embedded binaries, on loopback. It can be stopped and started again on the
 * same data directory and port, which the outage tests need; the control methods work from any class loader
 * because they only use the data directory.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final int port;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory, int port) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** Starts a server on the data directory, initialising it if empty; a server orphaned by a killed JVM is stopped first. */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port) {
        return start(dataDirectory, port, Map.of());
    }

    /** As {@link #start(Path, int)}, with more server settings (e.g. {@code ssl=on}, {@code ssl_cert_file}, {@code hba_file}). */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port, Map<String, String> serverConfig) {
        try {
            Files.createDirectories(dataDirectory);
            stopOrphan(dataDirectory);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            serverConfig.forEach(builder::setServerConfig);
            EmbeddedPostgres postgres = builder
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            return new EmbeddedPostgresServer(postgres, dataDirectory, port);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public String reactiveUrl() {
        return "postgresql://localhost:" + port + "/postgres";
    }

    public static String username() {
        return "postgres";
    }

    /** Stops the server, including one that {@link #restart(Path)} started outside the embedded library's control. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (Files.exists(dataDirectory.resolve("postmaster.pid"))
                && ProcessHandle.of(postmasterPid(dataDirectory)).map(ProcessHandle::isAlive).orElse(false)) {
            stop(dataDirectory);
        }
    }

    /**
     * Fast shutdown (SIGINT) of the server running on the data directory: clients see the database go away.
     * pg_ctl refuses to run as root, which CI is, so the postmaster is signalled and started directly.
     */
    public static void stop(Path dataDirectory) {
        long pid = postmasterPid(dataDirectory);
        run(List.of("kill", "-INT", String.valueOf(pid)));
        ProcessHandle.of(pid).ifPresent(process -> process.onExit().join());
    }

    /**
     * Starts the server again with the options it last ran with (postmaster.opts) and waits for its port. Like
     * the embedded library, it runs pg_ctl in a new user namespace ({@code unshare -U}) where root is not root,
     * because PostgreSQL refuses to run as root.
     */
    public static void restart(Path dataDirectory) {
        List<String> previous = postmasterCommand(dataDirectory);
        Path pgCtl = Path.of(previous.get(0)).resolveSibling("pg_ctl");
        List<String> options = new ArrayList<>();
        for (int i = 1; i < previous.size(); i++) {
            if (previous.get(i).equals("-D")) {
                i++;
                continue;
            }
            options.add("'" + previous.get(i).replace("'", "'\\''") + "'");
        }
        int port = Integer.parseInt(previous.get(previous.indexOf("-p") + 1));
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(pgCtl.toString(), "-D", dataDirectory.toString(), "-o", String.join(" ", options),
                "-l", dataDirectory.resolve("restart.log").toString(), "-w", "-t", "60", "start"));
        run(command);
        FreePort.awaitListening(port, 60_000, "PostgreSQL");
    }

    private static void stopOrphan(Path dataDirectory) throws IOException {
        if (!Files.exists(dataDirectory.resolve("postmaster.pid"))) {
            return;
        }
        ProcessHandle.of(postmasterPid(dataDirectory)).ifPresent(process -> {
            process.destroyForcibly();
            process.onExit().join();
        });
        Files.deleteIfExists(dataDirectory.resolve("postmaster.pid"));
    }

    private static long postmasterPid(Path dataDirectory) {
        try {
            return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> postmasterCommand(Path dataDirectory) {
        try {
            // e.g. /path/bin/postgres "-D" "/data" "-p" "5432" ... : the binary unquoted, then quoted arguments
            String opts = Files.readString(dataDirectory.resolve("postmaster.opts"), StandardCharsets.UTF_8).trim();
            int firstSpace = opts.indexOf(' ');
            List<String> words = new ArrayList<>();
            words.add(firstSpace < 0 ? opts : opts.substring(0, firstSpace));
            Matcher m = QUOTED.matcher(firstSpace < 0 ? "" : opts.substring(firstSpace));
            while (m.find()) {
                words.add(m.group(1));
            }
            return words;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(command + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
