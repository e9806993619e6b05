package org.mailpulse.config;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.AppInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application in the prod profile: with each missing or placeholder production setting in turn it
 * refuses to start (non-zero exit, one log line per problem); with all of them right it starts and is ready.
 */
@QuarkusIntegrationTest
class ProductionConfigIT {

    private static final String TOKEN = "prod-it-0123456789abcdef0123456789";
    private static final String PREFIX = "Production configuration: ";

    /** The test servers' settings (AppInstance adds them) in the prod profile, with good production values. */
    private static List<String> prod(String... changes) {
        List<String> options = new ArrayList<>(List.of(
                "-Dquarkus.profile=prod",
                "-Dmailpulse.api.tokens=" + TOKEN,
                "-Dmailpulse.unsubscribe.base-url=https://mail.mailpulse.io",
                "-Dmailpulse.sending.from-address=MailPulse <news@mailpulse.io>",
                "-Dmailpulse.sending.enabled=true",
                "-Dmailpulse.sending.configuration-set=mailpulse-events",
                "-Dmailpulse.ingest.sns.topic-arns=arn:aws:sns:eu-west-1:123456789012:mailpulse-ses-events",
                // Nothing of the other tests' campaigns is sent by this instance while it runs.
                "-Dmailpulse.sending.poll-interval=1h",
                "-Dmailpulse.weekly.enabled=false"));
        options.addAll(Arrays.asList(changes));
        return options;
    }

    @Test
    void refusesToStartWithEachBadSetting() throws Exception {
        refused("missing-tokens", List.of("mailpulse.api.tokens is not set"), "-Dmailpulse.api.tokens=");
        refused("short-token", List.of("mailpulse.api.tokens: token 2 of 2 has 11 characters, fewer than 32"),
                "-Dmailpulse.api.tokens=" + TOKEN + ",short-token");
        refused("http-unsubscribe", List.of("mailpulse.unsubscribe.base-url must be the public https:// URL"),
                "-Dmailpulse.unsubscribe.base-url=http://localhost:8080");
        refused("default-sender", List.of("mailpulse.sending.from-address 'MailPulse <no-reply@mailpulse.local>' is a placeholder"),
                "-Dmailpulse.sending.from-address=MailPulse <no-reply@mailpulse.local>");
        refused("example-sender", List.of("mailpulse.sending.from-address 'news@example.com' is a placeholder"),
                "-Dmailpulse.sending.from-address=news@example.com");
        refused("no-configuration-set", List.of("mailpulse.sending.configuration-set is not set while sending is enabled"),
                "-Dmailpulse.sending.configuration-set=");
        refused("no-queue", List.of("mailpulse.ingest.queue-url is not set while ingestion is enabled"), "-Dmailpulse.ingest.queue-url=");
        refused("sns-unverifiable", List.of("mailpulse.ingest.sns.topic-arns is not set while SNS signatures are verified",
                        "mailpulse.ingest.sns.certificate-host-pattern is changed"),
                "-Dmailpulse.ingest.sns.topic-arns=", "-Dmailpulse.ingest.sns.certificate-host-pattern=localhost");
    }

    @Test
    void listsEveryProblemAtOnce() throws Exception {
        refused("all-bad", List.of("mailpulse.api.tokens: token 1 of 1 has 3 characters", "mailpulse.unsubscribe.base-url must be",
                        "mailpulse.sending.from-address 'a@shop.test' is a placeholder", "mailpulse.sending.configuration-set is not set",
                        "mailpulse.ingest.queue-url is not set"),
                "-Dmailpulse.api.tokens=abc", "-Dmailpulse.unsubscribe.base-url=http://mail.mailpulse.io",
                "-Dmailpulse.sending.from-address=a@shop.test", "-Dmailpulse.sending.configuration-set=", "-Dmailpulse.ingest.queue-url=");
    }

    @Test
    void startsAndIsReadyWithGoodSettings() throws Exception {
        try (AppInstance app = AppInstance.start("prod-good", prod().toArray(String[]::new))) {
            app.awaitReady(Duration.ofSeconds(120));
            String log = app.log();
            assertThat(log).contains("Profile prod activated").doesNotContain(PREFIX);
            assertThat(app.getManagement("/q/health/ready").body()).contains("\"status\": \"UP\"");
            assertThat(app.get("/q/health/ready").statusCode()).as("health is not on the public port in prod").isEqualTo(404);
        }
    }

    private static void refused(String name, List<String> expected, String... changes) throws Exception {
        try (AppInstance app = AppInstance.start(name, prod(changes).toArray(String[]::new))) {
            int exit = app.awaitExit(Duration.ofSeconds(120));
            String log = app.log();
            assertThat(exit).as(name + " exit code; log " + app.logFile()).isNotZero();
            List<String> problemLines = log.lines().filter(line -> line.contains(PREFIX)).toList();
            assertThat(problemLines).as(name + ": one line per problem; log " + app.logFile()).hasSameSizeAs(expected);
            for (String problem : expected) {
                assertThat(problemLines).as(name + "; log " + app.logFile()).anyMatch(line -> line.contains(PREFIX + problem));
            }
            assertThat(log).as(name).doesNotContain(TOKEN).doesNotContain("Profile prod activated");
        }
    }
}
