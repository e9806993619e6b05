package org.mailpulse.embedded.ses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailpulse.embedded.EmbeddedSqsServer;
import org.mailpulse.embedded.FreePort;
import org.mailpulse.ingest.ParsedInput;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.ingest.SesRecordParser;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SES simulator against the real AWS SDK v2 SesV2 clients and ElasticMQ; no Quarkus. */
class SesSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FROM = "MailPulse <news@mailpulse.example>";
    private static final String UNSUBSCRIBE = "<https://mailpulse.example/unsubscribe/tok-1>";

    private static EmbeddedSqsServer sqsServer;
    private static SqsClient sqs;
    private static String queueUrl;
    private static SesSimulator ses;
    private static SesV2Client client;
    private static final SesRecordParser PARSER = new SesRecordParser(JSON);

    @BeforeAll
    static void start() {
        sqsServer = EmbeddedSqsServer.start(FreePort.find());
        sqs = EmbeddedSqsServer.client(sqsServer.port());
        queueUrl = sqs.createQueue(b -> b.queueName("ses-simulator-test")).queueUrl();
        ses = SesSimulator.start(0, SesSimulator.Options.defaults()
                .withEventsQueue(sqsServer.endpoint(), queueUrl)
                .withConfigurationSet("mailpulse-test"));
        client = client(ses.endpoint(), AwsRetryStrategy.doNotRetry());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (ses != null) {
            ses.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (sqsServer != null) {
            sqsServer.close();
        }
    }

    @BeforeEach
    void reset() {
        ses.clear();
        drainQueue();
    }

    // ------------------------------------------------------------------ sending

    @Test
    void simpleSendIsAnsweredAndRecordedWithHeadersAndTags() {
        Instant before = Instant.now();
        String messageId = client.sendEmail(simple("Reader <reader@example.com>", "cc@example.com")).messageId();

        assertThat(messageId).matches("0100[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-000000");
        assertThat(ses.sentMails()).hasSize(1);
        SentMail mail = ses.sentMails().get(0);
        assertThat(mail.messageId()).isEqualTo(messageId);
        assertThat(mail.from()).isEqualTo(FROM);
        assertThat(mail.to()).containsExactly("Reader <reader@example.com>");
        assertThat(mail.cc()).containsExactly("cc@example.com");
        assertThat(mail.subject()).isEqualTo("Week 1 news");
        assertThat(mail.htmlBody()).isEqualTo("<p>Hello</p>");
        assertThat(mail.textBody()).isEqualTo("Hello");
        assertThat(mail.header("list-unsubscribe")).isEqualTo(UNSUBSCRIBE);
        assertThat(mail.header("List-Unsubscribe-Post")).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(mail.tags()).containsEntry("mp_campaign", "c-42").containsEntry("mp_customer", "u-7");
        assertThat(mail.configurationSetName()).isEqualTo("mailpulse-events");
        assertThat(mail.time()).isBetween(before.minusMillis(1), Instant.now());
        assertThat(ses.sendRequestCount()).isEqualTo(1);
        assertThat(ses.sendTimes()).hasSize(1);
        assertThat(ses.requests()).containsExactly("POST /v2/email/outbound-emails");
    }

    @Test
    void rawAndTemplateContentAreRecorded() {
        client.createEmailTemplate(b -> b.templateName("weekly-1").templateContent(c -> c
                .subject("Hello {{name}}, week {{week}}").html("<p>{{name}}</p>").text("{{name}}")));
        String templated = client.sendEmail(b -> b.fromEmailAddress(FROM)
                .destination(d -> d.toAddresses("success@simulator.amazonses.com"))
                .content(c -> c.template(t -> t.templateName("weekly-1").templateData("{\"name\":\"Ann\",\"week\":1}")
                        .headers(header("List-Unsubscribe", UNSUBSCRIBE))))).messageId();
        String mime = "From: " + FROM + "\r\nTo: a@example.com, \"B, Bee\" <b@example.com>\r\nSubject: Raw one\r\n"
                + "List-Unsubscribe: " + UNSUBSCRIBE + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHi\r\n";
        String raw = client.sendEmail(b -> b.content(c -> c.raw(r -> r.data(SdkBytes.fromUtf8String(mime))))).messageId();

        List<SentMail> mails = ses.sentMails();
        assertThat(mails).extracting(SentMail::messageId).containsExactly(templated, raw);
        assertThat(mails.get(0).templateName()).isEqualTo("weekly-1");
        assertThat(mails.get(0).templateData()).isEqualTo("{\"name\":\"Ann\",\"week\":1}");
        assertThat(mails.get(0).subject()).isEqualTo("Hello Ann, week 1");
        assertThat(mails.get(0).header("List-Unsubscribe")).isEqualTo(UNSUBSCRIBE);
        assertThat(mails.get(1).from()).isEqualTo(FROM);
        assertThat(mails.get(1).to()).containsExactly("a@example.com", "\"B, Bee\" <b@example.com>");
        assertThat(mails.get(1).subject()).isEqualTo("Raw one");
        assertThat(mails.get(1).header("List-Unsubscribe")).isEqualTo(UNSUBSCRIBE);
        assertThat(mails.get(1).rawMessage()).endsWith("Hi\r\n");

        assertThat(client.getEmailTemplate(b -> b.templateName("weekly-1")).templateContent().subject())
                .isEqualTo("Hello {{name}}, week {{week}}");
        assertThatThrownBy(() -> client.getEmailTemplate(b -> b.templateName("missing")))
                .isInstanceOf(NotFoundException.class);
        GetAccountResponse account = client.getAccount(b -> { });
        assertThat(account.sendQuota().maxSendRate()).isEqualTo(14.0);
        assertThat(client.listEmailIdentities(b -> { }).emailIdentities()).isEmpty();
    }

    @Test
    void aSendSesWouldRejectIsABadRequest() {
        assertThatThrownBy(() -> client.sendEmail(b -> b.fromEmailAddress(FROM)
                .content(c -> c.simple(s -> s.subject(t -> t.data("x")).body(x -> x.text(t -> t.data("x")))))))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThat(ses.sentMails()).isEmpty();
        assertThat(ses.sendRequestCount()).isEqualTo(1);
    }

    @Test
    void concurrentSendsThroughTheAsyncNettyClientAreAllRecorded() {
        NioEventLoopGroup eventLoops = new NioEventLoopGroup(2);
        try (SesV2AsyncClient async = SesV2AsyncClient.builder()
                .endpointOverride(URI.create(ses.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .eventLoopGroup(SdkEventLoopGroup.create(eventLoops)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            List<CompletableFuture<String>> sends = IntStream.range(0, 20)
                    .mapToObj(i -> async.sendEmail(simple("user" + i + "@example.com")).thenApply(r -> r.messageId()))
                    .toList();
            List<String> ids = sends.stream().map(CompletableFuture::join).toList();

            assertThat(new HashSet<>(ids)).hasSize(20);
            assertThat(ses.sentMails()).extracting(SentMail::messageId).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(ses.sendTimes()).hasSize(20).isSortedAccordingTo(Comparator.naturalOrder());
        } finally {
            // the SDK's own event loop group would take Netty's 2 s quiet period to close
            eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void onlyTheLatestMailsAreKept() {
        try (SesSimulator small = SesSimulator.start(0, SesSimulator.Options.defaults().withMaxRecorded(2));
             SesV2Client viaSmall = client(small.endpoint(), AwsRetryStrategy.doNotRetry())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(viaSmall.sendEmail(simple("user" + i + "@example.com")).messageId());
            }
            assertThat(small.sentMails()).extracting(SentMail::messageId).containsExactlyElementsOf(ids.subList(1, 3));
            assertThat(small.sendTimes()).hasSize(2);
            assertThat(small.sendRequestCount()).isEqualTo(3);
        }
    }

    // ------------------------------------------------------------------ mailbox simulator

    static Stream<Arguments> simulatorAddresses() {
        return Stream.of(
                Arguments.of("success@simulator.amazonses.com", List.of("Send", "Delivery")),
                Arguments.of("bounce@simulator.amazonses.com", List.of("Send", "Bounce")),
                Arguments.of("complaint@simulator.amazonses.com", List.of("Send", "Delivery", "Complaint")),
                Arguments.of("ooto@simulator.amazonses.com", List.of("Send", "Delivery")),
                Arguments.of("suppressionlist@simulator.amazonses.com", List.of("Send", "Bounce")),
                Arguments.of("someone@example.com", List.of("Send", "Delivery")),
                Arguments.of("Success+camp42@Simulator.AmazonSES.com", List.of("Send", "Delivery")),
                Arguments.of("Reader <bounce+camp42@simulator.amazonses.com>", List.of("Send", "Bounce")),
                Arguments.of("complaint+x@simulator.amazonses.com", List.of("Send", "Delivery", "Complaint")));
    }

    @ParameterizedTest
    @MethodSource("simulatorAddresses")
    void eachSimulatorAddressPublishesItsEvents(String recipient, List<String> expectedTypes) throws Exception {
        String messageId = client.sendEmail(simple(recipient)).messageId();
        String bare = SentMail.matchKey(recipient);

        List<Message> messages = eventsOnQueue();
        assertThat(messages).hasSize(expectedTypes.size());
        List<SesEvent> events = new ArrayList<>();
        for (Message message : messages) {
            JsonNode envelope = JSON.readTree(message.body());
            assertThat(envelope.path("Type").asText()).isEqualTo("Notification");
            assertThat(envelope.path("Subject").asText()).isEqualTo("Amazon SES Email Event Notification");
            assertThat(envelope.path("TopicArn").asText()).isEqualTo(SesSimulator.Options.DEFAULT_TOPIC_ARN);
            JsonNode record = JSON.readTree(envelope.path("Message").asText());
            JsonNode mail = record.path("mail");
            assertThat(mail.path("messageId").asText()).isEqualTo(messageId);
            assertThat(mail.path("source").asText()).isEqualTo(FROM);
            assertThat(mail.path("destination").get(0).asText()).isEqualTo(recipient);
            assertThat(mail.path("commonHeaders").path("subject").asText()).isEqualTo("Week 1 news");
            assertThat(mail.path("tags").path("mp_campaign").get(0).asText()).isEqualTo("c-42");
            assertThat(mail.path("tags").path("ses:configuration-set").get(0).asText()).isEqualTo("mailpulse-events");

            ParsedInput parsed = PARSER.parse(message.body());
            assertThat(parsed).isInstanceOf(ParsedInput.Event.class);
            SesEvent event = ((ParsedInput.Event) parsed).event();
            assertThat(event.sesMessageId()).isEqualTo(messageId);
            assertThat(event.recipients()).containsExactly(bare);
            assertThat(event.tag(SesEvent.TAG_CAMPAIGN)).isEqualTo("c-42");
            assertThat(event.tag(SesEvent.TAG_CUSTOMER)).isEqualTo("u-7");
            assertThat(event.header("List-Unsubscribe")).isEqualTo(UNSUBSCRIBE);
            assertThat(event.subject()).isEqualTo("Week 1 news");
            assertThat(event.envelope().messageId()).isNotBlank();
            events.add(event);
        }
        events.sort(Comparator.comparing(SesEvent::eventTime));
        assertThat(events).extracting(e -> e.type().wireName()).containsExactlyElementsOf(expectedTypes);
        assertThat(events).extracting(SesEvent::eventTime).doesNotHaveDuplicates();
        assertThat(events).extracting(e -> e.envelope().messageId()).doesNotHaveDuplicates();
        assertThat(events.get(0).eventTime()).isEqualTo(ses.sentMails().get(0).time());

        SesEvent last = events.get(events.size() - 1);
        switch (last.type()) {
            case BOUNCE -> {
                assertThat(last.isPermanentBounce()).isTrue();
                assertThat(last.statusReason()).isEqualTo(bare.startsWith("bounce")
                        ? "Permanent/General: smtp; 550 5.1.1 user unknown"
                        : "Permanent/OnAccountSuppressionList: Amazon SES did not send the message to this address "
                                + "because it is on the suppression list for your account.");
            }
            case COMPLAINT -> {
                assertThat(last.isNotSpamFeedback()).isFalse();
                assertThat(last.statusReason()).isEqualTo("complaint: abuse");
            }
            case DELIVERY -> assertThat(last.detail().path("smtpResponse").asText()).startsWith("250");
            default -> throw new AssertionError("unexpected last event " + last.type());
        }
    }

    @Test
    void aMailToSeveralRecipientsHasOneSendAndAnOutcomePerRecipient() throws Exception {
        String messageId = client.sendEmail(simple("success@simulator.amazonses.com", "bounce@simulator.amazonses.com"))
                .messageId();

        List<SesEvent> events = new ArrayList<>();
        for (Message message : eventsOnQueue()) {
            events.add(((ParsedInput.Event) PARSER.parse(message.body())).event());
        }
        events.sort(Comparator.comparing(SesEvent::eventTime));
        assertThat(events).allSatisfy(e -> assertThat(e.sesMessageId()).isEqualTo(messageId));
        assertThat(events).extracting(e -> e.type().wireName() + " " + e.recipients()).containsExactly(
                "Send [success@simulator.amazonses.com, bounce@simulator.amazonses.com]",
                "Delivery [success@simulator.amazonses.com]",
                "Bounce [bounce@simulator.amazonses.com]");
    }

    @Test
    void eventsCanBeDelayedAfterTheAnswer() {
        try (SesSimulator delayed = SesSimulator.start(0, SesSimulator.Options.defaults()
                .withEventsQueue(sqsServer.endpoint(), queueUrl).withEventDelay(Duration.ofMillis(400)));
             SesV2Client viaDelayed = client(delayed.endpoint(), AwsRetryStrategy.doNotRetry())) {
            long start = System.nanoTime();
            String messageId = viaDelayed.sendEmail(simple("success@simulator.amazonses.com")).messageId();
            assertThat(delayed.sentMails()).extracting(SentMail::messageId).containsExactly(messageId);
            assertThat(delayed.publishedEventCount()).isZero();

            assertThat(delayed.awaitEventsPublished(Duration.ofSeconds(5))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(delayed.publishedEventCount()).isEqualTo(2);
            assertThat(eventsOnQueue()).hasSize(2).allSatisfy(m -> assertThat(m.body()).contains(messageId));
        }
    }

    // ------------------------------------------------------------------ faults

    @Test
    void faultsSurfaceAsTheSdkExceptionsAndAreConsumedInOrder() throws Exception {
        ses.failNext(1, Fault.THROTTLING);
        ses.failNext(1, Fault.TRANSIENT);
        ses.failNext(1, Fault.PERMANENT);
        assertThat(ses.pendingFaults()).isEqualTo(3);

        assertThatThrownBy(() -> client.sendEmail(simple("a@example.com")))
                .isInstanceOfSatisfying(TooManyRequestsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.isThrottlingException()).isTrue();
                    // SdkException.retryable() is false for every service error: retrying is the retry strategy's
                    // decision (status 429/5xx, throttling codes), see theSdkRetries... below
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("TooManyRequestsException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Maximum sending rate exceeded.");
                    assertThat(e.requestId()).isNotBlank();
                });
        assertThatThrownBy(() -> client.sendEmail(simple("a@example.com")))
                .isInstanceOfSatisfying(SesV2Exception.class, e -> {
                    assertThat(e.getClass()).isEqualTo(SesV2Exception.class);
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.isThrottlingException()).isFalse();
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
                });
        assertThatThrownBy(() -> client.sendEmail(simple("a@example.com")))
                .isInstanceOfSatisfying(MessageRejectedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.isThrottlingException()).isFalse();
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MessageRejected");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Email address is not verified.");
                });
        String messageId = client.sendEmail(simple("a@example.com")).messageId();

        assertThat(ses.pendingFaults()).isZero();
        assertThat(ses.sendRequestCount()).isEqualTo(4);
        assertThat(ses.sendTimes()).hasSize(4).isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(ses.sentMails()).extracting(SentMail::messageId).containsExactly(messageId);
        assertThat(eventsOnQueue()).hasSize(2).allSatisfy(m -> assertThat(m.body()).contains(messageId));
    }

    @Test
    void theSdkRetriesThrottlingAndTransientFaultsButNotPermanentOnes() {
        // The SDK's default retry strategy (as a client without retry configuration gets it)...
        try (SesV2Client defaults = client(ses.endpoint(), null)) {
            for (Fault retried : List.of(Fault.THROTTLING, Fault.TRANSIENT)) {
                ses.clear();
                ses.failNext(1, retried);
                assertThat(defaults.sendEmail(simple("a@example.com")).messageId()).isNotBlank();
                assertThat(ses.sendRequestCount()).as("attempts after one %s", retried).isEqualTo(2);
            }
            ses.clear();
            ses.failNext(1, Fault.PERMANENT);
            assertThatThrownBy(() -> defaults.sendEmail(simple("a@example.com"))).isInstanceOf(MessageRejectedException.class);
            assertThat(ses.sendRequestCount()).isEqualTo(1);
        }
        // ...and the standard strategy, without back-off, gives up after its 3 attempts.
        RetryStrategy standard = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                .build();
        try (SesV2Client standardClient = client(ses.endpoint(), standard)) {
            for (Fault fault : Fault.values()) {
                ses.clear();
                ses.failNext(5, fault);
                assertThatThrownBy(() -> standardClient.sendEmail(simple("a@example.com"))).isInstanceOf(SdkException.class);
                assertThat(ses.sendRequestCount()).as("attempts for %s", fault).isEqualTo(fault == Fault.THROTTLING || fault == Fault.TRANSIENT ? 3 : 1);
            }
        }
    }

    @Test
    void failForFailsEverySendToThatAddress() {
        ses.failFor("Blocked@Example.com", Fault.PERMANENT);
        ses.failFor("slow@example.com", Fault.THROTTLING);

        assertThatThrownBy(() -> client.sendEmail(simple("blocked@example.com"))).isInstanceOf(MessageRejectedException.class);
        assertThatThrownBy(() -> client.sendEmail(simple("Someone <BLOCKED@example.com>"))).isInstanceOf(MessageRejectedException.class);
        assertThatThrownBy(() -> client.sendEmail(simple("ok@example.com", "blocked@example.com"))).isInstanceOf(MessageRejectedException.class);
        assertThatThrownBy(() -> client.sendEmail(simple("slow@example.com"))).isInstanceOf(TooManyRequestsException.class);
        String ok = client.sendEmail(simple("ok@example.com")).messageId();

        assertThat(ses.sentMails()).extracting(SentMail::messageId).containsExactly(ok);
        assertThat(ses.sendRequestCount()).isEqualTo(5);

        ses.clear();
        assertThat(client.sendEmail(simple("blocked@example.com")).messageId()).isNotBlank();
    }

    // ------------------------------------------------------------------ forwarding

    @Test
    void forwardsToAnUpstreamAndAnswersWithAMessageIdOfItsOwn() throws Exception {
        try (SesSimulator upstream = SesSimulator.start(0, SesSimulator.Options.defaults());
             SesSimulator front = SesSimulator.start(0, SesSimulator.Options.defaults()
                     .withUpstream(upstream.endpoint())
                     .withEventsQueue(sqsServer.endpoint(), queueUrl));
             SesV2Client viaFront = client(front.endpoint(), AwsRetryStrategy.doNotRetry())) {

            String messageId = viaFront.sendEmail(simple("bounce@simulator.amazonses.com")).messageId();

            assertThat(upstream.sentMails()).hasSize(1);
            SentMail atUpstream = upstream.sentMails().get(0);
            // an upstream's ids need not be unique (aws-ses-v2-local's repeat within a few ten thousand sends); SES's are
            assertThat(messageId).matches("0100[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-000000")
                    .isNotEqualTo(atUpstream.messageId());
            assertThat(atUpstream.header("List-Unsubscribe")).isEqualTo(UNSUBSCRIBE);
            assertThat(atUpstream.tags()).containsEntry("mp_campaign", "c-42");
            assertThat(front.sentMails()).extracting(SentMail::messageId).containsExactly(messageId);
            assertThat(front.awaitEventsPublished(Duration.ofSeconds(5))).isTrue();
            List<Message> events = eventsOnQueue();
            assertThat(events).hasSize(2);
            assertThat(events).allSatisfy(m -> assertThat(((ParsedInput.Event) PARSER.parse(m.body())).event().sesMessageId())
                    .isEqualTo(messageId));

            // faults of the front are answered by the front, not forwarded
            front.failNext(1, Fault.THROTTLING);
            assertThatThrownBy(() -> viaFront.sendEmail(simple("a@example.com"))).isInstanceOf(TooManyRequestsException.class);
            assertThat(upstream.sendRequestCount()).isEqualTo(1);

            // the upstream's errors are relayed and nothing is recorded
            upstream.failNext(1, Fault.PERMANENT);
            assertThatThrownBy(() -> viaFront.sendEmail(simple("a@example.com")))
                    .isInstanceOfSatisfying(MessageRejectedException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Email address is not verified."));
            assertThat(front.sentMails()).hasSize(1);

            // other operations are forwarded too
            viaFront.createEmailTemplate(b -> b.templateName("t1").templateContent(c -> c.subject("Hi {{name}}").text("x")));
            assertThat(viaFront.getEmailTemplate(b -> b.templateName("t1")).templateContent().subject()).isEqualTo("Hi {{name}}");
            viaFront.sendEmail(b -> b.fromEmailAddress(FROM).destination(d -> d.toAddresses("a@example.com"))
                    .content(c -> c.template(t -> t.templateName("t1").templateData("{\"name\":\"Bo\"}"))));
            assertThat(upstream.requests()).contains("POST /v2/email/templates", "GET /v2/email/templates/t1");
            assertThat(upstream.sentMails().get(1).subject()).isEqualTo("Hi Bo");
            assertThat(front.sentMails().get(1).subject()).isEqualTo("Hi Bo");
            assertThat(front.sendRequestCount()).isEqualTo(4);
        }
    }

    @Test
    void anUnreachableUpstreamIsARetryable5xx() {
        int closedPort = FreePort.find();
        try (SesSimulator front = SesSimulator.start(0, SesSimulator.Options.defaults().withUpstream("http://localhost:" + closedPort));
             SesV2Client viaFront = client(front.endpoint(), AwsRetryStrategy.doNotRetry())) {
            assertThatThrownBy(() -> viaFront.sendEmail(simple("a@example.com")))
                    .isInstanceOfSatisfying(SesV2Exception.class, e -> assertThat(e.statusCode()).isEqualTo(502));
            assertThat(front.sentMails()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ helpers

    // ------------------------------------------------------------------ account

    @Test
    void getAccountReportsTheQuotaAndSendEmailIsAdmittedAgainstIt() throws Exception {
        try {
            ses.account().quota(2, 1).window(Duration.ofSeconds(1));
            Thread.sleep(1_100); // the other tests' mails leave the window
            client.sendEmail(simple("first@example.com"));
            GetAccountResponse account = client.getAccount(b -> { });
            assertThat(account.sendQuota().max24HourSend()).isEqualTo(2.0);
            assertThat(account.sendQuota().maxSendRate()).isEqualTo(1.0);
            assertThat(account.sendQuota().sentLast24Hours()).isEqualTo(1.0);
            assertThat(account.sendingEnabled()).isTrue();
            assertThat(account.enforcementStatus()).isEqualTo("HEALTHY");

            client.sendEmail(simple("second@example.com"));
            assertThatThrownBy(() -> client.sendEmail(simple("third@example.com")))
                    .isInstanceOfSatisfying(software.amazon.awssdk.services.sesv2.model.LimitExceededException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("LimitExceededException"));
            assertThat(ses.sentMails()).hasSize(2);

            Thread.sleep(1_100); // the window frees
            assertThat(client.getAccount(b -> { }).sendQuota().sentLast24Hours()).isZero();
            client.sendEmail(simple("third@example.com"));

            ses.account().sendingEnabled(false);
            assertThat(client.getAccount(b -> { })).satisfies(paused -> {
                assertThat(paused.sendingEnabled()).isFalse();
                assertThat(paused.enforcementStatus()).isEqualTo("SHUTDOWN");
            });
            assertThatThrownBy(() -> client.sendEmail(simple("fourth@example.com")))
                    .isInstanceOf(software.amazon.awssdk.services.sesv2.model.SendingPausedException.class);
            assertThat(ses.sentMails()).hasSize(3);
        } finally {
            ses.account().quota(SimulatedAccount.DEFAULT_MAX_24_HOUR_SEND, SimulatedAccount.DEFAULT_MAX_SEND_RATE)
                    .window(SimulatedAccount.DEFAULT_WINDOW).sendingEnabled(true);
        }
    }

    private static SendEmailRequest simple(String... recipients) {
        return SendEmailRequest.builder()
                .fromEmailAddress(FROM)
                .destination(d -> d.toAddresses(recipients[0])
                        .ccAddresses(List.of(recipients).subList(1, recipients.length)))
                .content(c -> c.simple(m -> m
                        .subject(s -> s.data("Week 1 news").charset("UTF-8"))
                        .body(b -> b.html(h -> h.data("<p>Hello</p>")).text(t -> t.data("Hello")))
                        .headers(header("List-Unsubscribe", UNSUBSCRIBE),
                                header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))))
                .emailTags(MessageTag.builder().name("mp_campaign").value("c-42").build(),
                        MessageTag.builder().name("mp_customer").value("u-7").build())
                .configurationSetName("mailpulse-events")
                .build();
    }

    private static MessageHeader header(String name, String value) {
        return MessageHeader.builder().name(name).value(value).build();
    }

    /** A sync SesV2 client on the url-connection HTTP client; a null strategy keeps the SDK's default. */
    private static SesV2Client client(String endpoint, RetryStrategy retryStrategy) {
        var builder = SesV2Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create());
        if (retryStrategy != null) {
            builder.overrideConfiguration(c -> c.retryStrategy(retryStrategy));
        }
        return builder.build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    /** Every event the simulator published so far, removed from the queue. */
    private static List<Message> eventsOnQueue() {
        assertThat(ses.awaitEventsPublished(Duration.ofSeconds(5))).isTrue();
        assertThat(ses.failedEventCount()).isZero();
        return drainQueue();
    }

    private static List<Message> drainQueue() {
        List<Message> all = new ArrayList<>();
        int empty = 0;
        while (empty < 2) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            if (batch.isEmpty()) {
                empty++;
                continue;
            }
            empty = 0;
            all.addAll(batch);
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(batch.stream()
                    .map(m -> DeleteMessageBatchRequestEntry.builder()
                            .id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                    .toList()));
        }
        return all;
    }
}
