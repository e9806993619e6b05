package org.mailpulse.suppression;

import org.junit.jupiter.api.Test;
import org.mailpulse.suppression.sessync.AccountSuppressionClient;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which SES failures of the suppression-list calls are waited out and which are refusals. */
class AccountSuppressionClientTest {

    @Test
    void throttlingOutagesAndNoAnswerAreTriedAgain() {
        assertThat(AccountSuppressionClient.retryable(service(TooManyRequestsException.builder(), 429, "TooManyRequestsException"))).isTrue();
        assertThat(AccountSuppressionClient.retryable(service(SesV2Exception.builder(), 503, "ServiceUnavailable"))).isTrue();
        assertThat(AccountSuppressionClient.retryable(service(SesV2Exception.builder(), 500, "InternalFailure"))).isTrue();
        assertThat(AccountSuppressionClient.retryable(new CompletionException(SdkClientException.create("connection refused")))).isTrue();
    }

    @Test
    void aRefusalIsNot() {
        Throwable refused = new CompletionException(service(BadRequestException.builder(), 400, "BadRequestException"));

        assertThat(AccountSuppressionClient.retryable(refused)).isFalse();
        assertThat(AccountSuppressionClient.describe(refused)).isEqualTo("400 BadRequestException: no such address");
    }

    private static SesV2Exception service(SesV2Exception.Builder builder, int status, String code) {
        return (SesV2Exception) builder.statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("no such address").build()).build();
    }
}
