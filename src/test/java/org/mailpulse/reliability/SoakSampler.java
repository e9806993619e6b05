package org.mailpulse.reliability;

import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.testsupport.TestServers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Watches the instance during the soak. Every {@code sampleSeconds}: heap used (the {@code area="heap"} samples of
 * {@code jvm_memory_used_bytes}), RSS, input-queue depth and the ingestion counters from {@code /q/metrics}. At the
 * end of every interval of {@code intervalSeconds} also the live heap: a full GC is forced with
 * {@code jcmd <pid> GC.run} and the heap used is read right after it, so that the trend is not hidden by the
 * sawtooth of young collections or by old-generation garbage waiting for a mixed collection; the RSS floor of the
 * interval (G1 grows and shrinks the committed heap, which moves the RSS up by 100 MiB and more for a while, so the
 * trend is read from the least RSS of each interval); and the CPU the instance and the whole machine used in the
 * interval (from /proc).
 */
final class SoakSampler {

    /** One periodic sample; {@code tMillis} after the soak's start. */
    record Sample(long tMillis, double heapUsedMiB, long rssMiB, int depth, long sent, double applied, double duplicates,
                  double quarantined, double batchFailures) {
    }

    /**
     * The end of one interval (number {@code index} from 1; index 0 is the start): heap used right after the forced
     * full GC; the RSS floor of the interval (the least of its samples and of the reading right after that GC); the
     * CPU of the instance and of the machine in the interval (cores); the cumulative GC pause.
     */
    record Mark(int index, long tMillis, double heapLiveMiB, long rssMinMiB, double appCores, double machineCores, double gcPauseSeconds) {
    }

