package org.mailpulse.webhook.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.mailpulse.webhook.WebhookEventType;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The bodies MailPulse POSTs, as documented in the OpenAPI document (the triggers of V12 write them): the Standard
 * Webhooks envelope {@code {type, timestamp, data}} with one {@code data} shape per family of event types.
 */
public final class WebhookPayloads {

    private WebhookPayloads() {
    }

    @RegisterForReflection
    @Schema(name = "WebhookPayload", description = "The body of every webhook request; the signature covers its exact bytes")
    public record Payload(
            @Schema(description = "The event type, e.g. message.bounced") String type,
            @Schema(description = "When the change was made (its transaction's time), UTC ISO-8601") String timestamp,
            @Schema(description = "One shape per family of event types (see type)", anyOf = {MessageData.class, SuppressionData.class, CampaignData.class, QuarantineData.class}) Object data) {
    }

    @RegisterForReflection
    @Schema(name = "WebhookMessageData", description = "message.<status>: a message (campaign recipient) reached that status")
    public record MessageData(UUID campaignId, UUID customerId, String email, String sesMessageId,
                              @Schema(description = "The status before") String from, @Schema(description = "The status now") String to,
                              String reason, @Schema(enumeration = {"hard", "soft"}) String bounceType) {
    }

    @RegisterForReflection
    @Schema(name = "WebhookSuppressionData", description = "suppression.added, suppression.lifted: an address put on or taken off the suppression list")
    public record SuppressionData(String email, @Schema(enumeration = {"bounce_soft", "unsubscribe", "manual", "bounce_hard", "complaint"}) String reason,
                                  @Schema(enumeration = {"user", "ses", "ops"}) String source, String detail) {
    }

    @RegisterForReflection
    @Schema(name = "WebhookCampaignData", description = "campaign.status_changed")
    public record CampaignData(UUID campaignId, String name, String from, String to, String pausedReason) {
    }

    @RegisterForReflection
    @Schema(name = "WebhookQuarantineData", description = "quarantine.added: an input of the event queue that could not be processed")
    public record QuarantineData(long id, String sqsMessageId, String reason, boolean bodyTruncated, String receivedAt) {
    }

    @RegisterForReflection
    @Schema(name = "WebhookEventType")
    public record EventType(String type, String description, Payload example) {
    }

    private static final String AT = "2026-01-05T09:30:00.123456Z";
    private static final UUID CAMPAIGN = UUID.fromString("0b6f3c9e-5d8a-4c1e-9a57-3f2d1c0e8b71");
    private static final UUID CUSTOMER = UUID.fromString("7d1e2f3a-4b5c-4d6e-8f70-9a0b1c2d3e4f");

    /** Every event type with a description and an example body. */
    public static List<EventType> catalogue() {
        return Arrays.stream(WebhookEventType.values()).map(WebhookPayloads::describe).toList();
    }

    private static EventType describe(WebhookEventType type) {
        return switch (type) {
            case SUPPRESSION_ADDED -> new EventType(type.code(), "An address was put on the suppression list",
                    new Payload(type.code(), AT, new SuppressionData("jane@example.com", "bounce_hard", "ses", "smtp; 550 5.1.1 user unknown")));
            case SUPPRESSION_LIFTED -> new EventType(type.code(), "A suppression was lifted (the address can be sent to again)",
                    new Payload(type.code(), AT, new SuppressionData("jane@example.com", "manual", "ops", null)));
            case CAMPAIGN_STATUS_CHANGED -> new EventType(type.code(), "A campaign changed status (queued, sending, paused, done)",
                    new Payload(type.code(), AT, new CampaignData(CAMPAIGN, "Week 1", "sending", "paused", "bounce rate 6.1% over 5%")));
            case QUARANTINE_ADDED -> new EventType(type.code(), "An input of the event queue was quarantined with its reason",
                    new Payload(type.code(), AT, new QuarantineData(42, "5f1e...", "not an SES event: no eventType", false, AT)));
            default -> {
                String status = type.code().substring("message.".length()).toUpperCase();
                boolean bounce = type == WebhookEventType.MESSAGE_BOUNCED;
                yield new EventType(type.code(), "A message reached status " + status,
                        new Payload(type.code(), AT, new MessageData(CAMPAIGN, CUSTOMER, "jane@example.com",
                                "0100018c-1a2b3c4d-example-000000", bounce ? "DELIVERED" : "SENT", status,
                                bounce ? "smtp; 550 5.1.1 user unknown" : null, bounce ? "hard" : null)));
            }
        };
    }
}
