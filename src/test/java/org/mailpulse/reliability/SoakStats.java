package org.mailpulse.reliability;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Arithmetic of the soak's figures: nearest-rank percentiles over every value, least-squares slopes, number formats. */
final class SoakStats {

    private SoakStats() {
    }

    /** Nearest-rank percentile of values already sorted ascending; NaN when there are none. */
    static double percentile(double[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** Least-squares slope of y over x for the points given as {x, y}, skipping NaN; NaN with fewer than two points. */
    static double slope(List<double[]> points) {
        List<double[]> valid = points.stream().filter(p -> !Double.isNaN(p[1])).toList();
        if (valid.size() < 2) {
            return Double.NaN;
        }
        double meanX = valid.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double meanY = valid.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double num = 0;
        double den = 0;
        for (double[] p : valid) {
            num += (p[0] - meanX) * (p[1] - meanY);
            den += (p[0] - meanX) * (p[0] - meanX);
        }
        return den == 0 ? Double.NaN : num / den;
    }

    /** 1,234,567 */
    static String count(double value) {
        return String.format(Locale.ROOT, "%,d", Math.round(value));
    }

    /** Milliseconds: whole above 10, one decimal below. */
    static String millis(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return value >= 10 ? String.format(Locale.ROOT, "%,d", Math.round(value)) : String.format(Locale.ROOT, "%.1f", value);
    }

    static String mib(double value) {
        return Double.isNaN(value) ? "-" : String.valueOf(Math.round(value));
    }

    static String signed(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%+.2f", value);
    }
}
