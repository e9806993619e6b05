package org.mailpulse.testsupport;

import java.util.List;

import static io.restassured.RestAssured.given;

/** When the SES endpoint received SendEmail calls (the simulator's GET /_simulator/send-times, epoch ms). */
public final class SendTimes {

    private SendTimes() {
    }

    public static List<Long> all() {
        return given().baseUri(TestServers.sesProxy()).get("/_simulator/send-times").then().statusCode(200)
                .extract().jsonPath().getList(".", Long.class);
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
}
