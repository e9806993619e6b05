package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.MalformedReasons;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;
import org.mailpulse.testsupport.TestServers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/** Malformed input is quarantined with its reason and body and never holds back the valid messages beside it. */
@QuarkusTest
class QuarantineTest {

    @Test
    void malformedBodiesAreQuarantinedWhileValidOnesInTheSameBatchesAreApplied() {
        Map<String, String> corpus = SesFixtures.malformedCorpus();
        List<String> bodies = new ArrayList<>();
        List<SentMessage> valid = new ArrayList<>();
        int sendable = 0;
        for (String body : corpus.values()) {
            if (body.isEmpty()) {
                continue; // SQS itself refuses an empty body
            }
            sendable++;
            bodies.add(body);
            if (sendable % 3 == 0) {
                SentMessage message = TestData.sentMessage();
                valid.add(message);
                bodies.add(SesEventIngestionTest.event("publishing/delivery.json", message).inSnsEnvelope("sns-" + UUID.randomUUID()));
            }
        }
        // A well-formed event that PostgreSQL refuses (text columns cannot hold U+0000) must be isolated too.
        SentMessage poisoned = TestData.sentMessage();
        bodies.add(SesEventIngestionTest.event("publishing/open.json", poisoned).raw()
                .replace("\"source\": \"", "\"source\": \"\\u0000"));
        long before = Db.count("select count(*) from ingest_quarantine");

        Queue.send(bodies);
        Queue.awaitDrained();

        assertThat(sendable).isGreaterThanOrEqualTo(20);
        List<Map<String, Object>> quarantined = Db.rows("select reason, body from ingest_quarantine order by id desc limit ?", sendable + 1);
        assertThat(Db.count("select count(*) from ingest_quarantine") - before).isEqualTo(sendable + 1);
        assertThat(quarantined).allSatisfy(q -> assertThat((String) q.get("reason")).isNotBlank());
        assertThat(quarantined).anySatisfy(q -> assertThat((String) q.get("reason")).startsWith("could not be applied"));
        corpus.forEach((name, body) -> {
            if (!body.isEmpty()) {
                assertThat(quarantined).as(name).anySatisfy(q -> {
                    assertThat(body).startsWith((String) q.get("body"));
                    assertThat((String) q.get("reason")).startsWith(MalformedReasons.BY_FIXTURE.get(name));
                });
            }
        });
        for (SentMessage message : valid) {
            assertThat(Db.row("select status from campaign_recipients where ses_message_id = ?", message.sesMessageId()).get("status"))
                    .isEqualTo("DELIVERED");
        }
        assertThat(Queue.depth(TestServers.deadLetterQueueUrl())).isZero();
        given().get("/api/ingest/quarantine?size=5").then().statusCode(200)
                .body("items.size()", greaterThanOrEqualTo(5))
                .body("total", greaterThanOrEqualTo(sendable + 1))
                .body("items[0].reason", org.hamcrest.Matchers.notNullValue())
                .body("items[0].body", org.hamcrest.Matchers.notNullValue());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("mailpulse_ingest_quarantined_total");
    }
}
