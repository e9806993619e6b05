package org.mailpulse.campaign;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * 20,000 rows in two parts through both CSV routes: several chunks of 10,000, each split between two writers, with
 * repeats inside a chunk and across chunks and parts, bad addresses, suppressed and inactive customers. Every row
 * is accounted for exactly once.
 */
@QuarkusTest
class BulkEnrolmentTest {

    private static String address(String run, int i) {
        return "bulk-" + run + "-" + i + "@d" + (i % 7) + ".example";
    }

    @Test
    void twentyThousandRowsInTwoPartsAreEnrolledOnceEach() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Customers 0..99 exist already; 100 is inactive; 200..229 are suppressed.
        StringBuilder existing = new StringBuilder("email,name\n");
        for (int i = 0; i <= 100; i++) {
            existing.append(address(run, i)).append(",Known ").append(i).append('\n');
        }
        given().contentType("text/csv").body(existing.toString()).post("/api/customers/import").then().statusCode(200).body("created", equalTo(101));
        Db.update("UPDATE customers SET is_active = false WHERE email = ?", address(run, 100));
        for (int i = 200; i < 230; i++) {
            Db.update("INSERT INTO suppression_list (email, reason, reason_rank, source) VALUES (?, 'manual', 2, 'user')", address(run, i));
        }
        String template = given().contentType(ContentType.JSON).body(Map.of("name", "Bulk", "provider", "internal", "subject", "Hi {{name}}",
                "textBody", "Hi {{name}} on {{plan}}")).post("/api/templates").then().statusCode(201).extract().path("id");
        String campaign = given().contentType(ContentType.JSON).body(Map.of("name", "Bulk " + run, "templateId", template))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");

        // Part 1: lines 2..12001 = addresses 0..11999, except: line 502 repeats line 501 (same chunk), line 11002 repeats
        // the address of line 2 (a later chunk), lines 1002 and 11502 have no valid address.
        List<String> part1 = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) {
            part1.add(address(run, i));
        }
        part1.set(500, address(run, 499).toUpperCase());
        part1.set(11_000, address(run, 0));
        part1.set(1_000, "no-at-sign.example");
        part1.set(11_500, "");
        given().contentType("text/csv").body(csv(part1)).post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200)
                .body("enrolled", equalTo(12_000 - 4 - 1 - 30))
                .body("suppressed", equalTo(30))
                .body("alreadyEnrolled", equalTo(1))
                .body("rejectedCount", equalTo(4))
                .body("rejected.line", hasItems(502, 1002, 11502, 102))
                .body("rejected.find { it.line == 502 }.reason", equalTo("duplicate of line 501"))
                .body("rejected.find { it.line == 102 }.reason", equalTo("the customer is inactive"));

        // Part 2: addresses 10000..17999: 2,000 were in part 1, where two of them were left out (they are enrolled now).
        List<String> part2 = new ArrayList<>();
        for (int i = 10_000; i < 18_000; i++) {
            part2.add(address(run, i));
        }
        given().contentType("text/csv").body(csv(part2)).post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200)
                .body("enrolled", equalTo(6_000 + 2)).body("alreadyEnrolled", equalTo(2_000 - 2)).body("rejectedCount", equalTo(0));

        assertThat(Db.count("SELECT count(*) FROM campaign_recipients WHERE campaign_id = ?::uuid", campaign)).isEqualTo(18_000 - 3);
        assertThat(Db.count("SELECT count(*) FROM campaign_recipients WHERE campaign_id = ?::uuid AND status = 'SUPPRESSED'", campaign)).isEqualTo(30);
        assertThat(Db.count("SELECT count(*) FROM customers WHERE email LIKE ?", "bulk-" + run + "-%")).isEqualTo(18_000 - 2);
        assertThat(Db.row("SELECT template_data->>'name' AS name, template_data->>'plan' AS plan FROM campaign_recipients WHERE campaign_id = ?::uuid AND email = ?",
                campaign, address(run, 7_000))).containsEntry("name", "Person 7000").containsEntry("plan", "p1");
        // Customers created by the enrolment have time-ordered ids: version 7, ascending from one chunk to the next.
        List<Map<String, Object>> created = Db.rows("SELECT email, customer_id::text AS id FROM customers WHERE email IN (?, ?, ?) ORDER BY customer_id",
                address(run, 101), address(run, 10_500), address(run, 17_999));
        assertThat(created).extracting(r -> ((String) r.get("id")).charAt(14)).containsOnly('7');
        assertThat(created).extracting(r -> r.get("email")).containsExactly(address(run, 101), address(run, 10_500), address(run, 17_999));
    }

    @Test
    void twentyThousandCustomersImportedInTwoParts() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder part1 = new StringBuilder("email,name,company,country\n");
        for (int i = 0; i < 12_000; i++) {
            String email = i == 300 ? address(run, 299) : i == 4_000 ? "broken" : address(run, i);
            part1.append(email).append(",Person ").append(i).append(",Co,").append(i == 5_000 ? "Germany" : "GB").append('\n');
        }
        given().contentType("text/csv").body(part1.toString()).post("/api/customers/import").then().statusCode(200)
                .body("created", equalTo(12_000 - 3)).body("updated", equalTo(0)).body("rejectedCount", equalTo(3))
                .body("rejected.line", hasItems(302, 4002, 5002));
        StringBuilder part2 = new StringBuilder("email,company\n");
        for (int i = 10_000; i < 18_000; i++) {
            part2.append(address(run, i)).append(",Renamed\n");
        }
        given().contentType("text/csv").body(part2.toString()).post("/api/customers/import").then().statusCode(200)
                .body("created", equalTo(6_000)).body("updated", equalTo(2_000)).body("rejectedCount", equalTo(0));
        assertThat(Db.count("SELECT count(*) FROM customers WHERE email LIKE ?", "bulk-" + run + "-%")).isEqualTo(18_000 - 3);
        assertThat(Db.row("SELECT name, company, country, substr(customer_id::text, 15, 1) AS version FROM customers WHERE email = ?", address(run, 11_000)))
                .containsEntry("name", "Person 11000").containsEntry("company", "Renamed").containsEntry("country", "GB").containsEntry("version", "7");
    }

    private static String csv(List<String> addresses) {
        StringBuilder csv = new StringBuilder("email,name,plan\n");
        for (int i = 0; i < addresses.size(); i++) {
            csv.append(addresses.get(i)).append(",Person ").append(i).append(",p").append(i % 3).append('\n');
        }
        return csv.toString();
    }
}
