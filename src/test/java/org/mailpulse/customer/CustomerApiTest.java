package org.mailpulse.customer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class CustomerApiTest {

    @Test
    void createReadPatchAndDeactivate() {
        String email = "Grace." + UUID.randomUUID() + "@Example.COM";
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "name", "Grace", "country", "us"))
                .post("/api/customers").then().statusCode(201)
                .header("Location", containsString("/api/customers/"))
                .body("email", equalTo(email.toLowerCase())).body("country", equalTo("US")).body("active", equalTo(true))
                .extract().path("id");
        given().contentType(ContentType.JSON).body(Map.of("email", email.toUpperCase())).post("/api/customers")
                .then().statusCode(409).contentType("application/problem+json");

        given().get("/api/customers/{id}", id).then().statusCode(200).body("name", equalTo("Grace"));
        given().contentType(ContentType.JSON).body(Map.of("company", "Navy")).patch("/api/customers/{id}", id)
                .then().statusCode(200).body("company", equalTo("Navy")).body("name", equalTo("Grace"));
        given().get("/api/customers?email={part}", email.substring(0, 20)).then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].id", equalTo(id));
        given().delete("/api/customers/{id}", id).then().statusCode(204);
        given().get("/api/customers/{id}", id).then().statusCode(200).body("active", equalTo(false));
        given().get("/api/customers/{id}", UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void validationListsEveryInvalidField() {
        Map<String, Object> body = new HashMap<>();
        body.put("email", "not an address");
        body.put("name", "Eve\r\nBcc: everyone@example.com");
        body.put("country", "France");
        given().contentType(ContentType.JSON).body(body).post("/api/customers").then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", containsInAnyOrder("email", "name", "country", "country"))
                .body("detail", containsString("email"));
        given().contentType(ContentType.JSON).body("{\"email\": ").post("/api/customers").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"email\": \"a@example.com\", \"name\": [1]}").post("/api/customers")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("name"));
        given().get("/api/customers?size=501").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void csvImportUpsertsByEmailAndReportsRejectedLines() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String csv = "email,name,company,country\n"
                + "a-" + run + "@example.com,Ann,,GB\n"
                + "B-" + run + "@EXAMPLE.com,Ben,\"Big, Co\",US\n"
                + "bad-address,Nope,,\n"
                + "a-" + run + "@example.com,Ann again,,GB\n"
                + "c-" + run + "@example.com,Cy,,Germany\n"
                + ",,,\n";
        given().contentType("text/csv").body(csv).post("/api/customers/import").then().statusCode(200)
                .body("created", equalTo(2)).body("updated", equalTo(0)).body("rejectedCount", equalTo(4))
                .body("rejected.line", containsInAnyOrder(4, 5, 6, 7));
        given().contentType("text/csv").body("email,company\nb-" + run + "@example.com,Bigger\n").post("/api/customers/import")
                .then().statusCode(200).body("created", equalTo(0)).body("updated", equalTo(1));
        assertThat(Db.row("select name, company from customers where email = ?", "b-" + run + "@example.com"))
                .containsEntry("name", "Ben").containsEntry("company", "Bigger");
        given().contentType("text/csv").body("name,company\nx,y\n").post("/api/customers/import").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("email"));
        given().contentType("text/csv").body("").post("/api/customers/import").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aHundredThousandRowImportStreams() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder csv = new StringBuilder("email,name\n");
        for (int i = 0; i < 100_000; i++) {
            csv.append("bulk-").append(run).append('-').append(i).append("@example.com,Person ").append(i).append('\n');
        }
        given().contentType("text/csv").body(csv.toString()).post("/api/customers/import").then().statusCode(200)
                .body("created", equalTo(100_000)).body("rejectedCount", equalTo(0));
        assertThat(Db.count("select count(*) from customers where email like ?", "bulk-" + run + "-%")).isEqualTo(100_000);
    }
}
