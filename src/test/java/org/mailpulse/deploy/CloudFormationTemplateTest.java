package org.mailpulse.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.mailpulse.ses.event.SesEventType;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/aws/mailpulse.json: references resolve, policies grant only what the code calls, outputs feed the k8s config. */
class CloudFormationTemplateTest {

    private static final Path TEMPLATE = Path.of("deploy/aws/mailpulse.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
            "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");
    /** The configuration-map keys whose values the stack creates; each has an output of the same name in PascalCase. */
    private static final List<String> CONFIG_KEYS_FROM_THE_STACK =
            List.of("MAILPULSE_INGEST_QUEUE_URL", "MAILPULSE_INGEST_DEAD_LETTER_QUEUE_URL", "MAILPULSE_SENDING_CONFIGURATION_SET",
                    "MAILPULSE_INGEST_SNS_TOPIC_ARNS");

    @Test
    void everyReferenceResolves() throws IOException {
        JsonNode template = template();
        Set<String> parameters = names(template.path("Parameters"));
        Set<String> resources = names(template.path("Resources"));
        Set<String> conditions = names(template.path("Conditions"));
        List<String> unresolved = new ArrayList<>();
        walk(template, node -> {
            if (node.has("Ref")) {
                String name = node.get("Ref").asText();
                if (!parameters.contains(name) && !resources.contains(name) && !PSEUDO_PARAMETERS.contains(name)) {
                    unresolved.add("Ref " + name);
                }
            }
            if (node.has("Fn::GetAtt")) {
                JsonNode getAtt = node.get("Fn::GetAtt");
                String name = getAtt.isArray() ? getAtt.get(0).asText() : getAtt.asText().split("\\.")[0];
                if (!resources.contains(name)) {
                    unresolved.add("GetAtt " + name);
                }
            }
            if (node.has("Fn::Sub")) {
                JsonNode sub = node.get("Fn::Sub");
                String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
                Set<String> local = sub.isArray() ? names(sub.get(1)) : Set.of();
                Matcher variables = SUB_VARIABLE.matcher(text);
                while (variables.find()) {
                    String name = variables.group(1).split("\\.")[0];
                    if (!parameters.contains(name) && !resources.contains(name) && !PSEUDO_PARAMETERS.contains(name) && !local.contains(name)) {
                        unresolved.add("Sub ${" + variables.group(1) + "}");
                    }
                }
            }
            if (node.has("Fn::If") && !conditions.contains(node.get("Fn::If").get(0).asText())) {
                unresolved.add("If " + node.get("Fn::If").get(0).asText());
            }
        });
        template.path("Resources").fields().forEachRemaining(resource -> {
            JsonNode dependsOn = resource.getValue().path("DependsOn");
            (dependsOn.isArray() ? stream(dependsOn) : Stream.of(dependsOn)).filter(JsonNode::isTextual)
                    .filter(d -> !resources.contains(d.asText())).forEach(d -> unresolved.add("DependsOn " + d.asText()));
            JsonNode condition = resource.getValue().path("Condition");
            if (condition.isTextual() && !conditions.contains(condition.asText())) {
                unresolved.add("Condition " + condition.asText());
            }
        });
        assertThat(unresolved).isEmpty();
        assertThat(resources).contains("ConfigurationSet", "EventDestination", "EventTopic", "EventTopicPolicy", "EventQueue",
                "DeadLetterQueue", "EventQueuePolicy", "EventSubscription", "WorkloadRole", "KedaQueueReadPolicy");
    }

    /** SES v2 actions on the account itself, which IAM's service authorization reference lists with no resource type. */
    private static final Set<String> ACCOUNT_LEVEL_ACTIONS = Set.of("ses:GetAccount", "ses:PutSuppressedDestination",
            "ses:DeleteSuppressedDestination", "ses:ListSuppressedDestinations");

