package org.mailpulse.embedded.ses;

/**
 * An error answer the simulator can give to a SendEmail request instead of accepting it, shaped as SES v2 answers
 * (status, {@code x-amzn-ErrorType} header, JSON body with {@code message}) so that the AWS SDK maps it as it
 * maps the real one.
 */
public enum Fault {

    /** 429 TooManyRequestsException: SesV2's {@code TooManyRequestsException}, a throttling error the SDK retries. */
    THROTTLING(429, "TooManyRequestsException", "Maximum sending rate exceeded."),

    /** 503 ServiceUnavailable: a plain {@code SesV2Exception} (no modeled type), a 5xx the SDK retries. */
    TRANSIENT(503, "ServiceUnavailable", "Service unavailable, please try again."),

    /** 400 MessageRejected: SesV2's {@code MessageRejectedException}, which the SDK does not retry. */
    PERMANENT(400, "MessageRejected", "Email address is not verified."),

    /** 400 LimitExceededException: the account's 24-hour sending quota is used up. */
    DAILY_QUOTA(400, "LimitExceededException", "Daily message quota exceeded."),

    /** 400 SendingPausedException: SES has paused sending for the account. */
    SENDING_PAUSED(400, "SendingPausedException", "Email sending is disabled for your entire Amazon SES account.");

    private final int status;
    private final String errorType;
    private final String message;

    Fault(int status, String errorType, String message) {
        this.status = status;
        this.errorType = errorType;
        this.message = message;
    }

    public int status() {
        return status;
    }

    /** The {@code x-amzn-ErrorType} header, which the SDK takes as the error code. */
    public String errorType() {
        return errorType;
    }

    public String message() {
        return message;
    }
}
