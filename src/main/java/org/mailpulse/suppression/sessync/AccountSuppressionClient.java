package org.mailpulse.suppression.sessync;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SuppressedDestinationSummary;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;

/** The SES v2 calls on the account-level suppression list. */
@ApplicationScoped
public class AccountSuppressionClient {

    /** One entry of the SES list. */
    public record Entry(String email, String reason, Instant lastUpdateTime) {
    }

    /** A page of ListSuppressedDestinations; {@code nextToken} null on the last. */
    public record Page(List<Entry> entries, String nextToken) {
    }

    private final SesV2AsyncClient ses;

    public AccountSuppressionClient(SesV2AsyncClient ses) {
        this.ses = ses;
    }

    /** PutSuppressedDestination; {@code reason} BOUNCE or COMPLAINT. */
    public Uni<Void> put(String email, String reason) {
        return Uni.createFrom().completionStage(() -> ses.putSuppressedDestination(r -> r.emailAddress(email).reason(reason)))
                .replaceWithVoid();
    }

    /** DeleteSuppressedDestination; an address SES does not have counts as deleted. */
    public Uni<Void> delete(String email) {
        return Uni.createFrom().completionStage(() -> ses.deleteSuppressedDestination(r -> r.emailAddress(email)))
                .replaceWithVoid()
                .onFailure(e -> unwrap(e) instanceof NotFoundException).recoverWithNull();
    }

    /** One page of ListSuppressedDestinations updated at or after {@code start} (every entry if null). */
    public Uni<Page> list(Instant start, String nextToken, int pageSize) {
        return Uni.createFrom().completionStage(() -> ses.listSuppressedDestinations(r -> r.startDate(start).nextToken(nextToken).pageSize(pageSize)))
                .map(response -> new Page(response.suppressedDestinationSummaries().stream()
                        .map(AccountSuppressionClient::entry).toList(), response.nextToken()));
    }

    private static Entry entry(SuppressedDestinationSummary summary) {
        return new Entry(summary.emailAddress(), summary.reasonAsString(), summary.lastUpdateTime());
    }

    /** Throttling, a 5xx or no answer at all: worth trying again later. Anything else SES will refuse again. */
    public static boolean retryable(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof SdkServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        return e instanceof SdkClientException || !(e instanceof software.amazon.awssdk.core.exception.SdkException);
    }

    /** A short text for logs and the outbox row. */
    public static String describe(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.statusCode() + " " + service.awsErrorDetails().errorCode() + ": " + service.awsErrorDetails().errorMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