    @Test
    void noPolicyGrantsWildcards() throws IOException {
        List<JsonNode> statements = statements(template());
        assertThat(statements).hasSizeGreaterThanOrEqualTo(6);
        for (JsonNode statement : statements) {
            if (!"Allow".equals(statement.path("Effect").asText())) {
                continue;
            }
            assertThat(statement.has("NotAction")).as(statement.toString()).isFalse();
            assertThat(statement.has("NotResource")).as(statement.toString()).isFalse();
            for (JsonNode action : values(statement.path("Action"))) {
                assertThat(action.asText()).as(statement.toString()).matches("[a-z0-9-]+:[A-Za-z]+");
            }
            boolean accountLevel = values(statement.path("Action")).stream().allMatch(a -> ACCOUNT_LEVEL_ACTIONS.contains(a.asText()));
            for (JsonNode resource : values(statement.path("Resource"))) {
                if (accountLevel && resource.isTextual() && resource.asText().equals("*")) {
                    continue; // these actions have no resource type: IAM accepts only "*" for them
                }
                assertThat(resource.isTextual() && resource.asText().contains("*")).as(statement.toString()).isFalse();
            }
            JsonNode principal = statement.path("Principal");
            assertThat(principal.isTextual() && principal.asText().equals("*")).as(statement.toString()).isFalse();
        }
    }

    @Test
    void theWorkloadRoleHoldsExactlyTheActionsTheCodeCalls() throws IOException {
        JsonNode resources = template().path("Resources");
        Set<String> granted = new TreeSet<>();
        for (JsonNode policy : resources.path("WorkloadRole").path("Properties").path("Policies")) {
            stream(policy.path("PolicyDocument").path("Statement")).forEach(s -> values(s.path("Action")).forEach(a -> granted.add(a.asText())));
        }
        resources.fields().forEachRemaining(resource -> {
            JsonNode properties = resource.getValue().path("Properties");
            if ("AWS::IAM::ManagedPolicy".equals(resource.getValue().path("Type").asText())
                    && stream(properties.path("Roles")).anyMatch(r -> "WorkloadRole".equals(r.path("Ref").asText()))) {
                stream(properties.path("PolicyDocument").path("Statement")).forEach(s -> values(s.path("Action")).forEach(a -> granted.add(a.asText())));
            }
        });
        String code = mainSources();
        Set<String> called = new TreeSet<>();
        called.addAll(calledActions(code, SqsAsyncClient.class, "sqs"));
        called.addAll(calledActions(code, SesV2AsyncClient.class, "ses"));
        assertThat(called).contains("sqs:ReceiveMessage", "ses:SendEmail");
        assertThat(granted).isEqualTo(called);

        // The dead-letter queue is only read; the event queue only consumed; SES only through the identity and the set.
        String role = resources.path("WorkloadRole").toString();
        assertThat(role).contains("DeadLetterQueue").contains("configuration-set/${ConfigurationSet}").contains("identity/${SendingIdentity}");
    }

    @Test
    void theTrustPolicyAdmitsTheServiceAccountsOfTheManifests() throws IOException {
        JsonNode template = template();
        JsonNode trust = JSON.readTree(template.path("Resources").path("WorkloadRole").path("Properties").path("AssumeRolePolicyDocument").path("Fn::Sub").asText());
        JsonNode statement = trust.path("Statement").get(0);
        assertThat(statement.path("Action").asText()).isEqualTo("sts:AssumeRoleWithWebIdentity");
        assertThat(statement.path("Principal").path("Federated").asText()).endsWith(":oidc-provider/${EksOidcProviderUrl}");
        JsonNode equals = statement.path("Condition").path("StringEquals");
        assertThat(equals.path("${EksOidcProviderUrl}:aud").asText()).isEqualTo("sts.amazonaws.com");
        List<String> subjects = values(equals.path("${EksOidcProviderUrl}:sub")).stream().map(JsonNode::asText).toList();
        assertThat(subjects).contains("system:serviceaccount:${KubernetesNamespace}:${ServiceAccountName}");

        JsonNode kustomization = YAML.readTree(Path.of("k8s/kustomization.yaml").toFile());
        JsonNode serviceAccount = YAML.readTree(Path.of("k8s/serviceaccount.yaml").toFile());
        assertThat(defaultOf(template, "KubernetesNamespace")).isEqualTo(kustomization.path("namespace").asText());
        assertThat(defaultOf(template, "ServiceAccountName")).isEqualTo(serviceAccount.path("metadata").path("name").asText());
        String roleName = resolve(template, template.path("Resources").path("WorkloadRole").path("Properties").path("RoleName"));
        assertThat(serviceAccount.path("metadata").path("annotations").path("eks.amazonaws.com/role-arn").asText()).endsWith(":role/" + roleName);
    }

