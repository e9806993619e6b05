package org.mailpulse.message.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.CampaignRecipient;
import org.mailpulse.message.repository.CampaignRecipientRepository;
import org.mailpulse.message.repository.MessageEventRepository;
import org.mailpulse.report.ReportSummary;
import org.mailpulse.report.repository.ReportSummaryRepository;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

@ApplicationScoped
public class MessageQueryService {

    private final CampaignRecipientRepository recipients;
    private final MessageEventRepository events;
    private final ReportSummaryRepository summaries;

    public MessageQueryService(CampaignRecipientRepository recipients, MessageEventRepository events, ReportSummaryRepository summaries) {
        this.recipients = recipients;
        this.events = events;
        this.summaries = summaries;
    }

    /** Null when neither MailPulse sent it nor any event of it was received. */
    @WithSession
    public Uni<MessageView> find(String sesMessageId) {
        return recipients.findBySesMessageId(sesMessageId)
                .chain(recipient -> summaries.findByMessageId(sesMessageId)
                        .chain(summary -> {
                            if (recipient == null && summary == null) {
                                return Uni.createFrom().nullItem();
                            }
                            return events.historyOf(sesMessageId).map(history -> view(sesMessageId, recipient, summary,
                                    history.stream().map(e -> new MessageView.HistoryEntry(e.eventType, e.status, e.eventTime, e.email, e.payload)).toList()));
                        }));
    }

    private static MessageView view(String sesMessageId, CampaignRecipient r, ReportSummary s, java.util.List<MessageView.HistoryEntry> history) {
        Map<String, Instant> times = new LinkedHashMap<>();
        if (r != null) {
            put(times, "created", r.createdAt);
            put(times, "scheduled", r.scheduledAt);
            put(times, "lastAttempt", r.lastAttemptAt);
            put(times, "sent", r.sentAt);
            put(times, "delivered", r.deliveredAt);
            put(times, "opened", r.openedAt);
            put(times, "clicked", r.clickedAt);
            put(times, "bounced", r.bouncedAt);
            put(times, "complained", r.complainedAt);
            put(times, "rejected", r.rejectedAt);
            put(times, "failed", r.failedAt);
            put(times, "deliveryDelayed", r.deliveryDelayedAt);
            put(times, "unsubscribed", r.unsubscribedAt);
        }
        if (s != null) {
            put(times, "sent", s.sendAt);
            put(times, "delivered", s.deliveryAt);
            put(times, "opened", s.openAt);
            put(times, "clicked", s.clickAt);
            put(times, "bounced", s.bounceAt);
            put(times, "complained", s.complaintAt);
            put(times, "rejected", s.rejectAt);
            put(times, "renderingFailed", s.renderingFailureAt);
            put(times, "deliveryDelayed", s.deliveryDelayAt);
            put(times, "subscription", s.subscriptionAt);
        }
        return new MessageView(sesMessageId,
                r != null ? r.campaignId : s.campaignId,
                r != null ? r.customerId : s.customerId,
                r != null ? r.email : s.userEmail,
                r != null ? r.status : null,
                r != null ? r.statusReason : null,
                r != null ? r.bounceType : null,
                r != null ? r.attemptCount : 0,
                r != null ? r.openCount : 0,
                r != null ? r.clickCount : 0,
                times, history);
    }

    private static void put(Map<String, Instant> times, String name, Instant value) {
        if (value != null) {
            times.putIfAbsent(name, value);
        }
    }
}
