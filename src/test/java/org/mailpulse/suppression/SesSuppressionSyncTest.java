package org.mailpulse.suppression;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailpulse.suppression.sessync.SesSuppressionExporter;
import org.mailpulse.suppression.sessync.SesSuppressionImporter;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Both directions of the sync with the SES account suppression list, against the SES simulator over HTTP through
 * the application's real SES v2 client, with events through the real queue and SES failing in between.
 */
@QuarkusTest
@TestProfile(SesSuppressionSyncProfile.class)
class SesSuppressionSyncTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    SesSuppressionExporter exporter;

    @Inject
    SesSuppressionImporter importer;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void switchesAreStoredAndSesIsHealthy() {
        await().atMost(WAIT).until(() -> Boolean.TRUE.equals(Db.row("select export_enabled and lift_enabled as on from ses_suppression_sync").get("on")));
        given().baseUri(TestServers.sesProxy()).post("/_simulator/clear").then().statusCode(200);
    }

    // ---------------------------------------------------------------- export

    @Test
    void hardBouncesAndComplaintsArePutOnTheSesListButNotWhatSesSuppressedItself() {
        String bounced = ingest("publishing/bounce-permanent.json", null);
        String complained = ingest("publishing/complaint.json", null);
        String onAccountList = ingest("publishing/bounce-permanent.json", "OnAccountSuppressionList");
        String softBounced = ingest("publishing/bounce-transient.json", null);
        awaitSuppressed(bounced, complained, onAccountList);
        Queue.awaitDrained();

        assertThat(outbox(bounced)).containsEntry("action", "put").containsEntry("ses_reason", "BOUNCE");
        assertThat(outbox(complained)).containsEntry("action", "put").containsEntry("ses_reason", "COMPLAINT");
        assertThat(Db.count("select count(*) from ses_suppression_outbox where email in (?, ?)", onAccountList, softBounced)).isZero();
        assertThat(sesList()).doesNotContainKeys(bounced, complained);

        exportUntilDone(bounced, complained);

        Map<String, String> ses = sesList();
        assertThat(ses).containsEntry(bounced, "BOUNCE").containsEntry(complained, "COMPLAINT").doesNotContainKeys(onAccountList, softBounced);
    }

    @Test
    void manualAndUnsubscribeSuppressionsStayInMailPulse() {
        String manual = address();
        given().contentType("application/json").body("{}").put("/api/suppressions/{email}", manual).then().statusCode(201);

        assertThat(Db.count("select count(*) from ses_suppression_outbox where email = ?", manual)).isZero();
    }

    @Test
    void aStrongerReasonReplacingAWeakerOneIsExportedWithTheNewReason() {
        String email = ingest("publishing/bounce-permanent.json", null);
        awaitSuppressed(email);
        exportUntilDone(email);
        assertThat(sesList()).containsEntry(email, "BOUNCE");

        given().contentType("application/json").body("{\"reason\":\"complaint\"}").put("/api/suppressions/{email}", email).then().statusCode(200);
        exportUntilDone(email);

        assertThat(sesList()).containsEntry(email, "COMPLAINT");
    }

    // ---------------------------------------------------------------- lift

    @Test
    void aLiftDeletesTheAddressAtSesToo() {
        String exported = ingest("publishing/complaint.json", null);
        awaitSuppressed(exported);
        exportUntilDone(exported);
        String imported = address();
        control("POST", "suppression/put?address=" + imported + "&reason=BOUNCE&time=" + Instant.now());
        runImport();
        assertThat(source(imported)).isEqualTo("ses-account");

        given().delete("/api/suppressions/{email}", exported).then().statusCode(204);
        given().delete("/api/suppressions/{email}", imported).then().statusCode(204);
        assertThat(outbox(exported)).containsEntry("action", "delete");
        assertThat(outbox(imported)).containsEntry("action", "delete");

        // the lift stands even if an import runs before SES has the deletion
        control("POST", "suppression/put?address=" + imported + "&reason=BOUNCE&time=" + Instant.now());
        runImport();
        assertThat(Db.count("select count(*) from suppression_list where email = ?", imported)).isZero();

        exportUntilDone(exported, imported);
        assertThat(sesList()).doesNotContainKeys(exported, imported);
    }

    // ---------------------------------------------------------------- import

    @Test
    void importReadsEveryPageThenOnlyWhatChangedSinceTheLastRun() {
        Db.update("update ses_suppression_sync set import_cursor = null");
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        List<String> first = addresses(7);
        for (int i = 0; i < first.size(); i++) {
            control("POST", "suppression/put?address=" + first.get(i) + "&reason=" + (i % 2 == 0 ? "BOUNCE" : "COMPLAINT")
                    + "&time=" + base.plusSeconds(i));
        }
        // a stronger reason in MailPulse stays; a weaker one gives way
        given().contentType("application/json").body("{\"reason\":\"complaint\"}").put("/api/suppressions/{email}", first.get(0)).then().statusCode(201);
        given().contentType("application/json").body("{\"reason\":\"manual\"}").put("/api/suppressions/{email}", first.get(2)).then().statusCode(201);

        SesSuppressionImporter.Result run = runImport();

        assertThat(run.read()).isEqualTo(8); // and the mailbox simulator's address
        assertThat(run.pages()).isEqualTo(3);
        assertThat(reason(first.get(0))).isEqualTo("complaint");
        assertThat(source(first.get(0))).isEqualTo("ops");
        for (int i = 1; i < first.size(); i++) {
            assertThat(reason(first.get(i))).as(first.get(i)).isEqualTo(i % 2 == 0 ? "bounce_hard" : "complaint");
            assertThat(source(first.get(i))).isEqualTo("ses-account");
        }
        assertThat(reason("suppressionlist@simulator.amazonses.com")).isEqualTo("bounce_hard");
        assertThat(cursor()).isEqualTo(base.plusSeconds(6));
        // nothing read in goes back out; the operator's complaint does
        assertThat(Db.count("select count(*) from ses_suppression_outbox where email = any(?)",
                (Object) first.subList(1, first.size()).toArray(String[]::new))).isZero();
        assertThat(outbox(first.get(0))).containsEntry("action", "put").containsEntry("ses_reason", "COMPLAINT");

        List<String> second = addresses(2);
        control("POST", "suppression/put?address=" + second.get(0) + "&reason=COMPLAINT&time=" + base.plusSeconds(10));
        control("POST", "suppression/put?address=" + second.get(1) + "&reason=BOUNCE&time=" + base.plusSeconds(11));

        SesSuppressionImporter.Result next = runImport();

        assertThat(next.read()).isEqualTo(3); // the entry at the cursor, read again harmlessly, and the two new ones
        assertThat(next.suppressed()).isEqualTo(2);
        assertThat(reason(second.get(0))).isEqualTo("complaint");
        assertThat(reason(second.get(1))).isEqualTo("bounce_hard");
        assertThat(cursor()).isEqualTo(base.plusSeconds(11));
        assertThat(registry.get("mailpulse.ses_suppression.import.last_success").gauge().value())
                .isGreaterThanOrEqualTo(Instant.now().minusSeconds(60).getEpochSecond());
    }

    // ---------------------------------------------------------------- SES failing

    @Test
    void exportsWaitOutThrottlingAndAnOutageWithoutHoldingUpIngestion() {
        String before = ingest("publishing/bounce-permanent.json", null);
        awaitSuppressed(before);
        control("POST", "suppression/fail-next?count=3&fault=THROTTLING");
        control("POST", "suppression/fail-next?count=3&fault=TRANSIENT");
        double retriesBefore = calls("put", "retry");

        assertThat(exporter.runOnce().await().atMost(WAIT).done()).isZero();
        Map<String, Object> failed = outbox(before);
        assertThat(failed).containsEntry("attempts", 1);
        assertThat((String) failed.get("last_error")).contains("429").contains("TooManyRequestsException");

        // SES is still failing: ingestion goes on, and what it suppresses queues up
        List<String> during = List.of(ingest("publishing/complaint.json", null), ingest("publishing/bounce-permanent.json", null),
                ingest("publishing/complaint.json", null), ingest("publishing/bounce-permanent.json", null),
                ingest("publishing/complaint.json", null));
        awaitSuppressed(during.toArray(String[]::new));
        assertThat(Db.count("select count(*) from ses_suppression_outbox where email = any(?)", (Object) during.toArray(String[]::new))).isEqualTo(5);

        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of(before), during.stream()).toArray(String[]::new);
        exportUntilDone(all);

        Map<String, String> ses = sesList();
        assertThat(ses).containsKeys(all);
        assertThat(calls("put", "retry") - retriesBefore).isEqualTo(6);
        assertThat(Db.count("select count(*) from ses_suppression_outbox where email = any(?)", (Object) all)).isZero();
    }

    @Test
    void anImportCutShortByThrottlingOrAnOutageLosesNothing() {
        Db.update("update ses_suppression_sync set import_cursor = null");
        Instant base = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        List<String> entries = addresses(7);
        for (int i = 0; i < entries.size(); i++) {
            control("POST", "suppression/put?address=" + entries.get(i) + "&reason=BOUNCE&time=" + base.plusSeconds(i));
        }
        // the second page is throttled, then the first page of the next run finds SES down
        control("POST", "suppression/fail-next?after=1&count=1&fault=THROTTLING");
        control("POST", "suppression/fail-next?count=1&fault=TRANSIENT");

        assertThatThrownBy(this::runImport).hasMessageContaining("429");
        assertThat(cursor()).isNull();
        assertThatThrownBy(this::runImport).hasMessageContaining("503");
        assertThat(cursor()).isNull();

        SesSuppressionImporter.Result run = runImport();

        assertThat(run.ran()).isTrue();
        for (String email : entries) {
            assertThat(reason(email)).as(email).isEqualTo("bounce_hard");
        }
        assertThat(cursor()).isEqualTo(base.plusSeconds(6));
        assertThat(Db.row("select import_lease_owner from ses_suppression_sync").get("import_lease_owner")).isNull();
    }

    @Test
    void oneImportAtATime() {
        Db.update("update ses_suppression_sync set import_lease_owner = ?, import_lease_until = now() + interval '1 minute'", UUID.randomUUID());
        try {
            assertThat(runImport().ran()).isFalse();
        } finally {
            Db.update("update ses_suppression_sync set import_lease_owner = null, import_lease_until = null");
        }
        assertThat(runImport().ran()).isTrue();
    }

    // ---------------------------------------------------------------- helpers

    private SesSuppressionImporter.Result runImport() {
        return importer.runOnce().await().atMost(WAIT);
    }

    /** Runs the export until none of the addresses has a change pending (back-off included). */
    private void exportUntilDone(String... emails) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            exporter.runOnce().await().atMost(WAIT);
            return Db.count("select count(*) from ses_suppression_outbox where email = any(?)", (Object) emails) == 0;
        });
    }

    /** Sends one SES event for a fresh sent message through the queue; returns its recipient. */
    private static String ingest(String fixture, String bounceSubType) {
        TestData.SentMessage message = TestData.sentMessage();
        String record = SesFixtures.event(fixture).messageId(message.sesMessageId()).recipient(message.email())
                .campaignId(message.campaignId().toString()).customerId(message.customerId().toString()).raw();
        if (bounceSubType != null) {
            record = record.replace("\"bounceSubType\": \"General\"", "\"bounceSubType\": \"" + bounceSubType + "\"");
        }
        Queue.send(record);
        return message.email();
    }

    private static void awaitSuppressed(String... emails) {
        await().atMost(WAIT).until(() -> Db.count("select count(*) from suppression_list where email = any(?)", (Object) emails) == emails.length);
    }

    private static Map<String, Object> outbox(String email) {
        return Db.row("select action, ses_reason, attempts, last_error from ses_suppression_outbox where email = ?", email);
    }

    private static String reason(String email) {
        return (String) Db.row("select reason from suppression_list where email = ?", email).get("reason");
    }

    private static String source(String email) {
        return (String) Db.row("select source from suppression_list where email = ?", email).get("source");
    }

    private static Instant cursor() {
        return Db.instant(Db.row("select import_cursor from ses_suppression_sync").get("import_cursor"));
    }

    private double calls(String operation, String outcome) {
        var counter = registry.find("mailpulse.ses_suppression.calls").tags("operation", operation, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The simulator's account list: address to reason. */
    private static Map<String, String> sesList() {
        List<Map<String, Object>> entries = given().baseUri(TestServers.sesProxy()).get("/_simulator/suppression/entries")
                .then().statusCode(200).extract().jsonPath().getList("$");
        return entries.stream().collect(Collectors.toMap(e -> (String) e.get("emailAddress"), e -> (String) e.get("reason")));
    }

    private static void control(String method, String action) {
        given().baseUri(TestServers.sesProxy()).urlEncodingEnabled(false).request(method, "/_simulator/" + action).then().statusCode(200);
    }

    private static String address() {
        return "sync-" + UUID.randomUUID() + "@example.com";
    }

    private static List<String> addresses(int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> address()).toList();
    }
}
