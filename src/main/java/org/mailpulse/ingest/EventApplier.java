package org.mailpulse.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.customer.repository.CustomerIds;
import org.mailpulse.ingest.repository.DedupeKeyRepository;
import org.mailpulse.message.MessageLifecycle;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.message.repository.MessageEventWriter;
import org.mailpulse.message.repository.RecipientStatusWriter;
import org.mailpulse.report.repository.MessageReportWriter;
import org.mailpulse.ses.event.EventIdentity;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.suppression.SuppressionPolicy;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;
import org.mailpulse.suppression.repository.SuppressionWriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Applies a batch of SES events inside one PostgreSQL transaction: claims their keys (so a redelivered input
 * changes nothing), then writes the history, the per-message report, the message status and the suppressions,
 * each as one set-based statement, always in the same table order. What an event does to a message is
 * {@link MessageLifecycle}'s to say, what it does to an address {@link SuppressionPolicy}'s; this class only
 * gathers their decisions for the batch.
 */
@ApplicationScoped
public class EventApplier {

    private final DedupeKeyRepository dedupeKeys;
    private final CustomerIds customerIds;
    private final MessageEventWriter history;
    private final MessageReportWriter reports;
    private final RecipientStatusWriter statuses;
    private final SuppressionWriter suppressions;
    private final SuppressionPolicy.SoftBounceRule softBounces;
    private final ObjectMapper json;

    public EventApplier(DedupeKeyRepository dedupeKeys, CustomerIds customerIds, MessageEventWriter history, MessageReportWriter reports,
                        RecipientStatusWriter statuses, SuppressionWriter suppressions, MailPulseConfig config, ObjectMapper json) {
        this.dedupeKeys = dedupeKeys;
        this.customerIds = customerIds;
        this.history = history;
        this.reports = reports;
        this.statuses = statuses;
        this.suppressions = suppressions;
        this.softBounces = new SuppressionPolicy.SoftBounceRule(config.suppression().softBounceThreshold(),
                config.suppression().softBounceWindow());
        this.json = json;
    }

