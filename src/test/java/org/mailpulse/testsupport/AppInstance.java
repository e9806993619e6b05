package org.mailpulse.testsupport;

import org.mailpulse.embedded.FreePort;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One more instance of the packaged application (target/quarkus-app) as its own process, joined to the test
 * servers. It can be killed with SIGKILL and started again on the same port; its output goes to a log file that
 * outlives restarts. A {@link Launch} adds -D options, leaves out options of the test servers' configuration and
 * sets environment variables. As in production, it serves health and metrics on its management interface: each
 * instance gets a free management port of its own ({@code -Dquarkus.management.port=N} among the options chooses
 * it), and is asked for health and metrics there.
 */
public final class AppInstance implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * The production intervals of the background work that the test profile shortens for quick tests (sender and
     * webhook polls, gauges, quota refresh, dead-letter check), for instances that are measured: there that work
     * competes with what is measured, and the product's is what counts.
     */
    public static final String[] PRODUCTION_INTERVALS = {"-Dmailpulse.sending.poll-interval=1s", "-Dmailpulse.webhooks.poll-interval=500ms",
            "-Dmailpulse.webhooks.metrics-every=15s", "-Dmailpulse.quota.refresh-every=1m", "-Dmailpulse.ingest.dead-letter-check-every=30s"};

    private final String name;
    private final int port;
    private final Launch launch;
    private final int managementPort;
    private final Path log;
    private Process process;
    private int starts;

    /**
     * How an instance is launched: -D options after the test servers' configuration (later ones win), prefixes of
     * configuration keys whose -D options from {@link TestServers#applicationOptions} are left out (e.g.
     * {@code quarkus.sqs.aws.credentials.}), and environment variables set or, with a null value, removed.
     */
    public record Launch(List<String> options, List<String> removedKeys, Map<String, String> environment) {

        public Launch {
            options = List.copyOf(options);
            removedKeys = List.copyOf(removedKeys);
            environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        }

        public static Launch options(String... options) {
            return new Launch(List.of(options), List.of(), Map.of());
        }

        public Launch withOptions(String... more) {
            List<String> all = new ArrayList<>(options);
            all.addAll(List.of(more));
            return new Launch(all, removedKeys, environment);
        }

        /** Leaves out the test servers' -D options whose key starts with {@code keyPrefix}. */
        public Launch without(String keyPrefix) {
            List<String> all = new ArrayList<>(removedKeys);
            all.add(keyPrefix);
            return new Launch(options, all, environment);
        }

        /** Sets an environment variable of the process; null removes one it would inherit. */
        public Launch withEnvironment(String variable, String value) {
            Map<String, String> all = new LinkedHashMap<>(environment);
            all.put(variable, value);
            return new Launch(options, removedKeys, all);
        }

        List<String> serverOptions(List<String> serverOptions) {
            return serverOptions.stream().filter(option -> removedKeys.stream()
                    .noneMatch(prefix -> option.startsWith("-D" + prefix))).toList();
        }
    }

    private AppInstance(String name, Launch launch) throws IOException {
        this.name = name;
        this.port = FreePort.find();
        this.launch = launch;
        this.managementPort = managementPort(launch.options()).orElseGet(FreePort::find);
        this.log = Files.createTempFile("mailpulse-" + name + "-", ".log");
    }

    /** Starts an instance with the test servers' configuration, then {@code extraOptions} (-D..., later ones win). */
    public static AppInstance start(String name, String... extraOptions) throws IOException {
        return start(name, Launch.options(extraOptions));
    }

    public static AppInstance start(String name, Launch launch) throws IOException {
        AppInstance instance = new AppInstance(name, launch);
        instance.launch();
        return instance;
    }

    private static java.util.OptionalInt managementPort(List<String> options) {
        String prefix = "-Dquarkus.management.port=";
        return options.stream().filter(option -> option.startsWith(prefix))
                .mapToInt(option -> Integer.parseInt(option.substring(prefix.length()))).reduce((first, last) -> last);
    }

    public void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(launch.serverOptions(TestServers.applicationOptions(port)));
        command.add("-Dquarkus.management.port=" + managementPort);
        command.addAll(launch.options());
        command.addAll(List.of("-jar", new File("target/quarkus-app/quarkus-run.jar").getAbsolutePath()));
        starts++;
        Files.writeString(log, "=== start " + starts + System.lineSeparator(), java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        launch.environment().forEach((variable, value) -> {
            if (value == null) {
                builder.environment().remove(variable);
            } else {
                builder.environment().put(variable, value);
            }
        });
        process = builder.start();
    }

    /** Waits until readiness answers UP; returns how long that took. */
    public Duration awaitReady(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log);
            }
            if (readiness() == 200) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; log " + log);
    }

    /** HTTP status of /q/health/ready, or -1 if the instance does not answer. */
    public int readiness() {
        return health("/q/health/ready");
    }

    /** HTTP status of a health endpoint (e.g. {@code /q/health/group/ingestion}), or -1 if the instance does not answer. */
    public int health(String path) {
        try {
            return get(managementUrl(), path).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A GET on the main port. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(baseUrl(), path);
    }

    /** A GET on the management port, which serves health and metrics. */
    public HttpResponse<String> getManagement(String path) throws IOException, InterruptedException {
        return get(managementUrl(), path);
    }

    private static HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer test-token").GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of every sample of a Prometheus metric (all label sets). */
    public double metric(String name) throws IOException, InterruptedException {
        return metric(name, "");
    }

    /** The sum of the samples of a Prometheus metric whose labels include {@code label} (e.g. {@code outcome="sent"}). */
    public double metric(String name, String label) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : getManagement("/q/metrics").body().split("\n")) {
            boolean sample = line.startsWith(name + "{") || line.startsWith(name + " ");
            if (sample && line.substring(0, line.lastIndexOf(' ')).contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** SIGKILL: no shutdown hook, nothing finished. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL");
        }
    }

    /** SIGTERM; true if it exited within the timeout. */
    public boolean terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the process to end by itself (e.g. a refused start); returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " still running after " + timeout + "; log " + log);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Resident set size in MiB, from /proc. */
    public long rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + name);
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** Where health and metrics answer: the management interface. */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    public Path logFile() {
        return log;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
