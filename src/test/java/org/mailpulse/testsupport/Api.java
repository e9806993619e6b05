package org.mailpulse.testsupport;

import io.restassured.http.ContentType;

import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Arrangements made through the public API, as a user would. */
public final class Api {

    private Api() {
    }

    public static String draftCampaign() {
        return draftCampaign(null);
    }

    public static String draftCampaign(Instant scheduledAt) {
        String template = given().contentType(ContentType.JSON).body(Map.of("name", "T", "provider", "internal",
                        "subject", "Hi {{name}}", "textBody", "Hello {{name}}"))
                .post("/api/templates").then().statusCode(201).extract().path("id");
        Map<String, Object> campaign = new java.util.HashMap<>(Map.of("name", "C", "templateId", template));
        if (scheduledAt != null) {
            campaign.put("scheduledAt", scheduledAt.toString());
        }
        return given().contentType(ContentType.JSON).body(campaign)
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
    }
}