    /** The values of /q/metrics the scenario reads. */
    record Metrics(double heapUsedBytes, double applied, double duplicates, double quarantined, double batchFailures,
                   double gcPauseSeconds, double lagCount, double lagSumSeconds) {

        static Metrics parse(String prometheus) {
            double heap = 0, applied = 0, duplicates = 0, quarantined = 0, failures = 0, gc = 0, lagCount = 0, lagSum = 0;
            for (String line : prometheus.split("\n")) {
                if (line.isEmpty() || line.charAt(0) == '#') {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.indexOf(' ');
                String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
                double value;
                try {
                    value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } catch (NumberFormatException e) {
                    continue;
                }
                switch (name) {
                    case "jvm_memory_used_bytes" -> heap += line.contains("area=\"heap\"") ? value : 0;
                    case "mailpulse_ingest_events_total" -> applied += value;
                    case "mailpulse_ingest_duplicates_total" -> duplicates += value;
                    case "mailpulse_ingest_quarantined_total" -> quarantined += value;
                    case "mailpulse_ingest_batch_failures_total" -> failures += value;
                    case "jvm_gc_pause_seconds_sum" -> gc += value;
                    case "mailpulse_ingest_queue_lag_seconds_count" -> lagCount += value;
                    case "mailpulse_ingest_queue_lag_seconds_sum" -> lagSum += value;
                    default -> {
                    }
                }
            }
            return new Metrics(heap, applied, duplicates, quarantined, failures, gc, lagCount, lagSum);
        }
    }

    private static final double MIB = 1024.0 * 1024.0;
    /** USER_HZ, the unit of /proc times. */
    private static final double TICKS_PER_SECOND = 100;

    private final AppInstance app;
    private final SoakQueue queue;
    private final SoakEvents events;
    private final long sampleMillis;
    private final long intervalMillis;
    private final long durationMillis;
    private final List<Sample> samples = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private Thread thread;
    private long startNanos;
    private long[] machineTicks;
    private long appTicks;
    private long rssFloor = Long.MAX_VALUE;

    SoakSampler(AppInstance app, SoakQueue queue, SoakEvents events, long sampleSeconds, long intervalSeconds, long durationSeconds) {
        if (intervalSeconds % sampleSeconds != 0) {
            throw new IllegalArgumentException("the interval must be a multiple of the sample period");
        }
        this.app = app;
        this.queue = queue;
        this.events = events;
        this.sampleMillis = sampleSeconds * 1000;
        this.intervalMillis = intervalSeconds * 1000;
        this.durationMillis = durationSeconds * 1000;
    }

    /** The state at the start (with a live-heap probe), taken before the clock starts. */
    void baseline() {
        machineTicks = machineTicks();
        appTicks = appTicks();
        Metrics m = metrics();
        samples.add(new Sample(0, m.heapUsedBytes() / MIB, rss(), queue.depth(TestServers.queueUrl()), events.sent(), m.applied(),
                m.duplicates(), m.quarantined(), m.batchFailures()));
        double live = liveHeapMiB();
        marks.add(new Mark(0, 0, live, Math.min(samples.get(0).rssMiB(), rss()), 0, 0, m.gcPauseSeconds()));
    }

    void start(long startNanos) {
        this.startNanos = startNanos;
        thread = new Thread(this::loop, "soak-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        for (long tick = 1; tick * sampleMillis <= durationMillis; tick++) {
            long due = startNanos + TimeUnit.MILLISECONDS.toNanos(tick * sampleMillis);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            long t = tick * sampleMillis;
            try {
                Metrics m = metrics();
                long rss = rss();
                rssFloor = Math.min(rssFloor, rss);
                samples.add(new Sample(t, m.heapUsedBytes() / MIB, rss, queue.depth(TestServers.queueUrl()), events.sent(), m.applied(),
                        m.duplicates(), m.quarantined(), m.batchFailures()));
                if (t % intervalMillis == 0) {
                    mark((int) (t / intervalMillis), t, m.gcPauseSeconds());
                }
            } catch (RuntimeException e) {
                errors.add("sample at " + t + " ms: " + e);
            }
        }
    }

    private void mark(int index, long t, double gcPauseSeconds) {
        long[] machineNow = machineTicks();
        long appNow = appTicks();
        double seconds = intervalMillis / 1000.0;
        double machineCores = (machineNow[0] - machineTicks[0]) / TICKS_PER_SECOND / seconds;
        double appCores = (appNow - appTicks) / TICKS_PER_SECOND / seconds;
        machineTicks = machineNow;
        appTicks = appNow;
        double live = liveHeapMiB();
        Mark mark = new Mark(index, t, live, Math.min(rssFloor, rss()), appCores, machineCores, gcPauseSeconds);
        rssFloor = Long.MAX_VALUE;
        marks.add(mark);
        Sample last = samples.get(samples.size() - 1);
        System.out.printf(Locale.ROOT, "SOAK live t=%d s: sent %d, applied %.0f, queue %d, heap live %.0f MiB, RSS floor %d MiB, CPU %.2f/%.2f cores%n",
                t / 1000, last.sent(), last.applied(), last.depth(), live, mark.rssMinMiB(), appCores, machineCores);
    }

    /** Waits for the last sample (the end of the soak). */
    void awaitFinished() throws InterruptedException {
        thread.join(TimeUnit.MILLISECONDS.toMillis(durationMillis) + 120_000);
        if (thread.isAlive()) {
            thread.interrupt();
            errors.add("sampler did not finish");
        }
    }

    /** Heap used right after a full GC forced through jcmd, or NaN if jcmd is not there or fails. */
    private double liveHeapMiB() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return Double.NaN;
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(app.pid()), "GC.run").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                errors.add("jcmd GC.run failed: " + output);
                return Double.NaN;
            }
            return metrics().heapUsedBytes() / MIB;
        } catch (IOException e) {
            errors.add("jcmd GC.run: " + e);
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    Metrics metrics() {
        try {
            var response = app.getManagement("/q/metrics");
            if (response.statusCode() != 200) {
                throw new IllegalStateException("/q/metrics answered " + response.statusCode());
            }
            return Metrics.parse(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("/q/metrics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long rss() {
        try {
            return app.rssMiB();
        } catch (IOException e) {
            throw new IllegalStateException("RSS: " + e, e);
        }
    }

    /** Busy and total ticks of the whole machine (first line of /proc/stat). */
    private static long[] machineTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[]{total - idle, total};
        } catch (IOException e) {
            return new long[]{0, 0};
        }
    }

    /** User plus system ticks of the instance's process. */
    private long appTicks() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(app.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    List<Sample> samples() {
        return samples;
    }

    List<Mark> marks() {
        return marks;
    }

    List<String> errors() {
        return List.copyOf(errors);
    }
}
