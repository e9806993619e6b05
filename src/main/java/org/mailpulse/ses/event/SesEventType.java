package org.mailpulse.ses.event;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The ten SES event types, with the names SES uses on the wire and in the two record formats. */
public enum SesEventType {
    SEND("Send", "send", "send"),
    REJECT("Reject", "reject", "reject"),
    BOUNCE("Bounce", "bounce", "bounce"),
    COMPLAINT("Complaint", "complaint", "complaint"),
    DELIVERY("Delivery", "delivery", "delivery"),
    OPEN("Open", "open", "open"),
    CLICK("Click", "click", "click"),
    RENDERING_FAILURE("Rendering Failure", "failure", "rendering_failure"),
    DELIVERY_DELAY("DeliveryDelay", "deliveryDelay", "delivery_delay"),
    SUBSCRIPTION("Subscription", "subscription", "subscription");

    private static final Map<String, SesEventType> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toMap(SesEventType::wireName, Function.identity()));

    private final String wireName;
    private final String detailField;
    private final String code;

    SesEventType(String wireName, String detailField, String code) {
        this.wireName = wireName;
        this.detailField = detailField;
        this.code = code;
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

    public static Optional<SesEventType> fromWireName(String name) {
        return Optional.ofNullable(BY_WIRE_NAME.get(name));
    }
}
