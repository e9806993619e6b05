package org.mailpulse.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailpulse.client.ApiClient;
import org.mailpulse.client.ApiException;
import org.mailpulse.client.api.CampaignsApi;
import org.mailpulse.client.api.CustomersApi;
import org.mailpulse.client.api.MessagesApi;
import org.mailpulse.client.api.SuppressionsApi;
import org.mailpulse.client.api.TemplatesApi;
import org.mailpulse.client.api.UnsubscribeApi;
import org.mailpulse.client.model.CampaignCreate;
import org.mailpulse.client.model.CampaignView;
import org.mailpulse.client.model.CustomerCreate;
import org.mailpulse.client.model.CustomerView;
import org.mailpulse.client.model.EnrolmentReport;
import org.mailpulse.client.model.MessageStatus;
import org.mailpulse.client.model.MessageView;
import org.mailpulse.client.model.RecipientView;
import org.mailpulse.client.model.Stats;
import org.mailpulse.client.model.SuppressRequest;
import org.mailpulse.client.model.SuppressionView;
import org.mailpulse.client.model.TemplateCreate;
import org.mailpulse.client.model.TemplateView;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The README's walk-through through a Java client generated from the OpenAPI document (target/openapi, the
 * document the build stored and linted) against the packaged application: if the document drifts from the API,
 * this either does not compile or fails. The document test also checks what the generated java.net.http client
 * cannot (it has no authentication support of its own, so the token is set with its request interceptor): every
 * /api operation requires the bearer scheme, the public unsubscribe link none.
 */
@QuarkusIntegrationTest
class GeneratedClientIT {

    private static final Path STORED_DOCUMENT = Path.of("target/openapi/openapi.json");

    private String base;
    private ApiClient client;

