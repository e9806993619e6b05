package org.mailpulse.bench;

import org.mailpulse.testsupport.SesFixtures;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The benchmark's events: a traffic-like mix of SES event types built from the committed fixtures, half of them in
 * an SNS envelope, some of messages MailPulse did not send, and a share of exact duplicates of earlier bodies.
 *
 * <p>Bodies are rendered ahead of time with {@link #TIME_PLACEHOLDER} as every timestamp; the sender replaces it
 * with the moment it enqueues, so that the event time is the enqueue time.
 */
public final class Workload {

    public static final String TIME_PLACEHOLDER = SesFixtures.sesTimestamp(Instant.EPOCH);

    private static final double DUPLICATE_SHARE = 0.05;
    private static final double UNKNOWN_MESSAGE_SHARE = 0.02;
    private static final double SNS_SHARE = 0.5;
    /** The types SES reports once per message: a second one of a message would be the same event. */
    public static final Set<String> ONCE_PER_MESSAGE = Set.of("send", "reject", "rendering_failure");

    /**
     * One event: its fixture, the index of its message in a {@link Population} (-1: a message MailPulse did not
     * send), and for a duplicate the index of the event it repeats (else -1).
     */
    public record Spec(String fixture, int message, boolean sns, int duplicateOf) {

        public boolean isDuplicate() {
            return duplicateOf >= 0;
        }
    }

    private final String run;
    private final List<Spec> specs;

    private Workload(String run, List<Spec> specs) {
        this.run = run;
        this.specs = specs;
    }

    /**
     * Messages are visited round-robin, so two events of one message are at least {@code messages} positions apart: raw
     * records (keyed on message, type, time and recipients) of the same message and type are then never stamped
     * with the same millisecond, and every non-duplicate is a distinct input.
     */
    public static Workload generate(String run, int events, int messages, long seed) {
        Random random = new Random(seed);
        List<Spec> specs = new ArrayList<>(events);
        List<Integer> originals = new ArrayList<>(events);
        Set<String> oncePerMessage = new HashSet<>();
        int nextMessage = 0;
        for (int i = 0; i < events; i++) {
            if (!originals.isEmpty() && random.nextDouble() < DUPLICATE_SHARE) {
                specs.add(new Spec(null, -1, false, originals.get(random.nextInt(originals.size()))));
                continue;
            }
            String fixture = EventMix.drawFixture(random);
            int message = random.nextDouble() < UNKNOWN_MESSAGE_SHARE ? -1 : nextMessage++ % messages;
            // SES reports a message's Send, Reject or Rendering Failure once: a second one would be the same event.
            while (message >= 0 && ONCE_PER_MESSAGE.contains(eventType(fixture)) && !oncePerMessage.add(message + "/" + eventType(fixture))) {
                fixture = EventMix.drawFixture(random);
            }
            specs.add(new Spec(fixture, message, random.nextDouble() < SNS_SHARE, -1));
            originals.add(i);
        }
        return new Workload(run, specs);
    }

    public int size() {
        return specs.size();
    }

    public Spec spec(int index) {
        return specs.get(index);
    }

    public int unique() {
        return size() - duplicates();
    }

    public int duplicates() {
        return (int) specs.stream().filter(Spec::isDuplicate).count();
    }

    public int unknownMessages() {
        return (int) specs.stream().filter(s -> !s.isDuplicate() && s.message() < 0).count();
    }

    public int inSnsEnvelope() {
        return (int) specs.stream().filter(s -> !s.isDuplicate() && s.sns()).count();
    }

    public int[] duplicateOf() {
        return specs.stream().mapToInt(Spec::duplicateOf).toArray();
    }

    /** The SQS bodies for the messages of {@code population}, with placeholder times; null where an event repeats an earlier one. */
    public String[] templates(Population population) {
        String[] templates = new String[size()];
        for (int i = 0; i < size(); i++) {
            if (!spec(i).isDuplicate()) {
                templates[i] = template(i, population);
            }
        }
        return templates;
    }

    /**
     * The SQS bodies with fixed times: event {@code i} happens at {@code base + i ms}, and a duplicate is its
     * original's body. Two renderings of one workload on two populations differ only in their ids, so their
     * effects can be compared message by message.
     */
    public List<String> bodies(Population population, Instant base) {
        String[] templates = templates(population);
        List<String> bodies = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            Spec spec = spec(i);
            bodies.add(spec.isDuplicate() ? bodies.get(spec.duplicateOf())
                    : templates[i].replace(TIME_PLACEHOLDER, SesFixtures.sesTimestamp(base.plusMillis(i))));
        }
        return bodies;
    }

    /** How many distinct events of each SES event type (as MailPulse names them) the workload holds. */
    public Map<String, Long> uniqueEventsByType() {
        return specs.stream().filter(s -> !s.isDuplicate())
                .collect(Collectors.groupingBy(s -> eventType(s.fixture()), TreeMap::new, Collectors.counting()));
    }

    /** How many distinct SES messages the distinct events are about (known and unknown). */
    public long distinctMessages() {
        return IntStream.range(0, size()).filter(i -> !spec(i).isDuplicate())
                .mapToObj(i -> spec(i).message() >= 0 ? "m" + spec(i).message() : "u" + i).distinct().count();
    }

    /** The event type of a fixture, as MailPulse names it (e.g. {@code rendering_failure}). */
    public static String eventType(String fixture) {
        String name = fixture.substring(fixture.indexOf('/') + 1, fixture.indexOf('.'));
        if (name.startsWith("bounce")) {
            return "bounce";
        }
        if (name.startsWith("subscription")) {
            return "subscription";
        }
        return name.replace('-', '_');
    }

    private String template(int index, Population population) {
        Spec spec = spec(index);
        SesFixtures.Event event = SesFixtures.event(spec.fixture())
                .mailTimestamp(Instant.EPOCH)
                .eventTimestamp(Instant.EPOCH)
                .userId("bench-user")
                .reportType("1");
        if (spec.message() >= 0) {
            Population.Recipient recipient = population.recipient(spec.message());
            event.messageId(recipient.sesMessageId())
                    .recipient(recipient.email())
                    .campaignId(population.campaignId().toString())
                    .customerId(recipient.customerId().toString());
        } else {
            event.messageId(run + "-unknown-" + index).recipient("unknown-" + run + "-" + index + "@elsewhere.example.com");
        }
        // Every bounce and complaint is its own SES notification, with its own feedback id (the fixture's is shared).
        String type = eventType(spec.fixture());
        if (type.equals("bounce") || type.equals("complaint")) {
            event.field(type, "feedbackId", run + "-feedback-" + index);
        }
        return spec.sns() ? event.inSnsEnvelope(run + "-sns-" + index) : event.raw();
    }
}
