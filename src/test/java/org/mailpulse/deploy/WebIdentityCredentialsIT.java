package org.mailpulse.deploy;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.mailpulse.embedded.RequestSignature;
import org.mailpulse.embedded.ses.SesSimulator;
import org.mailpulse.reliability.ReliabilityProfile;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.RecordingProxy;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.StsStandIn;
import org.mailpulse.testsupport.TestServers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * IRSA as EKS sets it up: the packaged application starts with a role ARN, a projected service-account token file
 * and a region in its environment and no static keys anywhere. Its AWS clients must get temporary credentials from
 * STS (AssumeRoleWithWebIdentity, here a local stand-in) and sign every SQS and SES request with them. A real send
 * (a campaign of one recipient through the API) exercises SES; the delivery event for it coming back through SQS
 * exercises the receive and delete of ingestion.
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class WebIdentityCredentialsIT {

    private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/mailpulse-irsa";
    private static final String SEND_EMAIL = "POST " + SesSimulator.SEND_EMAIL_PATH;

    @Test
    void everyAwsClientSignsWithTheCredentialsStsIssuedForTheServiceAccountToken() throws Exception {
        ApiToken.install();
        String token = "eyJhbGciOiJSUzI1NiJ9." + UUID.randomUUID() + ".signature";
        Path tokenFile = Files.createTempFile("mailpulse-sa-token-", "");
        Files.writeString(tokenFile, token);
        Path noFile = tokenFile.resolveSibling("absent-" + UUID.randomUUID());
        try (StsStandIn sts = StsStandIn.start(ROLE_ARN, token);
             RecordingProxy sqs = RecordingProxy.start(TestServers.sqsEndpoint());
             AppInstance app = AppInstance.start("irsa", AppInstance.Launch.options(
                             "-Dmailpulse.sending.enabled=true",
                             "-Dmailpulse.reputation.enabled=false",
                             "-Dquarkus.sqs.endpoint-override=" + sqs.endpoint())
                     .without("quarkus.sqs.aws.")
                     .without("quarkus.ses.aws.")
                     .withEnvironment("AWS_ROLE_ARN", ROLE_ARN)
                     .withEnvironment("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString())
                     .withEnvironment("AWS_REGION", "us-east-1")
                     .withEnvironment("AWS_DEFAULT_REGION", "us-east-1")
                     .withEnvironment("AWS_STS_REGIONAL_ENDPOINTS", "regional")
                     .withEnvironment("AWS_ENDPOINT_URL_STS", sts.endpoint())
                     .withEnvironment("AWS_ACCESS_KEY_ID", null)
                     .withEnvironment("AWS_SECRET_ACCESS_KEY", null)
                     .withEnvironment("AWS_SESSION_TOKEN", null)
                     .withEnvironment("AWS_PROFILE", null)
                     .withEnvironment("AWS_SHARED_CREDENTIALS_FILE", noFile.toString())
                     .withEnvironment("AWS_CONFIG_FILE", noFile.toString())
                     .withEnvironment("AWS_EC2_METADATA_DISABLED", "true"))) {
            app.awaitReady(Duration.ofMinutes(5));

            String email = "irsa-" + UUID.randomUUID() + "@example.com";
            String campaign = campaignOfOne(app, email);
            given(app).post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                    .until(() -> "SENT".equals(Db.row("select status from campaign_recipients where email = ?", email).get("status")));
            String sesMessageId = (String) Db.row("select ses_message_id from campaign_recipients where email = ?", email).get("ses_message_id");

            Queue.send(SesFixtures.event("publishing/delivery.json").messageId(sesMessageId).recipient(email)
                    .campaignId(campaign).inSnsEnvelope("sns-irsa-" + UUID.randomUUID()));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                    .until(() -> "DELIVERED".equals(Db.row("select status from campaign_recipients where email = ?", email).get("status")));
            given(app).get("/api/messages/{id}", sesMessageId).then().statusCode(200).body("status", equalTo("DELIVERED"));

            RequestSignature issued = new RequestSignature(sts.accessKeyId(), "us-east-1", "sqs", true);
            assertThat(sts.issued()).as("credentials issued by STS").isPositive();
            assertThat(sts.refused()).as("STS calls refused").isZero();

            List<RecordingProxy.Seen> sqsRequests = sqs.seen();
            assertThat(sqsRequests).as("SQS requests of the instance").isNotEmpty();
            assertThat(sqsRequests).as("every SQS request signed with STS's temporary credentials")
                    .allSatisfy(seen -> assertThat(seen.signature()).isEqualTo(issued));
            assertThat(sqsRequests).extracting(RecordingProxy.Seen::target)
                    .contains("AmazonSQS.ReceiveMessage", "AmazonSQS.DeleteMessageBatch");

            List<Map<String, Object>> signed = RestAssured.given().baseUri(TestServers.sesProxy()).get("/_simulator/signatures")
                    .then().statusCode(200).extract().jsonPath().getList("$");
            assertThat(signed).as("SendEmail signed with STS's temporary credentials")
                    .anySatisfy(request -> {
                        assertThat(request.get("request")).isEqualTo(SEND_EMAIL);
                        assertThat(request.get("signature")).isEqualTo(Map.of("accessKeyId", sts.accessKeyId(), "region", "us-east-1",
                                "service", "ses", "sessionToken", true));
                    });
        } finally {
            Files.deleteIfExists(tokenFile);
        }
    }

    private static RequestSpecification given(AppInstance app) {
        return RestAssured.given().baseUri(app.baseUrl()).header("Authorization", "Bearer " + ApiToken.TOKEN);
    }

    private static String campaignOfOne(AppInstance app, String email) {
        String template = given(app).contentType(ContentType.JSON).body(Map.of("name", "IRSA", "provider", "internal",
                        "subject", "Hello {{name}}", "textBody", "Hi {{name}}"))
                .post("/api/templates").then().statusCode(201).extract().path("id");
        String campaign = given(app).contentType(ContentType.JSON).body(Map.of("name", "IRSA", "templateId", template))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        given(app).contentType(ContentType.JSON).body(Map.of("recipients", List.of(Map.of("email", email, "data", Map.of("name", "Ira")))))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200).body("enrolled", equalTo(1));
        return campaign;
    }
}
