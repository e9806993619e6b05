package org.mailpulse.ses;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

import java.net.ConnectException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** SesMailer.classify for each SES error code and each kind of client failure. Plain JUnit. */
class SesMailerTest {

    private static SesV2Exception ses(int status, String code) {
        return (SesV2Exception) SesV2Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("message of " + code).build()).build();
    }

    @Test
    void eachSesErrorCode() {
        Map<SesV2Exception, Class<? extends SendOutcome>> expected = new LinkedHashMap<>();
        expected.put(ses(429, "TooManyRequestsException"), SendOutcome.Throttled.class);
        expected.put(ses(400, "Throttling"), SendOutcome.Throttled.class);
        expected.put(ses(400, "ThrottlingException"), SendOutcome.Throttled.class);
        expected.put(ses(400, "LimitExceededException"), SendOutcome.AccountRefused.class);
        expected.put(ses(400, "SendingPausedException"), SendOutcome.AccountRefused.class);
        expected.put(ses(500, "InternalFailure"), SendOutcome.Transient.class);
        expected.put(ses(503, "ServiceUnavailable"), SendOutcome.Transient.class);
        expected.put(ses(400, "MessageRejected"), SendOutcome.Permanent.class);
        expected.put(ses(400, "MailFromDomainNotVerifiedException"), SendOutcome.Permanent.class);
        expected.put(ses(404, "NotFoundException"), SendOutcome.Permanent.class);
        expected.put(ses(400, "BadRequestException"), SendOutcome.Permanent.class);
        expected.put(ses(400, "AccountSuspendedException"), SendOutcome.Permanent.class);
        expected.put(ses(403, "AccessDeniedException"), SendOutcome.Permanent.class);
        expected.forEach((failure, outcome) -> {
            String code = failure.awsErrorDetails().errorCode();
            assertThat(SesMailer.classify(failure)).as(code).isInstanceOf(outcome);
            assertThat(SesMailer.classify(new CompletionException(failure))).as("%s inside a CompletionException", code).isInstanceOf(outcome);
        });
        assertThat(SesMailer.classify(ses(400, "LimitExceededException"))).isEqualTo(new SendOutcome.AccountRefused(
                SendOutcome.Refusal.DAILY_QUOTA, "LimitExceededException: message of LimitExceededException"));
        assertThat(SesMailer.classify(ses(400, "SendingPausedException"))).extracting(o -> ((SendOutcome.AccountRefused) o).refusal())
                .isEqualTo(SendOutcome.Refusal.SENDING_PAUSED);
        assertThat(SesMailer.classify(ses(400, "MessageRejected"))).isEqualTo(new SendOutcome.Permanent("MessageRejected: message of MessageRejected"));
    }

    @Test
    void aRefusedConnectionIsTransientAndAnythingUnclearIsUnknown() {
        SdkClientException refused = SdkClientException.builder().message("connect").cause(new ConnectException("Connection refused")).build();
        assertThat(SesMailer.classify(refused)).isInstanceOf(SendOutcome.Transient.class);
        assertThat(SesMailer.classify(new CompletionException(refused))).isInstanceOf(SendOutcome.Transient.class);
        SdkClientException noConnection = SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new Throwable("pool", new java.util.concurrent.TimeoutException("Acquire operation took longer than 10000 milliseconds."))).build();
        assertThat(SesMailer.classify(new CompletionException(noConnection))).isInstanceOf(SendOutcome.Transient.class);
        assertThat(SesMailer.classify(ApiCallTimeoutException.create(1000))).isInstanceOf(SendOutcome.Unknown.class);
        assertThat(SesMailer.classify(SdkClientException.create("connection reset mid-call"))).isInstanceOf(SendOutcome.Unknown.class);
        assertThat(SesMailer.classify(new IllegalStateException("odd"))).isInstanceOf(SendOutcome.Unknown.class);
    }
}
