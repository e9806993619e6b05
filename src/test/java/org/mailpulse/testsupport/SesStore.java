package org.mailpulse.testsupport;

import io.restassured.path.json.JsonPath;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;

/** The mail that reached the SES emulator (aws-ses-v2-local's GET /store). */
public final class SesStore {

    private SesStore() {
    }

    public static List<Map<String, Object>> mailsTo(String address) {
        return mailsTo(address, all());
    }

    public static List<Map<String, Object>> mailsTo(String address, List<Map<String, Object>> mails) {
        return mails.stream().filter(mail -> recipients(mail).contains(address)).toList();
    }

    public static List<Map<String, Object>> all() {
        JsonPath store = given().baseUri(TestServers.sesEndpoint()).get("/store").then().statusCode(200).extract().jsonPath();
        return store.getList("emails");
    }

    public static Optional<String> header(Map<String, Object> mail, String name) {
        @SuppressWarnings("unchecked")
        List<Map<String, String>> headers = (List<Map<String, String>>) mail.getOrDefault("headers", List.of());
        return headers.stream().filter(h -> name.equalsIgnoreCase(h.get("name"))).map(h -> h.get("value")).findFirst();
    }

    @SuppressWarnings("unchecked")
    private static List<String> recipients(Map<String, Object> mail) {
        return (List<String>) ((Map<String, Object>) mail.get("destination")).get("to");
    }
}