    /** Events must have distinct dedupe keys; the caller runs this inside a transaction. */
    public Uni<ApplyResult> apply(SqlConnection connection, List<SesEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(ApplyResult.EMPTY);
        }
        return dedupeKeys.claim(connection, events.stream()
                        .map(e -> new DedupeKeyRepository.Keys(e.dedupeKey(), EventIdentity.preV8Key(e))).toList())
                .chain(fresh -> {
                    List<SesEvent> toApply = events.stream().filter(e -> fresh.contains(e.dedupeKey())).toList();
                    int duplicates = events.size() - toApply.size();
                    if (toApply.isEmpty()) {
                        return Uni.createFrom().item(new ApplyResult(List.of(), duplicates, List.of(), 0));
                    }
                    return applyFresh(connection, toApply, duplicates);
                });
    }

    private Uni<ApplyResult> applyFresh(SqlConnection connection, List<SesEvent> events, int duplicates) {
        List<String> messageIds = events.stream().map(SesEvent::sesMessageId).distinct().sorted().toList();
        List<RecipientStatusWriter.Tagged> tagged = events.stream()
                .filter(e -> uuidOrNull(e.tag(SesEvent.TAG_CAMPAIGN)) != null && uuidOrNull(e.tag(SesEvent.TAG_CUSTOMER)) != null)
                .map(e -> new RecipientStatusWriter.Tagged(e.sesMessageId(), uuidOrNull(e.tag(SesEvent.TAG_CAMPAIGN)),
                        uuidOrNull(e.tag(SesEvent.TAG_CUSTOMER))))
                .distinct().toList();
        return statuses.lock(connection, messageIds, tagged)
                .chain(ours -> customersFor(connection, events, ours).chain(customers -> {
                    Batch batch = fold(events, ours, customers);
                    // Independent statements, pipelined on the connection: PostgreSQL runs them in the order sent
                    // (always the same), the client does not wait for one answer before sending the next.
                    return Uni.combine().all().unis(
                                    history.insert(connection, batch.history),
                                    reports.write(connection, new ArrayList<>(batch.summaries.values()), batch.details),
                                    statuses.apply(connection, ours, new ArrayList<>(batch.updates.values())),
                                    applySuppressions(connection, batch))
                            .collectFailures()
                            .with((inserted, written, moves, suppressed) -> new ApplyResult(events, duplicates, toChanges(moves), suppressed));
                }));
    }

    private Uni<Integer> applySuppressions(SqlConnection connection, Batch batch) {
        return suppressions.recordDeliveries(connection, new ArrayList<>(batch.deliveries.values()))
                .chain(() -> suppressions.recordSoftBounces(connection, batch.softBounces, new ArrayList<>(batch.latestSoftBounce.values()),
                        softBounces))
                .chain(reached -> {
                    for (String email : reached) {
                        batch.suppress(new SuppressionWriter.Entry(email, SuppressionReason.BOUNCE_SOFT, SuppressionSource.SES, softBounces.detail()));
                    }
                    return suppressions.suppress(connection, new ArrayList<>(batch.suppressions.values()));
                })
                .map(SuppressionWriter.Written::changed);
    }

    /**
     * Customers found by recipient address, for events of messages MailPulse did not send and that carry no
     * user_id header: such an event is still reported against the customer with that address.
     */
    private Uni<Map<String, UUID>> customersFor(SqlConnection connection, List<SesEvent> events,
                                                Map<String, RecipientStatusWriter.Current> ours) {
        String[] emails = events.stream()
                .filter(e -> !ours.containsKey(e.sesMessageId()) && e.header("user_id") == null && !e.recipients().isEmpty())
                .map(e -> e.recipients().get(0)).distinct().toArray(String[]::new);
        return customerIds.byEmail(connection, emails);
    }

    private Batch fold(List<SesEvent> events, Map<String, RecipientStatusWriter.Current> ours, Map<String, UUID> customers) {
        Batch batch = new Batch();
        for (SesEvent event : events) {
            RecipientStatusWriter.Current message = ours.get(event.sesMessageId());
            UUID campaignId = message != null ? message.campaignId() : uuidOrNull(event.tag(SesEvent.TAG_CAMPAIGN));
            String firstRecipient = event.recipients().isEmpty() ? null : event.recipients().get(0);
            // Map.of().get(null) throws: an event without recipients must not fail its whole batch
            UUID customerId = message != null ? message.customerId()
                    : firstNonNull(uuidOrNull(event.tag(SesEvent.TAG_CUSTOMER)), firstRecipient == null ? null : customers.get(firstRecipient));
            String userId = firstNonNull(event.header("user_id"), customerId == null ? null : customerId.toString());
            MessageStatus implied = MessageLifecycle.impliedStatus(event);
            String detailJson = toJson(event.detail());

            batch.history.add(new MessageEventWriter.Row(UUID.randomUUID(), event.dedupeKey(), event.type().code(), firstRecipient,
                    campaignId, customerId, event.sesMessageId(), implied == null ? null : implied.name(), event.eventTime(), detailJson));

            MessageReportWriter.Summary summary = batch.summaries.computeIfAbsent(event.sesMessageId(), MessageReportWriter.Summary::new);
            summary.describe(reportType(event.header("report_type")), userId, customerId, campaignId, firstRecipient,
                    event.source(), event.subject(), event.mailTimestamp());
            summary.eventAt(event.type().wireName(), event.eventTime());
            batch.details.add(new MessageReportWriter.Detail(event.dedupeKey(), event.sesMessageId(), event.type().wireName(),
                    event.eventTime(), event.source(), String.join(",", event.recipients()), event.subject(), detailJson));

            if (message != null) {
                batch.updates.computeIfAbsent(event.sesMessageId(), MessageLifecycle.Update::new).fold(event);
            }
            foldSuppression(batch, event);
        }
        return batch;
    }

    private static void foldSuppression(Batch batch, SesEvent event) {
        SuppressionReason reason = SuppressionPolicy.reasonFor(event);
        if (reason != null) {
            event.recipients().forEach(email -> batch.suppress(
                    new SuppressionWriter.Entry(email, reason, SuppressionSource.SES, event.statusReason())));
        } else if (SuppressionPolicy.countsTowardsSoftBounces(event)) {
            event.recipients().forEach(email -> {
                SuppressionWriter.SoftBounce bounce = new SuppressionWriter.SoftBounce(email, event.eventTime(), event.dedupeKey());
                batch.softBounces.add(bounce);
                batch.latestSoftBounce.merge(email, bounce, (a, b) -> a.at().isAfter(b.at()) ? a : b);
            });
        } else if (SuppressionPolicy.endsSoftBounces(event)) {
            event.recipients().forEach(email -> batch.deliveries.merge(email, new SuppressionWriter.Delivery(email, event.eventTime()),
                    (a, b) -> a.at().isAfter(b.at()) ? a : b));
        }
    }

    private static List<StatusChange> toChanges(List<RecipientStatusWriter.StatusMove> moves) {
        return moves.stream().map(m -> new StatusChange(m.before().campaignId(), m.before().customerId(), m.before().sesMessageId(),
                m.before().status(), m.to(), m.at())).toList();
    }

    /** The JSON stored in jsonb columns; PostgreSQL's jsonb cannot hold U+0000, which SES never sends but an attacker might. */
    private String toJson(JsonNode node) {
        if (node == null) {
            return null;
        }
        try {
            String text = json.writeValueAsString(node);
            return text.indexOf("\\u0000") < 0 ? text : text.replace("\\u0000", "\\ufffd");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int reportType(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static UUID uuidOrNull(String value) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }

    /** Everything one batch writes, folded per message and per address so each statement touches a row once. */
    private static final class Batch {
        final List<MessageEventWriter.Row> history = new ArrayList<>();
        final Map<String, MessageReportWriter.Summary> summaries = new LinkedHashMap<>();
        final List<MessageReportWriter.Detail> details = new ArrayList<>();
        final Map<String, MessageLifecycle.Update> updates = new LinkedHashMap<>();
        final Map<String, SuppressionWriter.Entry> suppressions = new LinkedHashMap<>();
        final List<SuppressionWriter.SoftBounce> softBounces = new ArrayList<>();
        final Map<String, SuppressionWriter.SoftBounce> latestSoftBounce = new LinkedHashMap<>();
        final Map<String, SuppressionWriter.Delivery> deliveries = new LinkedHashMap<>();

        void suppress(SuppressionWriter.Entry entry) {
            suppressions.merge(entry.email(), entry, (a, b) -> SuppressionPolicy.replaces(b.reason(), a.reason()) ? b : a);
        }
    }
}
