package org.mailpulse.embedded.ses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailpulse.embedded.EmbeddedSqsServer;
import org.mailpulse.embedded.FreePort;
import org.mailpulse.ingest.ParsedInput;
import org.mailpulse.ingest.SesRecordParser;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.ses.event.SesEventType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator publishes its events in each of the three shapes SES destinations deliver to SQS; no Quarkus. */
class SimulatorEventWrappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SesRecordParser PARSER = new SesRecordParser(JSON);

    private static EmbeddedSqsServer sqsServer;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        sqsServer = EmbeddedSqsServer.start(FreePort.find());
        sqs = EmbeddedSqsServer.client(sqsServer.port());
    }

    @AfterAll
    static void stop() {
        sqs.close();
        sqsServer.close();
    }

    @ParameterizedTest
    @EnumSource(EventWrapping.class)
    void eventsArePublishedInTheConfiguredWrappingAndParseAlike(EventWrapping wrapping) throws Exception {
        String queueUrl = sqs.createQueue(b -> b.queueName("wrapping-" + wrapping.name().toLowerCase())).queueUrl();
        List<Message> messages;
        String messageId;
        System.setProperty(EventWrapping.SETTING, wrapping.name().toLowerCase());
        try (SesSimulator ses = SesSimulator.start(0, SesSimulator.Options.defaults().withEventsQueue(sqsServer.endpoint(), queueUrl));
             SesV2Client client = client(ses.endpoint())) {
            messageId = client.sendEmail(b -> b.fromEmailAddress("news@mailpulse.example")
                    .destination(d -> d.toAddresses("bounce@simulator.amazonses.com"))
                    .content(c -> c.simple(m -> m.subject(s -> s.data("Hello")).body(body -> body.text(t -> t.data("Hello")))))
                    .configurationSetName("mailpulse-events")).messageId();
            assertThat(ses.awaitEventsPublished(Duration.ofSeconds(5))).isTrue();
            assertThat(ses.failedEventCount()).isZero();
        } finally {
            System.clearProperty(EventWrapping.SETTING);
        }
        messages = receiveAll(queueUrl);

        assertThat(messages).hasSize(2);
        List<SesEventType> types = new ArrayList<>();
        for (Message message : messages) {
            JsonNode body = JSON.readTree(message.body());
            ParsedInput parsed = PARSER.parse(message.body());
            assertThat(parsed).isInstanceOf(ParsedInput.Event.class);
            SesEvent event = ((ParsedInput.Event) parsed).event();
            assertThat(event.sesMessageId()).isEqualTo(messageId);
            types.add(event.type());
            switch (wrapping) {
                case SNS -> {
                    assertThat(body.path("Type").asText()).isEqualTo("Notification");
                    assertThat(event.envelope().isSns()).isTrue();
                }
                case RAW -> {
                    assertThat(body.path("eventType").asText()).isEqualTo(event.type().wireName());
                    assertThat(event.envelope()).isNull();
                }
                case EVENTBRIDGE -> {
                    assertThat(body.path("source").asText()).isEqualTo("aws.ses");
                    assertThat(body.path("detail-type").asText()).isEqualTo(event.type().eventBridgeDetailType());
                    assertThat(body.path("resources").path(0).asText()).endsWith(":configuration-set/mailpulse-events");
                    assertThat(event.envelope().isSns()).isFalse();
                    assertThat(event.envelope().messageId()).isEqualTo(body.path("id").asText()).isNotBlank();
                }
            }
        }
        assertThat(types).containsExactlyInAnyOrder(SesEventType.SEND, SesEventType.BOUNCE);
    }

    @Test
    void anUnknownWrappingIsRefusedByName() {
        System.setProperty(EventWrapping.SETTING, "kinesis");
        try {
            assertThatThrownBy(EventWrapping::fromSetting).hasMessageContaining("sns, raw or eventbridge, not 'kinesis'");
        } finally {
            System.clearProperty(EventWrapping.SETTING);
        }
    }

    private static List<Message> receiveAll(String queueUrl) {
        List<Message> all = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            empty = batch.isEmpty() ? empty + 1 : 0;
            all.addAll(batch);
        }
        return all;
    }

    private static SesV2Client client(String endpoint) {
        return SesV2Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
