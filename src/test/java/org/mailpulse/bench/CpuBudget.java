package org.mailpulse.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * On a machine where the pipeline saturates the CPU, its rate is the cores divided by the CPU one event costs. This
 * adds up that cost from the parts measured alone (queue traffic from ceiling b, parse, archive and apply from the
 * stage timings) and sets it beside what the pipeline used, so the figures say which part the time goes to.
 */
final class CpuBudget {

    private final Map<String, Double> millisPerEvent = new LinkedHashMap<>();

    void add(String part, CpuMeter.Usage usage, int events) {
        millisPerEvent.put(part, usage.millisPerEvent(events));
    }

    /** The whole pipeline run includes the sender's enqueue; the backlog drain after the sender stopped does not. */
    void report(Report report, CpuMeter.Usage pipeline, int events, CpuMeter.Usage backlog, int backlogEvents) {
        double sum = 0;
        for (Map.Entry<String, Double> part : millisPerEvent.entrySet()) {
            report.figure("cpu_budget." + part.getKey(), part.getValue(), "ms CPU/event");
            sum += part.getValue();
        }
        double withoutEnqueue = sum - millisPerEvent.getOrDefault("enqueue", 0.0);
        report.figure("cpu_budget.sum_of_parts", sum, "ms CPU/event");
        report.figure("cpu_budget.pipeline_measured", pipeline.millisPerEvent(events), "ms CPU/event (JVM + PostgreSQL during the whole pipeline run)");
        report.figure("cpu_budget.rate_if_cpu_bound", pipeline.cores() * 1000 / sum, "events/s (cores / sum of parts)");
        report.figure("cpu_budget.sum_without_enqueue", withoutEnqueue, "ms CPU/event");
        report.figure("cpu_budget.backlog_measured", backlog.millisPerEvent(backlogEvents), "ms CPU/event (JVM + PostgreSQL while the backlog drained)");
        report.figure("cpu_budget.backlog_rate_if_cpu_bound", backlog.cores() * 1000 / withoutEnqueue, "events/s (cores / sum without enqueue)");
    }
}
