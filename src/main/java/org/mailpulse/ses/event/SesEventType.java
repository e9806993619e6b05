package org.mailpulse.ses.event;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The ten SES event types, with the names SES uses on the wire, in the two record formats and on EventBridge. */
public enum SesEventType {
    SEND("Send", "send", "send", "Email Sent"),
    REJECT("Reject", "reject", "reject", "Email Rejected"),
    BOUNCE("Bounce", "bounce", "bounce", "Email Bounced"),
    COMPLAINT("Complaint", "complaint", "complaint", "Email Complaint Received"),
    DELIVERY("Delivery", "delivery", "delivery", "Email Delivered"),
    OPEN("Open", "open", "open", "Email Opened"),
    CLICK("Click", "click", "click", "Email Clicked"),
    RENDERING_FAILURE("Rendering Failure", "failure", "rendering_failure", "Email Rendering Failed"),
    DELIVERY_DELAY("DeliveryDelay", "deliveryDelay", "delivery_delay", "Email Delivery Delayed"),
    SUBSCRIPTION("Subscription", "subscription", "subscription", "Email Subscribed");

    private static final Map<String, SesEventType> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toMap(SesEventType::wireName, Function.identity()));
    private static final Map<String, SesEventType> BY_DETAIL_TYPE =
            Arrays.stream(values()).collect(Collectors.toMap(SesEventType::eventBridgeDetailType, Function.identity()));

    private final String wireName;
    private final String detailField;
    private final String code;
    private final String eventBridgeDetailType;

    SesEventType(String wireName, String detailField, String code, String eventBridgeDetailType) {
        this.wireName = wireName;
        this.detailField = detailField;
        this.code = code;
        this.eventBridgeDetailType = eventBridgeDetailType;
    }

    /** The {@code detail-type} of the EventBridge event SES puts on the default bus, e.g. "Email Bounced". */
    public String eventBridgeDetailType() {
        return eventBridgeDetailType;
    }

    public static Optional<SesEventType> fromEventBridgeDetailType(String detailType) {
        return Optional.ofNullable(BY_DETAIL_TYPE.get(detailType));
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
