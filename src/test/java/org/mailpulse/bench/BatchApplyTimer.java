package org.mailpulse.bench;

import io.restassured.RestAssured;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Micrometer timer {@code mailpulse.ingest.batch.apply} (parse, archive and PostgreSQL transaction of one batch)
 * as GET /q/metrics shows it. Count and sum are cumulative; the quantiles cover Micrometer's sliding window
 * (about the last two minutes), not the whole run.
 */
record BatchApplyTimer(double count, double sumSeconds, double p50Seconds, double p99Seconds) {

    private static final Pattern SAMPLE = Pattern.compile(
            "^mailpulse_ingest_batch_apply_seconds(_count|_sum)?(?:\\{([^}]*)})?\\s+(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern QUANTILE = Pattern.compile("quantile=\"([^\"]+)\"");

    /** Zeros while the timer is not registered yet (the metrics bean is created by the first batch). */
    static BatchApplyTimer scrape() {
        return parse(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString());
    }

    static BatchApplyTimer parse(String prometheusText) {
        double count = 0;
        double sum = 0;
        double p50 = 0;
        double p99 = 0;
        Matcher sample = SAMPLE.matcher(prometheusText);
        while (sample.find()) {
            double value = Double.parseDouble(sample.group(3));
            String suffix = sample.group(1);
            if ("_count".equals(suffix)) {
                count = value;
            } else if ("_sum".equals(suffix)) {
                sum = value;
            } else if ("0.5".equals(quantile(sample.group(2)))) {
                p50 = value;
            } else if ("0.99".equals(quantile(sample.group(2)))) {
                p99 = value;
            }
        }
        return new BatchApplyTimer(count, sum, p50, p99);
    }

    private static String quantile(String labels) {
        if (labels == null) {
            return null;
        }
        Matcher quantile = QUANTILE.matcher(labels);
        return quantile.find() ? quantile.group(1) : null;
    }

    BatchApplyTimer since(BatchApplyTimer before) {
        return new BatchApplyTimer(count - before.count, sumSeconds - before.sumSeconds, p50Seconds, p99Seconds);
    }

    double meanMillis() {
        return count == 0 ? 0 : sumSeconds / count * 1000;
    }
}
