package org.mailpulse.bench;

import java.nio.charset.StandardCharsets;

/**
 * The CSV files the enrolment and scale benchmarks post, part by part: a customer file (email,name,company,country)
 * and an enrolment file (email,name,plan). Every {@code duplicateEvery}th row of a part repeats the row before it and
 * every {@code badEvery}th has no valid address (0: none); address {@code i} is {@code <prefix>-<i>@d<i % 97>.example}.
 */
record CsvFiles(int partRows, int duplicateEvery, int badEvery) {

    byte[] customers(String prefix, int part) {
        StringBuilder csv = new StringBuilder(partRows * 48).append("email,name,company,country\n");
        rows(part, (i, valid) -> csv.append(address(prefix, i, valid)).append(",Person ").append(i)
                .append(",Company ").append(i % 5000).append(',').append(i % 2 == 0 ? "GB" : "US").append('\n'));
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    byte[] enrolment(String prefix, int part) {
        StringBuilder csv = new StringBuilder(partRows * 40).append("email,name,plan\n");
        rows(part, (i, valid) -> csv.append(address(prefix, i, valid)).append(",Person ").append(i)
                .append(',').append(i % 3 == 0 ? "pro" : "free").append('\n'));
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** How many rows of each part are refused: the bad ones and the repeats. */
    long rejectedPerPart() {
        return java.util.stream.IntStream.rangeClosed(1, partRows).filter(r -> every(r, badEvery) || every(r, duplicateEvery)).count();
    }

    static String address(String prefix, long index, boolean valid) {
        return valid ? prefix + "-" + index + "@d" + (index % 97) + ".example" : "not-an-address";
    }

    private interface RowWriter {
        void row(long index, boolean valid);
    }

    private void rows(int part, RowWriter writer) {
        long index = (long) part * partRows;
        for (int r = 1; r <= partRows; r++) {
            if (every(r, badEvery)) {
                writer.row(-1, false);
            } else if (every(r, duplicateEvery)) {
                writer.row(index - 1, true);
            } else {
                writer.row(index++, true);
            }
        }
    }

    private static boolean every(int row, int every) {
        return every > 0 && row % every == 0;
    }
}
