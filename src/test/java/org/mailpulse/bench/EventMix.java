package org.mailpulse.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A traffic-like mix of SES event types, as shares in percent of the committed fixtures; where a type has several
 * fixtures (both record formats, variants) one is drawn at random.
 */
public enum EventMix {
    SEND(20, "publishing/send.json"),
    DELIVERY(19, "publishing/delivery.json", "notification/delivery.json"),
    OPEN(25, "publishing/open.json"),
    CLICK(10, "publishing/click.json"),
    BOUNCE_TRANSIENT(3, "publishing/bounce-transient.json", "notification/bounce-transient.json"),
    BOUNCE_PERMANENT(2, "publishing/bounce-permanent.json", "notification/bounce-permanent.json"),
    COMPLAINT(1, "publishing/complaint.json", "notification/complaint.json"),
    DELIVERY_DELAY(3, "publishing/delivery-delay.json"),
    REJECT(1, "publishing/reject.json"),
    RENDERING_FAILURE(1, "publishing/rendering-failure.json"),
    SUBSCRIPTION(1, "publishing/subscription-unsubscribe-all.json", "publishing/subscription-topic-change.json");

    private static final int TOTAL_WEIGHT = Arrays.stream(values()).mapToInt(k -> k.weight).sum();

    private final int weight;
    private final String[] fixtures;

    EventMix(int weight, String... fixtures) {
        this.weight = weight;
        this.fixtures = fixtures;
    }

    private static EventMix draw(Random random) {
        int ticket = random.nextInt(TOTAL_WEIGHT);
        for (EventMix kind : values()) {
            ticket -= kind.weight;
            if (ticket < 0) {
                return kind;
            }
        }
        throw new IllegalStateException();
    }

    /** A fixture drawn with the mix's shares. */
    public static String drawFixture(Random random) {
        EventMix kind = draw(random);
        return kind.fixtures[random.nextInt(kind.fixtures.length)];
    }

    public static List<String> allFixtures() {
        return Arrays.stream(values()).flatMap(kind -> Arrays.stream(kind.fixtures)).toList();
    }
}