    @Test
    void onlySesOfThisAccountPublishesAndOnlyTheTopicSends() throws IOException {
        JsonNode resources = template().path("Resources");
        JsonNode publish = resources.path("EventTopicPolicy").path("Properties").path("PolicyDocument").path("Statement");
        assertThat(publish).hasSize(1);
        assertThat(publish.get(0).path("Principal").path("Service").asText()).isEqualTo("ses.amazonaws.com");
        assertThat(publish.get(0).path("Action").asText()).isEqualTo("sns:Publish");
        JsonNode publishCondition = publish.get(0).path("Condition").path("StringEquals");
        assertThat(publishCondition.path("aws:SourceAccount").path("Ref").asText()).isEqualTo("AWS::AccountId");
        assertThat(publishCondition.path("aws:SourceArn").path("Fn::Sub").asText()).endsWith(":configuration-set/${ConfigurationSet}");

        JsonNode send = resources.path("EventQueuePolicy").path("Properties").path("PolicyDocument").path("Statement");
        assertThat(send).hasSize(1);
        assertThat(send.get(0).path("Principal").path("Service").asText()).isEqualTo("sns.amazonaws.com");
        assertThat(send.get(0).path("Action").asText()).isEqualTo("sqs:SendMessage");
        assertThat(send.get(0).path("Condition").path("ArnEquals").path("aws:SourceArn").path("Ref").asText()).isEqualTo("EventTopic");

        JsonNode redrive = resources.path("EventQueue").path("Properties").path("RedrivePolicy");
        assertThat(redrive.path("deadLetterTargetArn").path("Fn::GetAtt").get(0).asText()).isEqualTo("DeadLetterQueue");
        JsonNode subscription = resources.path("EventSubscription").path("Properties");
        assertThat(subscription.path("RawMessageDelivery").path("Ref").asText()).isEqualTo("RawMessageDelivery");
        assertThat(subscription.path("Endpoint").path("Fn::GetAtt").get(0).asText()).isEqualTo("EventQueue");
    }

    @Test
    void theEventDestinationPublishesAllTenEventTypes() throws IOException {
        JsonNode destination = template().path("Resources").path("EventDestination").path("Properties").path("EventDestination");
        Set<String> published = stream(destination.path("MatchingEventTypes"))
                .map(t -> t.asText().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase()).collect(Collectors.toSet());
        assertThat(published).hasSize(10).isEqualTo(Arrays.stream(SesEventType.values()).map(Enum::name).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK", "RENDERING_FAILURE",
                        "DELIVERY_DELAY", "SUBSCRIPTION");
        assertThat(destination.path("SnsDestination").path("TopicARN").path("Ref").asText()).isEqualTo("EventTopic");
        assertThat(destination.path("Enabled").asBoolean()).isTrue();
    }

