package org.mailpulse.campaign;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailpulse.reliability.ReliabilityProfile;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.SesStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sending instance of the packaged application gets SIGTERM in the middle of a 1,000-mail campaign: it leaves no
 * message SENDING, and after a restart the campaign completes with every address mailed exactly once.
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class SenderDrainIT {

    private static final int RECIPIENTS = 1_000;
    private static final String[] SENDER = {"-Dmailpulse.sending.enabled=true", "-Dmailpulse.sending.max-rate=100",
            "-Dmailpulse.sending.poll-interval=1s"};

    @BeforeAll
    static void token() {
        ApiToken.install();
    }

    @Test
    void sigtermInTheMiddleOfACampaignStrandsNothingAndSendsEachMailOnce() throws Exception {
        String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        List<String> addresses = new ArrayList<>();
        List<Map<String, Object>> recipients = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            String address = "drain-" + run + "-" + i + "@example.com";
            addresses.add(address);
            recipients.add(Map.of("email", address, "data", Map.of("name", "R" + i)));
        }
        String template = given().contentType(ContentType.JSON).body(Map.of("name", "Drain", "provider", "internal",
                "subject", "Hi {{name}}", "textBody", "Hello {{name}}")).post("/api/templates").then().statusCode(201).extract().path("id");
        String id = given().contentType(ContentType.JSON).body(Map.of("name", "Drain " + run, "templateId", template))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON).body(Map.of("recipients", recipients)).post("/api/campaigns/" + id + "/recipients")
                .then().statusCode(200);
        given().post("/api/campaigns/" + id + "/queue").then().statusCode(200);
        UUID campaign = UUID.fromString(id);

        long sentAtSigterm;
        long sendingAfterExit;
        long readyAfterExit;
        try (AppInstance app = AppInstance.start("sender", SENDER)) {
            app.awaitReady(Duration.ofSeconds(90));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> sent(campaign) >= RECIPIENTS / 5);
            sentAtSigterm = sent(campaign);
            assertThat(app.terminate(Duration.ofSeconds(60))).as("exits within the grace period").isTrue();
            sendingAfterExit = Db.count("select count(*) from campaign_recipients where campaign_id = ? and status = 'SENDING'", campaign);
            readyAfterExit = Db.count("select count(*) from campaign_recipients where campaign_id = ? and status = 'READY_TO_SEND'", campaign);
            System.out.printf("[drain] SIGTERM at %d of %d sent; after exit %d SENDING, %d READY_TO_SEND; %s%n", sentAtSigterm, RECIPIENTS,
                    sendingAfterExit, readyAfterExit, app.log().lines().filter(l -> l.contains("Sender drained")).findFirst().orElse(""));

            assertThat(sendingAfterExit).as("messages left SENDING right after exit").isZero();
            assertThat(readyAfterExit).as("the SIGTERM came in the middle of the campaign").isPositive();
            assertThat(app.log()).contains("Sender drained");

            app.launch();
            app.awaitReady(Duration.ofSeconds(90));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "done".equals(given().get("/api/campaigns/" + id).then().statusCode(200).extract().path("status")));
        }

        assertThat(sent(campaign)).isEqualTo(RECIPIENTS);
        Map<String, Long> mailsByAddress = SesStore.all().stream()
                .flatMap(mail -> recipientsOf(mail).stream())
                .filter(address -> address.startsWith("drain-" + run + "-"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(mailsByAddress.keySet()).as("every address mailed").containsExactlyInAnyOrderElementsOf(addresses);
        assertThat(mailsByAddress.entrySet().stream().filter(e -> e.getValue() != 1).toList()).as("addresses mailed more than once").isEmpty();
    }

    private static long sent(UUID campaign) {
        return Db.count("select count(*) from campaign_recipients where campaign_id = ? and sent_at is not null", campaign);
    }

    @SuppressWarnings("unchecked")
    private static List<String> recipientsOf(Map<String, Object> mail) {
        return (List<String>) ((Map<String, Object>) mail.get("destination")).get("to");
    }
}
