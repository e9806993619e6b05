package org.mailpulse.bench;

import io.restassured.RestAssured;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Micrometer timer {@code mailpulse.ingest.batch.apply} (parse, archive and PostgreSQL transaction of one batch)
 * as GET /q/metrics shows it: cumulative count, sum and histogram buckets. The percentiles of a span of time are
 * read from the difference of two scrapes, as Prometheus's {@code histogram_quantile} reads them (linear within a
 * bucket), so they are as exact as the bucket bounds.
 */
record BatchApplyTimer(double count, double sumSeconds, TreeMap<Double, Double> buckets) {

    private static final Pattern SAMPLE = Pattern.compile(
            "^mailpulse_ingest_batch_apply_seconds(_count|_sum|_bucket)(?:\\{([^}]*)})?\\s+(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    /** Zeros while the timer is not registered yet. */
    static BatchApplyTimer scrape() {
        return parse(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString());
    }

    static BatchApplyTimer parse(String prometheusText) {
        double count = 0;
        double sum = 0;
        TreeMap<Double, Double> buckets = new TreeMap<>();
        Matcher sample = SAMPLE.matcher(prometheusText);
        while (sample.find()) {
            double value = Double.parseDouble(sample.group(3));
            switch (sample.group(1)) {
                case "_count" -> count = value;
                case "_sum" -> sum = value;
                default -> {
                    Matcher le = LE.matcher(sample.group(2));
                    if (le.find()) {
                        buckets.put(le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1)), value);
                    }
                }
            }
        }
        return new BatchApplyTimer(count, sum, buckets);
    }

    BatchApplyTimer since(BatchApplyTimer before) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        buckets.forEach((le, cumulative) -> delta.put(le, cumulative - before.buckets.getOrDefault(le, 0.0)));
        return new BatchApplyTimer(count - before.count, sumSeconds - before.sumSeconds, delta);
    }

    double meanMillis() {
        return count == 0 ? 0 : sumSeconds / count * 1000;
    }

    double p50Seconds() {
        return quantile(0.5);
    }

    double p99Seconds() {
        return quantile(0.99);
    }

    private double quantile(double q) {
        if (buckets.isEmpty() || buckets.lastEntry().getValue() == 0) {
            return 0;
        }
        double rank = q * buckets.lastEntry().getValue();
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = bucket.getValue() - lowerCount;
                return inBucket == 0 ? bucket.getKey() : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return lowerBound;
    }
}
