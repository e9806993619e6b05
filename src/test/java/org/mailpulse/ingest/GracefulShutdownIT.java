package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.embedded.FreePort;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;
import org.mailpulse.testsupport.TestServers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A second instance of the packaged application gets SIGTERM in the middle of a stream: it stops receiving,
 * finishes what it holds and exits in time, and every event ends up applied exactly once.
 */
@QuarkusIntegrationTest
class GracefulShutdownIT {

    @Test
    void sigtermDuringAStreamLosesNothing() throws Exception {
        UUID campaign = TestData.campaign();
        List<SentMessage> messages = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            messages.add(TestData.sentMessage(campaign));
        }
        Path log = Files.createTempFile("mailpulse-second-instance", ".log");
        int port = FreePort.find();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(TestServers.applicationOptions(port));
        command.addAll(List.of("-jar", new File("target/quarkus-app/quarkus-run.jar").getAbsolutePath()));
        Process second = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            FreePort.awaitListening(port, 60_000, "second instance");
            List<String> bodies = new ArrayList<>();
            for (String fixture : List.of("publishing/delivery.json", "publishing/open.json", "publishing/click.json")) {
                for (SentMessage m : messages) {
                    bodies.add(SesFixtures.event(fixture).messageId(m.sesMessageId()).recipient(m.email()).inSnsEnvelope("sns-" + UUID.randomUUID()));
                }
            }
            Queue.send(bodies);
            await().atMost(Duration.ofSeconds(30)).until(() -> Db.count("select count(*) from email_events_op where campaign_id = ?", campaign) > 0);

            second.destroy(); // SIGTERM
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("exits within the grace period").isTrue();
            assertThat(Files.readString(log)).contains("SES event ingestion stopped");
        } finally {
            second.destroyForcibly();
        }

        Queue.awaitDrained(Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count("select count(*) from email_events_op where campaign_id = ?", campaign) == 300);
        assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ? and status = 'CLICKED' and open_count = 1 and click_count = 1",
                campaign)).isEqualTo(100);
        assertThat(Queue.depth(TestServers.deadLetterQueueUrl())).isZero();
    }
}
