package org.mailpulse.ses;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * One SendEmail call, its failure classified into a {@link SendOutcome}; never fails itself. A call made on one of
 * the SES event loops goes out through that loop's own client ({@link SesClients#onCurrentLoop()}), without leaving
 * the thread.
 */
@ApplicationScoped
public class SesMailer {

    private final SesClients clients;

    public SesMailer(SesClients clients) {
        this.clients = clients;
    }

    public Uni<SendOutcome> send(SendEmailRequest request) {
        SesV2AsyncClient ses = clients.onCurrentLoop();
        return Uni.createFrom().completionStage(() -> ses.sendEmail(request))
                .<SendOutcome>map(response -> new SendOutcome.Sent(response.messageId()))
                .onFailure().recoverWithItem(SesMailer::classify);
    }

    static SendOutcome classify(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? "" : service.awsErrorDetails().errorCode();
            String detail = code + ": " + service.awsErrorDetails().errorMessage();
            if (service.isThrottlingException() || "TooManyRequestsException".equals(code) || "Throttling".equals(code)) {
                return new SendOutcome.Throttled(detail);
            }
            if (service.statusCode() >= 500) {
                return new SendOutcome.Transient(detail);
            }
            // The account's daily quota or its paused sending: nothing about this message, never a failure of it.
            if ("LimitExceededException".equals(code)) {
                return new SendOutcome.AccountRefused(SendOutcome.Refusal.DAILY_QUOTA, detail);
            }
            if ("SendingPausedException".equals(code)) {
                return new SendOutcome.AccountRefused(SendOutcome.Refusal.SENDING_PAUSED, detail);
            }
            return new SendOutcome.Permanent(detail);
        }
        if (t instanceof SdkClientException && hasCause(t, ConnectException.class)) {
            return new SendOutcome.Transient("SES unreachable: " + t.getMessage());
        }
        // No connection of the client's pool came free in time: the request was never written, so it is safe to retry.
        if (t instanceof SdkClientException && acquireTimeout(t)) {
            return new SendOutcome.Transient("no SES connection free in time: " + t.getMessage());
        }
        if (t instanceof SdkException) {
            return new SendOutcome.Unknown(t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        return new SendOutcome.Unknown(t.toString());
    }

    /** The Netty client's "Acquire operation took longer than the configured maximum time" (a TimeoutException cause). */
    static boolean acquireTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException && c.getMessage() != null && c.getMessage().startsWith("Acquire operation took longer")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
