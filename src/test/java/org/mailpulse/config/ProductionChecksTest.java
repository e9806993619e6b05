package org.mailpulse.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.mailpulse.ingest.sns.SnsConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each production rule on the real config mapping, from a complete good configuration with one setting changed. */
class ProductionChecksTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    private static Map<String, String> good() {
        Map<String, String> values = new HashMap<>();
        values.put("mailpulse.api.tokens", TOKEN + "," + TOKEN.toUpperCase());
        values.put("mailpulse.unsubscribe.base-url", "https://mail.mailpulse.io");
        values.put("mailpulse.sending.from-address", "News <news@mailpulse.io>");
        values.put("mailpulse.sending.configuration-set", "mailpulse-events");
        values.put("mailpulse.ingest.queue-url", "https://sqs.eu-west-1.amazonaws.com/123456789012/mailpulse-events");
        values.put("mailpulse.ingest.sns.topic-arns", "arn:aws:sns:eu-west-1:123456789012:mailpulse-ses-events");
        return values;
    }

    private static List<String> snsProblems(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(MailPulseConfig.class).withMapping(SnsConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withDefaultValues(values).build();
        return ProductionChecks.sns(config.getConfigMapping(MailPulseConfig.class).ingest().enabled(), config.getConfigMapping(SnsConfig.class));
    }

    private static List<String> snsProblemsWith(String key, String value) {
        Map<String, String> values = good();
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
        return snsProblems(values);
    }

    private static List<String> problems(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(MailPulseConfig.class).withMapping(SnsConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withDefaultValues(values).build();
        return ProductionChecks.problems(config.getConfigMapping(MailPulseConfig.class));
    }

    private static List<String> problemsWith(String key, String value) {
        Map<String, String> values = good();
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
        return problems(values);
    }

    @Test
    void aCompleteConfigurationHasNoProblem() {
        assertThat(problems(good())).isEmpty();
    }

    @Test
    void missingTokens() {
        assertThat(problemsWith("mailpulse.api.tokens", null)).singleElement().asString()
                .startsWith("mailpulse.api.tokens is not set").contains("32 characters");
    }

    @Test
    void everyShortTokenIsReportedWithoutItsValue() {
        List<String> problems = problemsWith("mailpulse.api.tokens", "short-one," + TOKEN + ",also-short-token");
        assertThat(problems).containsExactly("mailpulse.api.tokens: token 1 of 3 has 9 characters, fewer than 32",
                "mailpulse.api.tokens: token 3 of 3 has 16 characters, fewer than 32");
        assertThat(String.join(" ", problems)).doesNotContain("short-one").doesNotContain(TOKEN);
    }

    @Test
    void tokenOfExactly32CharactersIsAccepted() {
        assertThat(problemsWith("mailpulse.api.tokens", TOKEN)).isEmpty();
        assertThat(problemsWith("mailpulse.api.tokens", TOKEN.substring(1))).hasSize(1);
    }

    @Test
    void unsubscribeBaseUrlMustBeHttps() {
        assertThat(problemsWith("mailpulse.unsubscribe.base-url", null)).singleElement().asString()
                .startsWith("mailpulse.unsubscribe.base-url must be the public https:// URL").endsWith("is 'http://localhost:8080'");
        assertThat(problemsWith("mailpulse.unsubscribe.base-url", "http://mail.mailpulse.io")).hasSize(1);
        assertThat(problemsWith("mailpulse.unsubscribe.base-url", "https://")).hasSize(1);
        assertThat(problemsWith("mailpulse.unsubscribe.base-url", "mail.mailpulse.io")).hasSize(1);
        assertThat(problemsWith("mailpulse.unsubscribe.base-url", "HTTPS://mail.mailpulse.io/base")).isEmpty();
    }

    @Test
    void defaultFromAddressIsAPlaceholder() {
        assertThat(problemsWith("mailpulse.sending.from-address", null)).containsExactly(
                "mailpulse.sending.from-address 'MailPulse <no-reply@mailpulse.local>' is a placeholder (domain mailpulse.local): "
                        + "SES refuses to send from it; set an address of an identity verified in SES");
    }

    @Test
    void reservedDomainsArePlaceholders() {
        for (String address : List.of("a@example.com", "a@news.example.org", "A <a@EXAMPLE.NET>", "a@shop.test", "a@x.invalid",
                "a@localhost", "a@host.localhost", "a@corp.internal", "a@mailpulse")) {
            assertThat(problemsWith("mailpulse.sending.from-address", address)).as(address).singleElement().asString().contains("is a placeholder");
        }
        for (String address : List.of("news@mailpulse.io", "Shop News <news@shop.example-store.com>", "a@examples.com")) {
            assertThat(problemsWith("mailpulse.sending.from-address", address)).as(address).isEmpty();
        }
    }

    @Test
    void fromAddressMustBeAnAddress() {
        assertThat(problemsWith("mailpulse.sending.from-address", "MailPulse")).singleElement().asString()
                .isEqualTo("mailpulse.sending.from-address 'MailPulse' is not an email address");
        assertThat(problemsWith("mailpulse.sending.from-address", "news@")).hasSize(1);
    }

    @Test
    void sendingNeedsAConfigurationSet() {
        assertThat(problemsWith("mailpulse.sending.configuration-set", null)).singleElement().asString()
                .startsWith("mailpulse.sending.configuration-set is not set while sending is enabled");
        Map<String, String> values = good();
        values.remove("mailpulse.sending.configuration-set");
        values.put("mailpulse.sending.enabled", "false");
        assertThat(problems(values)).isEmpty();
    }

    @Test
    void ingestionNeedsAQueueUrl() {
        assertThat(problemsWith("mailpulse.ingest.queue-url", null)).singleElement().asString()
                .startsWith("mailpulse.ingest.queue-url is not set while ingestion is enabled");
        Map<String, String> values = good();
        values.remove("mailpulse.ingest.queue-url");
        values.put("mailpulse.ingest.enabled", "false");
        assertThat(problems(values)).isEmpty();
    }

    @Test
    void aCompleteConfigurationHasNoSnsProblem() {
        assertThat(snsProblems(good())).isEmpty();
    }

    @Test
    void verifiedSnsEnvelopesNeedTheTopicAllowList() {
        assertThat(snsProblemsWith("mailpulse.ingest.sns.topic-arns", null)).singleElement().asString()
                .startsWith("mailpulse.ingest.sns.topic-arns is not set while SNS signatures are verified").contains("MAILPULSE_INGEST_SNS_TOPIC_ARNS");
        assertThat(snsProblemsWith("mailpulse.ingest.sns.topic-arns", " ")).hasSize(1);
        Map<String, String> unverified = good();
        unverified.remove("mailpulse.ingest.sns.topic-arns");
        unverified.put("mailpulse.ingest.sns.verify-signatures", "false");
        assertThat(snsProblems(unverified)).isEmpty();
        Map<String, String> noIngestion = good();
        noIngestion.remove("mailpulse.ingest.sns.topic-arns");
        noIngestion.put("mailpulse.ingest.enabled", "false");
        assertThat(snsProblems(noIngestion)).isEmpty();
    }

    @Test
    void theTestOnlyCertificateSettingsAreRefused() {
        assertThat(snsProblemsWith("mailpulse.ingest.sns.certificate-host-pattern", "localhost")).singleElement().asString()
                .startsWith("mailpulse.ingest.sns.certificate-host-pattern is changed");
        assertThat(snsProblemsWith("mailpulse.ingest.sns.certificate-host-pattern", SnsConfig.DEFAULT_CERTIFICATE_HOST_PATTERN)).isEmpty();
        assertThat(snsProblemsWith("mailpulse.ingest.sns.certificate-trust-pem", "/tmp/ca.pem")).singleElement().asString()
                .startsWith("mailpulse.ingest.sns.certificate-trust-pem is set");
        Map<String, String> unverified = good();
        unverified.put("mailpulse.ingest.sns.verify-signatures", "false");
        unverified.put("mailpulse.ingest.sns.certificate-host-pattern", ".*");
        assertThat(snsProblems(unverified)).hasSize(1);
    }

    @Test
    void allProblemsAreListedTogether() {
        Map<String, String> values = new HashMap<>();
        values.put("mailpulse.api.tokens", "short");
        assertThat(problems(values)).hasSize(5);
        assertThat(problems(Map.of())).hasSize(5);
    }
}
