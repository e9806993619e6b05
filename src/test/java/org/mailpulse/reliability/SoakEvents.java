package org.mailpulse.reliability;

import org.mailpulse.bench.EventMix;
import org.mailpulse.bench.Population;
import org.mailpulse.bench.Workload;
import org.mailpulse.testsupport.SesFixtures;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An endless stream of SQS bodies with the benchmark's traffic-like mix (the shares of {@code bench.Workload}): every
 * SES event type from the committed fixtures, both record formats, half in an SNS envelope, 2 % of messages
 * MailPulse did not send and 5 % exact copies of a recent body. Each body is rendered when its batch is built, with
 * every timestamp set to that moment, so that {@code event_time} in the history row is the enqueue time.
 *
 * <p>Messages are visited round-robin, so two events of one message and type are never stamped with the same
 * millisecond (at any rate below {@code messages} per millisecond); with a feedback id of its own for each bounce and
 * complaint, and at most one Send, Reject and Rendering Failure per message, every non-duplicate is a distinct SES
 * event.
 * SES message ids of the unknown messages are {@code <run>-unknown-<n>}, so that every history row of the run has a
 * {@code ses_message_id} starting with {@code <run>-}. Not thread-safe: one sender thread draws from it.
 */
final class SoakEvents {

    private static final double DUPLICATE_SHARE = 0.05;
    private static final double UNKNOWN_MESSAGE_SHARE = 0.02;
    private static final double SNS_SHARE = 0.5;
    /** Duplicates repeat one of the last this many unique bodies (SNS redeliveries come soon after the original). */
    private static final int RECENT = 1_000;

    private static final String TIME = SesFixtures.sesTimestamp(Instant.EPOCH);
    private static final String MESSAGE_ID = "SOAKMESSAGEID";
    private static final String RECIPIENT = "SOAKRECIPIENT";
    private static final String CAMPAIGN = "SOAKCAMPAIGN";
    private static final String CUSTOMER = "SOAKCUSTOMER";
    private static final String SNS_ID = "SOAKSNSID";
    private static final String FEEDBACK_ID = "SOAKFEEDBACKID";

    private final String run;
    private final Population population;
    private final Random random;
    private final Map<String, String> rawTemplates = new HashMap<>();
    private final Map<String, String> snsTemplates = new HashMap<>();
    private final String[] recent = new String[RECENT];
    private int nextMessage;
    private final Set<String> oncePerMessage = new HashSet<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong unique = new AtomicLong();

    SoakEvents(String run, Population population, long seed) {
        this.run = run;
        this.population = population;
        this.random = new Random(seed);
        for (String fixture : EventMix.allFixtures()) {
            SesFixtures.Event event = SesFixtures.event(fixture).mailTimestamp(Instant.EPOCH).eventTimestamp(Instant.EPOCH)
                    .messageId(MESSAGE_ID).recipient(RECIPIENT).campaignId(CAMPAIGN).customerId(CUSTOMER)
                    .userId("soak-user").reportType("1");
            String type = Workload.eventType(fixture);
            if (type.equals("bounce") || type.equals("complaint")) {
                event.field(type, "feedbackId", FEEDBACK_ID);
            }
            rawTemplates.put(fixture, event.raw());
            snsTemplates.put(fixture, event.inSnsEnvelope(SNS_ID));
        }
    }

    /** The next body, every timestamp of a new event being {@code now} (SES format). */
    String next(String now) {
        long index = sent.getAndIncrement();
        long uniqueSoFar = unique.get();
        if (uniqueSoFar > 0 && random.nextDouble() < DUPLICATE_SHARE) {
            return recent[random.nextInt((int) Math.min(RECENT, uniqueSoFar))];
        }
        String fixture = EventMix.drawFixture(random);
        boolean sns = random.nextDouble() < SNS_SHARE;
        String messageId;
        String recipient;
        String campaign;
        String customer;
        if (random.nextDouble() < UNKNOWN_MESSAGE_SHARE) {
            messageId = run + "-unknown-" + index;
            recipient = "unknown-" + run + "-" + index + "@elsewhere.example.com";
            campaign = "none";
            customer = "none";
        } else {
            int message = nextMessage++ % population.size();
            // SES reports a message's Send, Reject or Rendering Failure once: a second one would be the same event.
            while (Workload.ONCE_PER_MESSAGE.contains(Workload.eventType(fixture)) && !oncePerMessage.add(message + "/" + Workload.eventType(fixture))) {
                fixture = EventMix.drawFixture(random);
            }
            Population.Recipient r = population.recipient(message);
            messageId = r.sesMessageId();
            recipient = r.email();
            campaign = population.campaignId().toString();
            customer = r.customerId().toString();
        }
        String body = sns ? snsTemplates.get(fixture) : rawTemplates.get(fixture);
        body = body.replace(TIME, now).replace(MESSAGE_ID, messageId).replace(RECIPIENT, recipient)
                .replace(CAMPAIGN, campaign).replace(CUSTOMER, customer).replace(FEEDBACK_ID, run + "-feedback-" + index);
        if (sns) {
            body = body.replace(SNS_ID, run + "-sns-" + index);
        }
        recent[(int) (uniqueSoFar % RECENT)] = body;
        unique.incrementAndGet();
        return body;
    }

    /** Bodies handed out, duplicates included. */
    long sent() {
        return sent.get();
    }

    /** Distinct inputs handed out: each must become exactly one history row. */
    long unique() {
        return unique.get();
    }
}
