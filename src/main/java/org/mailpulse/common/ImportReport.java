package org.mailpulse.common;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * What a CSV upload did: counts, and each rejected line with its reason (the first 1,000 listed; the count is
 * exact). Duplicates are detected within a chunk of rows; a repeat in a later chunk updates the same row.
 * {@code suppressed} counts enrolments of suppressed addresses, which are kept but never sent.
 */
@RegisterForReflection
public record ImportReport(long created, long updated, long suppressed, long rejectedCount, List<Rejection> rejected) {

    @RegisterForReflection
    @Schema(name = "ImportRejection")
    public record Rejection(long line, String reason) {
    }

    public static final class Builder {
        private static final int LISTED = 1_000;
        private long created;
        private long updated;
        private long suppressed;
        private long rejectedCount;
        private final List<Rejection> rejected = new ArrayList<>();

        public void created(long count) {
            created += count;
        }

        public void updated(long count) {
            updated += count;
        }

        public void suppressed() {
            suppressed++;
        }

        public void reject(long line, String reason) {
            rejectedCount++;
            if (rejected.size() < LISTED) {
                rejected.add(new Rejection(line, reason));
            }
        }

        public ImportReport build() {
            return new ImportReport(created, updated, suppressed, rejectedCount, List.copyOf(rejected));
        }
    }
}
