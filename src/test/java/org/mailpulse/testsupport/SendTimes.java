package org.mailpulse.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;

/** When the SES endpoint received SendEmail calls (the simulator's GET /_simulator/send-times, epoch ms). */
public final class SendTimes {

    private SendTimes() {
    }

    public static List<Long> all() {
        return at(TestServers.sesProxy());
    }

    /** The send times of the simulator at {@code endpoint}. */
    public static List<Long> at(String endpoint) {
        return given().baseUri(endpoint).get("/_simulator/send-times").then().statusCode(200)
                .extract().jsonPath().getList(".", Long.class);
    }

    /** Leaves the times in {@code target/<name>} (epoch ms, one per line) for a closer look. */
    public static void save(String name, List<Long> times) throws IOException {
        Files.write(Path.of("target", name), times.stream().map(String::valueOf).toList());
    }

    /** The most calls in any window of one second [t, t + 1000 ms) that starts at a call. */
    public static int busiestSecond(List<Long> times) {
        List<Long> sorted = times.stream().sorted().toList();
        int busiest = 0;
        for (int from = 0, to = 0; from < sorted.size(); from++) {
            while (to < sorted.size() && sorted.get(to) < sorted.get(from) + 1000) {
                to++;
            }
            busiest = Math.max(busiest, to - from);
        }
        return busiest;
    }

    /** The longest time in ms between two consecutive calls: at a steady rate, a stall of the path to the endpoint. */
    public static long longestGap(List<Long> times) {
        List<Long> sorted = times.stream().sorted().toList();
        long longest = 0;
        for (int i = 1; i < sorted.size(); i++) {
            longest = Math.max(longest, sorted.get(i) - sorted.get(i - 1));
        }
        return longest;
    }

    /**
     * The share of {@code rate} the calls used: calls / (rate × their span), where the span runs from the first call
     * to one slot after the last (n calls exactly {@code 1/rate} apart use the whole rate).
     */
    public static double utilisation(List<Long> times, int rate) {
        if (times.size() < 2) {
            return 0;
        }
        long first = times.stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = times.stream().mapToLong(Long::longValue).max().orElseThrow();
        double spanSeconds = (last - first) / 1000.0 + 1.0 / rate;
        return times.size() / (rate * spanSeconds);
    }
}