    @BeforeEach
    void client() {
        base = RestAssured.baseURI + ":" + RestAssured.port;
        client = new ApiClient();
        client.updateBaseUri(base);
        // the java.net.http client's hook for credentials: a request interceptor
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + ApiToken.TOKEN));
    }

    @Test
    void theServedDocumentIsTheOneTheClientWasGeneratedFrom() throws IOException, InterruptedException {
        HttpResponse<String> served = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + "/q/openapi?format=json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        ObjectMapper json = new ObjectMapper();
        JsonNode document = json.readTree(STORED_DOCUMENT.toFile());
        assertThat(json.readTree(served.body())).isEqualTo(document);

        // what BearerTokenFilter enforces: the bearer scheme on every /api operation, none on the public link
        assertThat(document.at("/components/securitySchemes/bearer/type").asText()).isEqualTo("http");
        assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                String route = operation.getKey() + " " + path.getKey();
                JsonNode security = operation.getValue().get("security");
                assertThat(security).as(route).isNotNull();
                if (path.getKey().startsWith("/api/")) {
                    assertThat(security.toString()).as(route).isEqualTo("[{\"bearer\":[]}]");
                } else {
                    assertThat(security.isEmpty()).as(route).isTrue();
                }
                assertThat(operation.getValue().get("operationId")).as(route).isNotNull();
                operations++;
            }
        }
        assertThat(operations).isGreaterThan(30);
    }

    @Test
    void theWalkThroughThroughTheGeneratedClient() throws ApiException {
        CustomersApi customers = new CustomersApi(client);
        TemplatesApi templates = new TemplatesApi(client);
        CampaignsApi campaigns = new CampaignsApi(client);
        MessagesApi messages = new MessagesApi(client);
        SuppressionsApi suppressions = new SuppressionsApi(client);

        String run = UUID.randomUUID().toString().substring(0, 8);
        String sam = "sam-" + run + "@example.com";
        String bo = "bo-" + run + "@example.com";
        String cy = "cy-" + run + "@example.com";

        CustomerView created = customers.customerCreate(new CustomerCreate().email(sam.toUpperCase()).name("Sam").country("GB"));
        assertThat(created.getEmail()).isEqualTo(sam);
        assertThat(customers.customerGet(created.getId()).getName()).isEqualTo("Sam");

        TemplateView template = templates.templateCreate(new TemplateCreate().name("Hello " + run).provider("internal")
                .subject("Hello {{name}}").htmlBody("<p>Hi {{name}}, <a href=\"{{unsubscribeUrl}}\">unsubscribe</a></p>").textBody("Hi {{name}}"));
        CampaignView campaign = campaigns.campaignCreate(new CampaignCreate().name("Walk-through " + run).templateId(template.getId()));
        assertThat(campaign.getStatus()).isEqualTo("draft");

        EnrolmentReport enrolled = campaigns.campaignEnrol(campaign.getId(), "email,name\n" + sam + ",Sam\n" + bo + ",Bo\n" + cy + ",Cy\n");
        assertThat(enrolled.getEnrolled()).isEqualTo(3);
        assertThat(enrolled.getRejectedCount()).isZero();

        assertThat(campaigns.campaignQueue(campaign.getId()).getStatus()).isIn("queued", "sending");
        await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(campaigns.campaignGet(campaign.getId()).getStatus()));

        Map<String, RecipientView> sent = recipients(campaigns, campaign.getId());
        assertThat(sent).containsOnlyKeys(sam, bo, cy);
        assertThat(sent.values()).allSatisfy(message -> assertThat(message.getSesMessageId()).isNotBlank());

        // what SES would publish for the three mailbox-simulator outcomes: delivered, bounced, complained
        Instant now = Instant.now();
        Queue.send(event("publishing/delivery.json", sent.get(sam), now), event("publishing/bounce-permanent.json", sent.get(bo), now),
                event("publishing/complaint.json", sent.get(cy), now));
        await().atMost(Duration.ofSeconds(30)).until(() -> recipients(campaigns, campaign.getId()).values().stream()
                .collect(Collectors.toMap(RecipientView::getEmail, RecipientView::getStatus))
                .equals(Map.of(sam, "DELIVERED", bo, "BOUNCED", cy, "COMPLAINED")));

        Stats stats = campaigns.campaignStats(campaign.getId());
        assertThat(stats.getRecipients()).isEqualTo(3);
        assertThat(stats.getSent()).isEqualTo(3);
        assertThat(stats.getBouncedHard()).isEqualTo(1);
        assertThat(stats.getComplained()).isEqualTo(1);
        assertThat(stats.getBounceRate()).isGreaterThan(0);
        assertThat(stats.getComplaintRate()).isGreaterThan(0);

        MessageView bounced = messages.messageGet(sent.get(bo).getSesMessageId());
        assertThat(bounced.getStatus()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(bounced.getCampaignId()).isEqualTo(campaign.getId());
        assertThat(bounced.getHistory()).anySatisfy(entry -> assertThat(entry.getEventType()).isEqualTo("bounce"));

        assertThat(suppressions.suppressionGet(bo).getReason()).isEqualTo("bounce_hard");
        assertThat(suppressions.suppressionGet(cy).getReason()).isEqualTo("complaint");
        assertThat(suppressions.suppressionList(null, 0, "complaint", 50).getItems())
                .allSatisfy(suppression -> assertThat(suppression.getReason()).isEqualTo("complaint"));
        String manual = "manual-" + run + "@example.com";
        SuppressionView put = suppressions.suppressionPut(manual, new SuppressRequest().reason("manual").detail("asked by phone"));
        assertThat(put.getReason()).isEqualTo("manual");
        suppressions.suppressionDelete(manual);
        assertThatThrownBy(() -> suppressions.suppressionGet(manual))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }

    @Test
    void withoutTheTokenTheApiRefusesAndThePublicLinkStillAnswers() {
        ApiClient anonymous = new ApiClient();
        anonymous.updateBaseUri(base);
        assertThatThrownBy(() -> new CustomersApi(anonymous).customerList(null, null, null, null, 0, 10))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(401));
        // the unsubscribe link needs no token: an unknown one is the 404 page, not a 401
        assertThatThrownBy(() -> new UnsubscribeApi(anonymous).unsubscribeConfirm("not-a-token"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }

    private static Map<String, RecipientView> recipients(CampaignsApi campaigns, UUID campaign) throws ApiException {
        return campaigns.campaignRecipients(campaign, null, 0, 50, null).getItems().stream()
                .collect(Collectors.toMap(RecipientView::getEmail, Function.identity()));
    }

    private static String event(String fixture, RecipientView message, Instant at) {
        return SesFixtures.event(fixture).messageId(message.getSesMessageId()).recipient(message.getEmail())
                .mailTimestamp(at).eventTimestamp(at).raw();
    }
}
