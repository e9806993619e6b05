package org.mailpulse.bench;

import org.mailpulse.testsupport.Db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the CPU went during a phase, in cores: this JVM (application, ElasticMQ, mongo-java-server and the
 * benchmark's own clients all live in it), the test's PostgreSQL server, and the whole machine from /proc/stat, so
 * that a saturated machine or load from outside the benchmark shows in the figures.
 */
final class CpuMeter {

    record Usage(double wallNanos, double jvmNanos, double postgresNanos, double machineBusyShare, int cores) {

        /** CPU of this JVM and PostgreSQL together, per event handled in the phase. */
        double millisPerEvent(int events) {
            return (jvmNanos + postgresNanos) / 1e6 / events;
        }

        String describe(int events) {
            double machine = machineBusyShare * cores;
            double jvm = jvmNanos / wallNanos;
            double postgres = postgresNanos / wallNanos;
            return String.format(Locale.ROOT, "%.3f ms/event (JVM %.3f, PostgreSQL %.3f); cores busy %.2f of %d: JVM %.2f, PostgreSQL %.2f, other %.2f",
                    millisPerEvent(events), jvmNanos / 1e6 / events, postgresNanos / 1e6 / events,
                    machine, cores, jvm, postgres, Math.max(0, machine - jvm - postgres));
        }
    }

    /** USER_HZ, the unit of /proc times, is 100 on Linux. */
    private static final double NANOS_PER_TICK = 1e7;

    private final long startNanos;
    private final long[] machine;
    private final long jvmCpuNanos;
    private final long postmaster;
    private final long postgresTicks;

    private CpuMeter() {
        this.startNanos = System.nanoTime();
        this.machine = machineTicks();
        this.jvmCpuNanos = jvmCpuNanos();
        this.postmaster = postmaster();
        this.postgresTicks = postgresTicks(postmaster);
    }

    static CpuMeter start() {
        return new CpuMeter();
    }

    Usage stop() {
        long[] machineNow = machineTicks();
        double busyShare = (double) (machineNow[0] - machine[0]) / Math.max(1, machineNow[1] - machine[1]);
        return new Usage(System.nanoTime() - startNanos, jvmCpuNanos() - jvmCpuNanos, (postgresTicks(postmaster) - postgresTicks) * NANOS_PER_TICK,
                busyShare, Runtime.getRuntime().availableProcessors());
    }

    /** Busy and total jiffies of all CPUs; busy excludes idle and iowait. */
    private static long[] machineTicks() {
        try {
            long[] fields = Arrays.stream(Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+"))
                    .skip(1).mapToLong(Long::parseLong).toArray();
            long total = Arrays.stream(fields).limit(8).sum();
            return new long[]{total - fields[3] - fields[4], total};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first line of postmaster.pid in the server's data directory. */
    private static long postmaster() {
        Path dataDirectory = Path.of((String) Db.row("SELECT current_setting('data_directory') AS dir").get("dir"));
        try {
            return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the PostgreSQL server process", e);
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU of the server and all its backends so far: the postmaster's own time, the time of the backends it has
     * reaped (cutime, cstime), and that of the backends still running.
     */
    private static long postgresTicks(long postmaster) {
        long[] server = procStat(postmaster);
        long total = server[0] + server[1] + server[2] + server[3];
        for (ProcessHandle backend : ProcessHandle.of(postmaster).map(p -> p.children().toList()).orElse(List.of())) {
            long[] times = procStat(backend.pid());
            total += times[0] + times[1];
        }
        return total;
    }

    /** utime, stime, cutime, cstime of /proc/PID/stat in clock ticks; zeros for a process that is gone. */
    private static long[] procStat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state) of proc(5), so utime (field 14) is fields[11]
            return new long[]{Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]), Long.parseLong(fields[14])};
        } catch (IOException e) {
            return new long[4];
        }
    }
}
