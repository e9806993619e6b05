package org.mailpulse.ingest;

import org.mailpulse.message.MessageStatus;

import java.time.Instant;
import java.util.UUID;

/** A committed move of one message to a higher status. */
public record StatusChange(UUID campaignId, UUID customerId, String sesMessageId, MessageStatus from, MessageStatus to, Instant eventTime) {
}
