package org.mailpulse.campaign.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * What an enrolment did. {@code suppressed} addresses are enrolled as SUPPRESSED and never sent;
 * {@code alreadyEnrolled} were in the campaign before; {@code rejected} lists lines (CSV) or positions
 * (JSON, from 1) with the reason, the first 1,000 of them.
 */
@RegisterForReflection
public record EnrolmentReport(long enrolled, long suppressed, long alreadyEnrolled, long rejectedCount, List<Rejection> rejected) {

    @RegisterForReflection
    @Schema(name = "EnrolmentRejection")
    public record Rejection(long line, String reason) {
    }

    public static final class Builder {
        private long enrolled;
        private long suppressed;
        private long alreadyEnrolled;
        private long rejectedCount;
        private final List<Rejection> rejected = new ArrayList<>();

        public void enrolled(long count) {
            enrolled += count;
        }

        public void suppressed(long count) {
            suppressed += count;
        }

        public void alreadyEnrolled(long count) {
            alreadyEnrolled += count;
        }

        public void reject(long line, String reason) {
            rejectedCount++;
            if (rejected.size() < 1_000) {
                rejected.add(new Rejection(line, reason));
            }
        }

        public EnrolmentReport build() {
            return new EnrolmentReport(enrolled, suppressed, alreadyEnrolled, rejectedCount, List.copyOf(rejected));
        }
    }
}
