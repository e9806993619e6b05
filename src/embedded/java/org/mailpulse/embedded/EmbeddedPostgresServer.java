package org.mailpulse.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        try {
            Files.createDirectories(dataDirectory);
            stopOrphan(dataDirectory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
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

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fast shutdown of the server running on the data directory: clients see the database go away. */
    public static void stop(Path dataDirectory) {
        pgCtl(dataDirectory, List.of("-m", "fast", "stop"));
    }

    /** Starts the server again with the options it last ran with (postmaster.opts). */
    public static void restart(Path dataDirectory) {
        List<String> options = postmasterOptions(dataDirectory);
        pgCtl(dataDirectory, List.of("-o", String.join(" ", options), "start"));
    }

    private static void stopOrphan(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String pid = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(process -> {
            process.destroy();
            process.onExit().join();
        });
        Files.deleteIfExists(pidFile);
    }

    private static List<String> postmasterOptions(Path dataDirectory) {
        try {
            String opts = Files.readString(dataDirectory.resolve("postmaster.opts"), StandardCharsets.UTF_8);
            List<String> words = new ArrayList<>();
            Matcher m = QUOTED.matcher(opts);
            while (m.find()) {
                words.add(m.group(1));
            }
            List<String> options = new ArrayList<>();
            for (int i = 1; i < words.size(); i++) { // words[0] is the postgres binary
                if (words.get(i).equals("-D")) {
                    i++;
                    continue;
                }
                options.add("'" + words.get(i).replace("'", "'\\''") + "'");
            }
            return options;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pgCtl(Path dataDirectory, List<String> arguments) {
        Path binary = postgresBinary(dataDirectory).resolveSibling("pg_ctl");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-D", dataDirectory.toString(), "-w", "-t", "60"));
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("pg_ctl " + arguments + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path postgresBinary(Path dataDirectory) {
        try {
            Matcher m = QUOTED.matcher(Files.readString(dataDirectory.resolve("postmaster.opts"), StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("postmaster.opts names no binary in " + dataDirectory);
            }
            return Path.of(m.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
