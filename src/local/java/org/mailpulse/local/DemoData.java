package org.mailpulse.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.mailpulse.message.MessageStatus;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Demo data for the local run: three customers, a template, a campaign whose three messages were "sent", and
 * SES events for them on the local queue (delivered and opened, hard bounce, complaint), so the first
 * {@code GET /api/messages/...} already shows ingestion at work. Inserted once: re-runs find the rows there.
 */
@ApplicationScoped
public class DemoData {

    static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-00000000a001");
    static final UUID CAMPAIGN = UUID.fromString("00000000-0000-0000-0000-00000000c001");
    static final List<String> EMAILS = List.of("alice@example.com", "bob@example.com", "carol@example.com");

    private final Pool pool;
    private final SqsAsyncClient sqs;
    private final ObjectMapper json;
    private final String queueUrl;
    private final String sesStore;
    private final int httpPort;

    public DemoData(Pool pool, SqsAsyncClient sqs, ObjectMapper json,
                    @ConfigProperty(name = "mailpulse.ingest.queue-url") String queueUrl,
                    @ConfigProperty(name = "mailpulse-local.ses-store") String sesStore,
                    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort) {
        this.pool = pool;
        this.sqs = sqs;
        this.json = json;
        this.queueUrl = queueUrl;
        this.sesStore = sesStore;
        this.httpPort = httpPort;
    }

    void seed(@Observes StartupEvent event) {
        pool.withTransaction(connection -> connection.preparedQuery("""
                                INSERT INTO templates (template_id, name, provider, subject, html_body, text_body, week_of_month)
                                VALUES ($1, 'Demo newsletter', 'internal', 'Hello {{name}}', '<p>Hello {{name}}</p>', 'Hello {{name}}', 1)
                                ON CONFLICT DO NOTHING""").execute(Tuple.of(TEMPLATE))
                        .chain(() -> connection.preparedQuery("""
                                INSERT INTO campaigns (campaign_id, campaign_name, template_id, status)
                                VALUES ($1, 'Demo campaign', $2, 'sending') ON CONFLICT DO NOTHING""").execute(Tuple.of(CAMPAIGN, TEMPLATE)))
                        .chain(inserted -> inserted.rowCount() == 0 ? Uni.createFrom().item(false) : insertMessages(connection)))
                .chain(fresh -> fresh ? enqueueEvents() : Uni.createFrom().voidItem())
                .subscribe().with(ignored -> printUrls(), failure -> Log.errorf(failure, "Demo data could not be seeded"));
    }

    private Uni<Boolean> insertMessages(io.vertx.mutiny.sqlclient.SqlConnection connection) {
        return Multi.createFrom().range(0, EMAILS.size())
                .onItem().transformToUniAndConcatenate(i -> connection.preparedQuery("""
                                WITH c AS (INSERT INTO customers (customer_id, email, name) VALUES ($1, $2, $3) RETURNING customer_id)
                                INSERT INTO campaign_recipients (campaign_id, customer_id, email, status, status_rank, ses_message_id,
                                                                 attempt_count, sent_at, template_data)
                                SELECT $4, customer_id, $2, 'SENT', $5, $6, 1, now(), jsonb_build_object('name', $3::text) FROM c""")
                        .execute(Tuple.from(List.of(customerId(i), EMAILS.get(i), name(i), CAMPAIGN, MessageStatus.SENT.rank(), sesMessageId(i)))))
                .collect().last()
                .replaceWith(true);
    }

    private Uni<Void> enqueueEvents() {
        Instant now = Instant.now();
        List<String> bodies = List.of(
                event("Delivery", 0, now.plusSeconds(1)), event("Open", 0, now.plusSeconds(30)),
                event("Bounce", 1, now.plusSeconds(2)), event("Complaint", 2, now.plusSeconds(40)));
        return Multi.createFrom().iterable(bodies)
                .onItem().transformToUniAndConcatenate(body ->
                        Uni.createFrom().completionStage(() -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body))))
                .collect().last().replaceWithVoid();
    }

    /** A raw SES event-publishing record, as SES would publish it for the demo message. */
    private String event(String type, int index, Instant at) {
        ObjectNode record = json.createObjectNode().put("eventType", type);
        ObjectNode mail = record.putObject("mail").put("timestamp", Instant.now().toString()).put("messageId", sesMessageId(index))
                .put("source", "demo@mailpulse.local");
        mail.putArray("destination").add(EMAILS.get(index));
        mail.putObject("commonHeaders").put("subject", "Hello " + name(index));
        switch (type) {
            case "Delivery" -> record.putObject("delivery").put("timestamp", at.toString()).putArray("recipients").add(EMAILS.get(index));
            case "Open" -> record.putObject("open").put("timestamp", at.toString()).put("userAgent", "demo").put("ipAddress", "192.0.2.1");
            case "Bounce" -> record.putObject("bounce").put("timestamp", at.toString()).put("bounceType", "Permanent")
                    .put("bounceSubType", "General").putArray("bouncedRecipients").addObject().put("emailAddress", EMAILS.get(index))
                    .put("diagnosticCode", "smtp; 550 5.1.1 user unknown");
            case "Complaint" -> record.putObject("complaint").put("timestamp", at.toString()).put("complaintFeedbackType", "abuse")
                    .putArray("complainedRecipients").addObject().put("emailAddress", EMAILS.get(index));
            default -> throw new IllegalArgumentException(type);
        }
        return record.toString();
    }

    private void printUrls() {
        String base = "http://localhost:" + httpPort;
        Log.infof("""

                MailPulse local run is up
                  Swagger UI      %s/q/swagger-ui
                  OpenAPI         %s/q/openapi
                  Readiness       %s/q/health/ready
                  Metrics         %s/q/metrics
                  Demo messages   %s/api/messages/%s (delivered, opened)
                                  %s/api/messages/%s (hard bounce)   %s/api/messages/%s (complaint)
                  Suppressions    %s/api/suppressions
                  SQS queue       %s
                  SES mail store  %s
                """, base, base, base, base, base, sesMessageId(0), base, sesMessageId(1), base, sesMessageId(2), base, queueUrl, sesStore);
    }

    private static UUID customerId(int index) {
        return UUID.fromString("00000000-0000-0000-0000-0000000000b" + index);
    }

    private static String name(int index) {
        return EMAILS.get(index).substring(0, EMAILS.get(index).indexOf('@'));
    }

    static String sesMessageId(int index) {
        return "demo-message-" + index;
    }
}
