package org.mailpulse.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifests in k8s/ keep the properties production relies on. */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyManifestParsesAndIsLabelled() throws IOException {
        List<JsonNode> all = all();
        assertThat(all).extracting(d -> d.path("kind").asText())
                .contains("Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget", "ScaledObject", "ServiceAccount");
        for (JsonNode doc : all) {
            assertThat(doc.path("apiVersion").asText()).as(doc.toString()).isNotBlank();
            assertThat(doc.path("metadata").path("name").asText()).isNotBlank();
        }
    }

    @Test
    void theDeploymentIsProbedLimitedAndUnprivileged() throws IOException {
        JsonNode deployment = one("Deployment");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").path(0);
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/started");
        for (String kind : List.of("requests", "limits")) {
            assertThat(container.path("resources").path(kind).path("cpu").asText()).isNotBlank();
            assertThat(container.path("resources").path(kind).path("memory").asText()).isNotBlank();
        }
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        // The grace period must cover the application's shutdown timeout plus a long poll.
        int grace = pod.path("terminationGracePeriodSeconds").asInt();
        assertThat(grace).isGreaterThanOrEqualTo(shutdownTimeoutSeconds() + 5);
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo(one("ServiceAccount").path("metadata").path("name").asText());
    }

    @Test
    void autoscalingFollowsTheQueueAndDisruptionsKeepAReplica() throws IOException {
        JsonNode scaled = one("ScaledObject");
        JsonNode trigger = scaled.path("spec").path("triggers").path(0);
        assertThat(trigger.path("type").asText()).isEqualTo("aws-sqs-queue");
        assertThat(trigger.path("metadata").path("queueURL").asText())
                .isEqualTo(one("ConfigMap").path("data").path("MAILPULSE_INGEST_QUEUE_URL").asText());
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo(one("Deployment").path("metadata").path("name").asText());
        assertThat(one("PodDisruptionBudget").path("spec").path("minAvailable").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(one("Secret").path("stringData").has("MAILPULSE_API_TOKENS")).isTrue();
    }

    private static int shutdownTimeoutSeconds() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        String timeout = properties.getProperty("quarkus.shutdown.timeout", "0s");
        return Integer.parseInt(timeout.replace("s", ""));
    }

    private static JsonNode one(String kind) throws IOException {
        return all().stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst().orElseThrow();
    }

    private static List<JsonNode> all() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var files = Files.list(Path.of("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        documents.add(docs.next());
                    }
                }
            }
        }
        return documents;
    }
}
