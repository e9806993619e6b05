package org.mailpulse.message.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mailpulse.message.MessageStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A message as the API shows it. For SES messages MailPulse did not send, only the report timestamps and the
 * history are known: status, campaign and customer are null.
 */
@RegisterForReflection
public record MessageView(
        String sesMessageId,
        UUID campaignId,
        UUID customerId,
        String email,
        MessageStatus status,
        String statusReason,
        String bounceType,
        int attemptCount,
        int openCount,
        int clickCount,
        Map<String, Instant> timestamps,
        List<HistoryEntry> history) {

    /** One event at its own time; {@code status} is what it stands for, whether or not it changed the current status. */
    @RegisterForReflection
    public record HistoryEntry(String eventType, String status, Instant eventTime, String email, Map<String, Object> detail) {
    }
}
