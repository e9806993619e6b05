package org.mailpulse.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.ingest.ParsedInput;
import org.mailpulse.ingest.SesRecordParser;
import org.mailpulse.testsupport.SesFixtures;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** A property the API does not know is refused with 400 problem+json naming it; SES events keep being read leniently. */
@QuarkusTest
class UnknownPropertyTest {

    @Inject
    SesRecordParser parser;

    @Test
    void misspeltScheduledAtIsRefusedAndNoCampaignIsCreated() {
        String template = template();
        long before = campaigns();
        refused(given().contentType(ContentType.JSON)
                .body("{\"name\":\"C\",\"templateId\":\"" + template + "\",\"scheduledAt2\":\"2030-01-01T00:00:00Z\"}")
                .post("/api/campaigns"), "scheduledAt2", "scheduledAt2")
                .body("detail", containsString("scheduledAt"));
        assertThat(campaigns()).isEqualTo(before);
    }

    @Test
    void unknownPropertyOfANestedRecipientIsNamedWithItsPath() {
        String campaign = given().contentType(ContentType.JSON).body("{\"name\":\"C\",\"templateId\":\"" + template() + "\"}")
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        refused(given().contentType(ContentType.JSON)
                .body("{\"recipients\":[{\"email\":\"a@example.com\"},{\"email\":\"b@example.com\",\"dta\":{}}]}")
                .post("/api/campaigns/" + campaign + "/recipients"), "dta", "recipients[1].dta");
    }

    @Test
    void customersRefuseUnknownPropertiesOnCreateAndPatch() {
        String email = "unknown-" + UUID.randomUUID() + "@example.com";
        refused(given().contentType(ContentType.JSON).body("{\"email\":\"" + email + "\",\"nmae\":\"Ann\"}").post("/api/customers"),
                "nmae", "nmae");
        String id = given().contentType(ContentType.JSON).body("{\"email\":\"" + email + "\",\"name\":\"Ann\"}")
                .post("/api/customers").then().statusCode(201).extract().path("id");
        refused(given().contentType(ContentType.JSON).body("{\"isActive\":false}").patch("/api/customers/" + id), "isActive", "isActive");
        given().get("/api/customers/" + id).then().statusCode(200).body("active", equalTo(true));
    }

    @Test
    void templatesRefuseUnknownProperties() {
        refused(given().contentType(ContentType.JSON)
                .body("{\"name\":\"T\",\"provider\":\"internal\",\"subject\":\"S\",\"textBody\":\"B\",\"htmlbody\":\"<p>B</p>\"}")
                .post("/api/templates"), "htmlbody", "htmlbody");
    }

    @Test
    void suppressionsRefuseUnknownProperties() {
        String email = "unknown-" + UUID.randomUUID() + "@example.com";
        refused(given().contentType(ContentType.JSON).body("{\"reason\":\"manual\",\"comment\":\"x\"}").put("/api/suppressions/" + email),
                "comment", "comment");
        given().get("/api/suppressions/" + email).then().statusCode(404);
    }

    @Test
    void sesEventsWithFieldsUnknownToMailPulseAreStillApplied() {
        String event = SesFixtures.event("publishing/delivery.json").raw()
                .replaceFirst("\\{", "{\"fieldAddedBySesLater\":{\"x\":1},").replace("\"mail\": {", "\"mail\": {\"alsoNew\": true,");
        assertThat(event).contains("alsoNew");
        assertThat(parser.parse(event)).isInstanceOf(ParsedInput.Event.class);
        assertThat(parser.parse(SesFixtures.snsEnvelope(event, "sns-" + UUID.randomUUID(), SesFixtures.DEFAULT_TIMESTAMP)
                .replaceFirst("\\{", "{\"UnknownEnvelopeField\":\"x\","))).isInstanceOf(ParsedInput.Event.class);
    }

    private static io.restassured.response.ValidatableResponse refused(io.restassured.response.Response response, String property, String field) {
        return response.then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400))
                .body("detail", startsWith("Unknown property '" + property + "'"))
                .body("errors[0].field", equalTo(field))
                .body("errors[0].message", equalTo("is not a known property"));
    }

    private static String template() {
        return given().contentType(ContentType.JSON).body("{\"name\":\"T\",\"provider\":\"internal\",\"subject\":\"S\",\"textBody\":\"B\"}")
                .post("/api/templates").then().statusCode(201).extract().path("id");
    }

    private static long campaigns() {
        return ((Number) given().get("/api/campaigns?size=1").then().statusCode(200).extract().path("total")).longValue();
    }
}
