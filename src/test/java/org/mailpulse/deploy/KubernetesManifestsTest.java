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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifests in k8s/ keep the properties production relies on. */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyManifestParsesAndIsLabelled() throws IOException {
        List<JsonNode> all = all();
        assertThat(all).extracting(d -> d.path("kind").asText())
                .contains("Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget", "ScaledObject", "TriggerAuthentication",
                        "ServiceAccount", "ServiceMonitor", "PrometheusRule", "NetworkPolicy");
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
        // Every probe on the management interface (port 9000); the ingestion group is for alerting, never a probe.
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(containerPort(container, container.path(probe).path("httpGet").path("port").asText())).as(probe).isEqualTo(MANAGEMENT_PORT);
            assertThat(container.path(probe).path("httpGet").path("path").asText()).doesNotContain("/group/");
        }
        assertThat(containerPort(container, "http")).isEqualTo(8080);
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
        // No Kubernetes API token (IRSA brings its own projected token); the HPA owns the replica count.
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(one("ServiceAccount").path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(deployment.path("spec").has("replicas")).isFalse();
        assertThat(deployment.path("spec").path("template").path("metadata").path("annotations").toString()).doesNotContain("prometheus.io");
    }

    @Test
    void replicasSpreadOverZonesAndNodes() throws IOException {
        JsonNode pod = one("Deployment").path("spec").path("template");
        JsonNode labels = pod.path("metadata").path("labels");
        List<String> keys = new ArrayList<>();
        for (JsonNode constraint : pod.path("spec").path("topologySpreadConstraints")) {
            keys.add(constraint.path("topologyKey").asText());
            assertThat(constraint.path("maxSkew").asInt()).isEqualTo(1);
            constraint.path("labelSelector").path("matchLabels").fields()
                    .forEachRemaining(l -> assertThat(labels.path(l.getKey()).asText()).isEqualTo(l.getValue().asText()));
        }
        assertThat(keys).containsExactlyInAnyOrder("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    }

    @Test
    void prometheusScrapesTheManagementPortThroughAServiceMonitor() throws IOException {
        JsonNode monitor = one("ServiceMonitor");
        JsonNode endpoint = monitor.path("spec").path("endpoints").path(0);
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
        List<JsonNode> selected = all().stream().filter(d -> "Service".equals(d.path("kind").asText()))
                .filter(service -> matches(selector, service.path("metadata").path("labels"))).toList();
        assertThat(selected).hasSize(1);
        JsonNode port = stream(selected.get(0).path("spec").path("ports"))
                .filter(p -> endpoint.path("port").asText().equals(p.path("name").asText())).findFirst().orElseThrow();
        JsonNode container = one("Deployment").path("spec").path("template").path("spec").path("containers").path(0);
        assertThat(containerPort(container, port.path("targetPort").asText())).isEqualTo(MANAGEMENT_PORT);
        // The public Service carries the application port only.
        JsonNode publicService = all().stream().filter(d -> "Service".equals(d.path("kind").asText()))
                .filter(d -> "mailpulse".equals(d.path("metadata").path("name").asText())).findFirst().orElseThrow();
        assertThat(stream(publicService.path("spec").path("ports")).map(p -> p.path("targetPort").asText()).toList()).containsExactly("http");
    }

    @Test
    void theNetworkPolicyAdmitsThePublicPortAndMonitoringOnly() throws IOException {
        JsonNode policy = one("NetworkPolicy").path("spec");
        assertThat(matches(policy.path("podSelector").path("matchLabels"),
                one("Deployment").path("spec").path("template").path("metadata").path("labels"))).isTrue();
        assertThat(stream(policy.path("policyTypes")).map(JsonNode::asText).toList()).containsExactlyInAnyOrder("Ingress", "Egress");
        JsonNode publicRule = stream(policy.path("ingress")).filter(r -> ports(r).contains(8080)).findFirst().orElseThrow();
        assertThat(publicRule.has("from")).isFalse();
        JsonNode managementRule = stream(policy.path("ingress")).filter(r -> ports(r).contains(MANAGEMENT_PORT)).findFirst().orElseThrow();
        assertThat(managementRule.path("from").path(0).path("namespaceSelector").path("matchLabels").path("kubernetes.io/metadata.name").asText())
                .isEqualTo("monitoring");
        List<Integer> egress = stream(policy.path("egress")).flatMap(r -> ports(r).stream()).toList();
        assertThat(egress).contains(53, 5432, 27017, 443, 80);
        assertThat(stream(policy.path("ingress")).flatMap(r -> ports(r).stream()).toList()).containsExactlyInAnyOrder(8080, MANAGEMENT_PORT);
    }

    @Test
    void theAlertRulesCoverTheOperatingSignals() throws IOException {
        JsonNode rule = one("PrometheusRule");
        List<JsonNode> rules = stream(rule.path("spec").path("groups")).flatMap(g -> stream(g.path("rules"))).toList();
        assertThat(rules).extracting(r -> r.path("alert").asText()).containsExactlyInAnyOrder("MailPulseReputationOverLimit", "MailPulseSesAccountPaused", "MailPulseSesDailyQuotaUsedUp",
                "MailPulseSendsStuckForReview", "MailPulseSenderThrottled", "MailPulseIngestBatchFailures", "MailPulseQuarantineRate",
                "MailPulseIngestLagHigh", "MailPulseDeadLetterQueueNotEmpty", "MailPulseSnsEnvelopesRefused",
                "MailPulseWebhookEndpointDisabled", "MailPulseWebhookDeliveriesLagging", "MailPulseWebhookDeliveriesGivenUp");
        for (JsonNode alert : rules) {
            assertThat(alert.path("expr").asText()).as(alert.path("alert").asText()).contains("mailpulse_");
            assertThat(alert.path("labels").path("severity").asText()).isIn("warning", "critical");
            assertThat(alert.path("annotations").path("summary").asText()).isNotBlank();
        }
        assertThat(rules.stream().filter(r -> r.path("alert").asText().equals("MailPulseIngestLagHigh")).findFirst().orElseThrow()
                .path("expr").asText()).contains("histogram_quantile(0.99").contains("_bucket");
    }

    @Test
    void kustomizeListsEveryManifestAndTheDashboard() throws IOException {
        JsonNode kustomization = YAML.readTree(Path.of("k8s/kustomization.yaml").toFile());
        assertThat(kustomization.path("kind").asText()).isEqualTo("Kustomization");
        List<String> listed = stream(kustomization.path("resources")).map(JsonNode::asText).toList();
        try (var files = Files.list(Path.of("k8s"))) {
            assertThat(listed).containsExactlyInAnyOrderElementsOf(files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml")).toList());
        }
        JsonNode generator = kustomization.path("configMapGenerator").path(0);
        assertThat(generator.path("options").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("k8s").resolve(generator.path("files").path(0).asText()).toFile());
        assertThat(dashboard.path("title").asText()).isEqualTo("MailPulse");
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        List<String> titles = stream(dashboard.path("panels")).map(p -> p.path("title").asText()).toList();
        assertThat(titles).contains("SES events applied by type", "Ingest lag (SQS enqueue to committed effect)", "Sends by outcome",
                "Throttles and missed slots", "Status transitions", "Bounce and complaint rates", "Dead-letter queue depth",
                "Failures, quarantine, duplicates, ignored");
        for (JsonNode panel : dashboard.path("panels")) {
            if (!"row".equals(panel.path("type").asText())) {
                assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
                assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        }
    }

    @Test
    void autoscalingFollowsTheQueueAndDisruptionsKeepAReplica() throws IOException {
        JsonNode scaled = one("ScaledObject");
        JsonNode trigger = scaled.path("spec").path("triggers").path(0);
        assertThat(trigger.path("type").asText()).isEqualTo("aws-sqs-queue");
        assertThat(trigger.path("metadata").path("queueURL").asText())
                .isEqualTo(one("ConfigMap").path("data").path("MAILPULSE_INGEST_QUEUE_URL").asText());
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo(one("Deployment").path("metadata").path("name").asText());
        // KEDA uses the workload's role, not the operator's; scale-in is paced by the HPA behaviour (cooldownPeriod only
        // applies to a scale to zero, and minReplicaCount is above zero).
        JsonNode authentication = one("TriggerAuthentication");
        assertThat(trigger.path("authenticationRef").path("name").asText()).isEqualTo(authentication.path("metadata").path("name").asText());
        assertThat(authentication.path("spec").path("podIdentity").path("provider").asText()).isEqualTo("aws");
        assertThat(authentication.path("spec").path("podIdentity").path("identityOwner").asText()).isEqualTo("workload");
        assertThat(scaled.path("spec").has("cooldownPeriod")).isFalse();
        assertThat(scaled.path("spec").path("minReplicaCount").asInt()).isGreaterThanOrEqualTo(2);
        JsonNode scaleDown = scaled.path("spec").path("advanced").path("horizontalPodAutoscalerConfig").path("behavior").path("scaleDown");
        assertThat(scaleDown.path("stabilizationWindowSeconds").asInt()).isGreaterThanOrEqualTo(60);
        assertThat(scaleDown.path("policies")).isNotEmpty();
        assertThat(one("PodDisruptionBudget").path("spec").path("minAvailable").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(one("Secret").path("stringData").has("MAILPULSE_API_TOKENS")).isTrue();
    }

    private static final int MANAGEMENT_PORT = 9000;

    private static int containerPort(JsonNode container, String nameOrNumber) {
        if (nameOrNumber.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(nameOrNumber);
        }
        return stream(container.path("ports")).filter(p -> nameOrNumber.equals(p.path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no container port " + nameOrNumber)).path("containerPort").asInt();
    }

    private static List<Integer> ports(JsonNode rule) {
        return stream(rule.path("ports")).map(p -> p.path("port").asInt()).toList();
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        List<Boolean> all = new ArrayList<>();
        selector.fields().forEachRemaining(l -> all.add(l.getValue().asText().equals(labels.path(l.getKey()).asText())));
        return !all.isEmpty() && !all.contains(false);
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.elements().forEachRemaining(items::add);
        return items.stream();
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
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted().toList()) {
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
