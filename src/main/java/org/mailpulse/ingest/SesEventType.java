package org.mailpulse.ingest;

import org.mailpulse.message.MessageStatus;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The ten SES event types, with the names SES uses on the wire and in the two record formats. */
public enum SesEventType {
    SEND("Send", "send", "send", MessageStatus.SENT),
    REJECT("Reject", "reject", "reject", MessageStatus.REJECTED),
    BOUNCE("Bounce", "bounce", "bounce", MessageStatus.BOUNCED),
    COMPLAINT("Complaint", "complaint", "complaint", MessageStatus.COMPLAINED),
    DELIVERY("Delivery", "delivery", "delivery", MessageStatus.DELIVERED),
    OPEN("Open", "open", "open", MessageStatus.OPENED),
    CLICK("Click", "click", "click", MessageStatus.CLICKED),
    RENDERING_FAILURE("Rendering Failure", "failure", "rendering_failure", MessageStatus.FAILED),
    DELIVERY_DELAY("DeliveryDelay", "deliveryDelay", "delivery_delay", null),
    SUBSCRIPTION("Subscription", "subscription", "subscription", null);

    private static final Map<String, SesEventType> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toMap(SesEventType::wireName, Function.identity()));

    private final String wireName;
    private final String detailField;
    private final String code;
    private final MessageStatus impliedStatus;

    SesEventType(String wireName, String detailField, String code, MessageStatus impliedStatus) {
        this.wireName = wireName;
        this.detailField = detailField;
        this.code = code;
        this.impliedStatus = impliedStatus;
    }

    /** {@code eventType} / {@code notificationType} value, e.g. "Rendering Failure". */
    public String wireName() {
        return wireName;
    }

    /** The record's field holding the type-specific object, e.g. "failure" for Rendering Failure. */
    public String detailField() {
        return detailField;
    }

    /** The stored name (email_events_op.event_type), e.g. "rendering_failure". */
    public String code() {
        return code;
    }

    /** Send, Reject and Rendering Failure carry no object of their own that MailPulse needs. */
    public boolean requiresDetail() {
        return this != SEND && this != REJECT && this != RENDERING_FAILURE;
    }

    /** The status this type moves a message to, before the per-event refinements of {@link SesEvent#impliedStatus()}. */
    MessageStatus baseStatus() {
        return impliedStatus;
    }

    public static Optional<SesEventType> fromWireName(String name) {
        return Optional.ofNullable(BY_WIRE_NAME.get(name));
    }
}