    @Test
    void theOutputsAreWhatTheKubernetesConfigurationExpects() throws IOException {
        JsonNode template = template();
        JsonNode outputs = template.path("Outputs");
        JsonNode configMap = YAML.readTree(Path.of("k8s/configmap.yaml").toFile()).path("data");
        for (String key : CONFIG_KEYS_FROM_THE_STACK) {
            assertThat(configMap.has(key)).as(key).isTrue();
            String output = Arrays.stream(key.toLowerCase().split("_")).map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1)).collect(Collectors.joining());
            assertThat(outputs.has(output)).as(output + " for " + key).isTrue();
            assertThat(outputs.path(output).path("Description").asText()).contains(key);
        }
        assertThat(outputs.path("RoleArn").path("Value").path("Fn::GetAtt").get(0).asText()).isEqualTo("WorkloadRole");
        assertThat(outputs.path("MailpulseIngestQueueUrl").path("Value").path("Ref").asText()).isEqualTo("EventQueue");
        assertThat(outputs.path("MailpulseIngestDeadLetterQueueUrl").path("Value").path("Ref").asText()).isEqualTo("DeadLetterQueue");
        assertThat(outputs.path("MailpulseSendingConfigurationSet").path("Value").path("Ref").asText()).isEqualTo("ConfigurationSet");
        assertThat(outputs.path("MailpulseIngestSnsTopicArns").path("Value").path("Ref").asText()).isEqualTo("EventTopic");

        // With the default parameters the example values in the manifests are what the stack creates.
        JsonNode resources = template.path("Resources");
        assertThat(configMap.path("MAILPULSE_INGEST_QUEUE_URL").asText())
                .endsWith("/" + resolve(template, resources.path("EventQueue").path("Properties").path("QueueName")));
        assertThat(configMap.path("MAILPULSE_INGEST_DEAD_LETTER_QUEUE_URL").asText())
                .endsWith("/" + resolve(template, resources.path("DeadLetterQueue").path("Properties").path("QueueName")));
        assertThat(configMap.path("MAILPULSE_SENDING_CONFIGURATION_SET").asText()).isEqualTo(defaultOf(template, "ConfigurationSetName"));
        assertThat(configMap.path("MAILPULSE_INGEST_SNS_TOPIC_ARNS").asText())
                .endsWith(":" + resolve(template, resources.path("EventTopic").path("Properties").path("TopicName")));
    }

    @Test
    void theAlarmsWatchTheDeadLetterQueueTheOldestEventAndTheReputation() throws IOException {
        JsonNode resources = template().path("Resources");
        List<String> alarms = new ArrayList<>();
        resources.fields().forEachRemaining(r -> {
            if ("AWS::CloudWatch::Alarm".equals(r.getValue().path("Type").asText())) {
                JsonNode p = r.getValue().path("Properties");
                String dimension = p.path("Dimensions").path(0).path("Value").path("Fn::GetAtt").path(0).asText();
                alarms.add(p.path("Namespace").asText() + " " + p.path("MetricName").asText() + (dimension.isEmpty() ? "" : " " + dimension));
            }
        });
        assertThat(alarms).containsExactlyInAnyOrder("AWS/SQS ApproximateNumberOfMessagesVisible DeadLetterQueue",
                "AWS/SQS ApproximateAgeOfOldestMessage EventQueue", "AWS/SES Reputation.BounceRate", "AWS/SES Reputation.ComplaintRate");
    }

    /** IAM actions of the operations of {@code client} that the main sources call; SQS authorises a batch as its single action. */
    private static Set<String> calledActions(String code, Class<?> client, String service) {
        Set<String> actions = new HashSet<>();
        for (Method method : client.getMethods()) {
            if (method.getParameterCount() != 1 || !Consumer.class.equals(method.getParameterTypes()[0])
                    || !code.contains("." + method.getName() + "(")) {
                continue;
            }
            String operation = Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1);
            actions.add(service + ":" + ("sqs".equals(service) ? operation.replaceAll("Batch$", "") : operation));
        }
        return actions;
    }

    private static String mainSources() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(file)).append('\n');
            }
        }
        return all.toString();
    }

    /** Every policy statement: the JSON policy documents and the trust policy written as an Fn::Sub string. */
    private static List<JsonNode> statements(JsonNode template) throws IOException {
        List<JsonNode> statements = new ArrayList<>();
        List<String> subDocuments = new ArrayList<>();
        walk(template, node -> {
            if (node.has("Statement") && node.has("Version")) {
                values(node.get("Statement")).forEach(statements::add);
            }
            if (node.has("Fn::Sub") && node.get("Fn::Sub").isTextual() && node.get("Fn::Sub").asText().contains("\"Statement\"")) {
                subDocuments.add(node.get("Fn::Sub").asText());
            }
        });
        for (String document : subDocuments) {
            values(JSON.readTree(document).path("Statement")).forEach(statements::add);
        }
        return statements;
    }

    private static String resolve(JsonNode template, JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            return defaultOf(template, value.get("Ref").asText());
        }
        Matcher variables = SUB_VARIABLE.matcher(value.path("Fn::Sub").asText());
        return variables.replaceAll(m -> Matcher.quoteReplacement(defaultOf(template, m.group(1))));
    }

    private static String defaultOf(JsonNode template, String parameter) {
        JsonNode value = template.path("Parameters").path(parameter).path("Default");
        assertThat(value.isMissingNode()).as("default of " + parameter).isFalse();
        return value.asText();
    }

    private static void walk(JsonNode node, Consumer<JsonNode> visitor) {
        if (node.isObject()) {
            visitor.accept(node);
            node.elements().forEachRemaining(child -> walk(child, visitor));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> walk(child, visitor));
        }
    }

    private static List<JsonNode> values(JsonNode node) {
        return node.isArray() ? stream(node).toList() : node.isMissingNode() ? List.of() : List.of(node);
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.elements().forEachRemaining(items::add);
        return items.stream();
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode template() throws IOException {
        JsonNode template = JSON.readTree(TEMPLATE.toFile());
        assertThat(template.path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
        return template;
    }
}
