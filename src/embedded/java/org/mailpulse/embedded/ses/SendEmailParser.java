package org.mailpulse.embedded.ses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a SES v2 SendEmail body into a {@link SentMail} without message id and time. Lenient: missing fields
 * become null or empty, and {@link #problem(SentMail)} says what SES itself would reject.
 */
final class SendEmailParser {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\{?\\s*([\\w.-]+)\\s*}?}}");

    private final ObjectMapper json;

    SendEmailParser(ObjectMapper json) {
        this.json = json;
    }

    /** @param templateSubjects subject of each template the simulator saw created, by name */
    SentMail parse(JsonNode body, Map<String, String> templateSubjects) {
        String from = text(body.get("FromEmailAddress"));
        JsonNode destination = body.path("Destination");
        List<String> to = strings(destination.get("ToAddresses"));
        List<String> cc = strings(destination.get("CcAddresses"));
        List<String> bcc = strings(destination.get("BccAddresses"));
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonNode tag : body.path("EmailTags")) {
            if (tag.path("Name").isTextual()) {
                tags.put(tag.get("Name").asText(), tag.path("Value").asText(""));
            }
        }
        String configurationSet = text(body.get("ConfigurationSetName"));

        JsonNode content = body.path("Content");
        String subject = null;
        String textBody = null;
        String htmlBody = null;
        String templateName = null;
        String templateData = null;
        String raw = null;
        List<SentMail.Header> headers = new ArrayList<>();
        if (content.has("Simple")) {
            JsonNode simple = content.get("Simple");
            subject = text(simple.path("Subject").get("Data"));
            textBody = text(simple.path("Body").path("Text").get("Data"));
            htmlBody = text(simple.path("Body").path("Html").get("Data"));
            headers.addAll(headers(simple.get("Headers")));
        } else if (content.has("Template")) {
            JsonNode template = content.get("Template");
            templateName = text(template.get("TemplateName"));
            if (templateName == null && template.path("TemplateArn").isTextual()) {
                String arn = template.get("TemplateArn").asText();
                templateName = arn.substring(arn.lastIndexOf('/') + 1);
            }
            templateData = text(template.get("TemplateData"));
            headers.addAll(headers(template.get("Headers")));
            String storedSubject = templateName == null ? null : templateSubjects.get(templateName);
            subject = storedSubject == null ? null : render(storedSubject, templateData);
        } else if (content.has("Raw")) {
            raw = new String(Base64.getMimeDecoder().decode(content.path("Raw").path("Data").asText("")), StandardCharsets.UTF_8);
            headers.addAll(mimeHeaders(raw));
            subject = first(headers, "Subject");
            if (from == null) {
                from = first(headers, "From");
            }
            if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
                to = addressList(first(headers, "To"));
                cc = addressList(first(headers, "Cc"));
                bcc = addressList(first(headers, "Bcc"));
            }
        }
        return new SentMail(null, null, from, to, cc, bcc, subject, textBody, htmlBody, templateName, templateData,
                headers, tags, configurationSet, raw);
    }

    /** What SES would answer 400 BadRequestException for, or null. */
    static String problem(SentMail mail) {
        if (mail.from() == null || mail.from().isBlank()) {
            return "Missing required field FromEmailAddress.";
        }
        if (mail.recipients().isEmpty()) {
            return "Destination must contain at least one recipient.";
        }
        if (mail.rawMessage() == null && mail.templateName() == null && mail.subject() == null
                && mail.textBody() == null && mail.htmlBody() == null) {
            return "Content must be one of Simple, Template or Raw.";
        }
        return null;
    }

    /** {{name}} and {{a.b}} replaced from the template data; unknown names become empty, as SES renders them. */
    String render(String template, String templateData) {
        JsonNode data;
        try {
            data = templateData == null ? json.createObjectNode() : json.readTree(templateData);
        } catch (java.io.IOException e) {
            return template;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode value = data;
            for (String part : m.group(1).split("\\.")) {
                value = value.path(part);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.isValueNode() ? value.asText() : ""));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<SentMail.Header> headers(JsonNode headers) {
        List<SentMail.Header> values = new ArrayList<>();
        if (headers != null) {
            for (JsonNode header : headers) {
                if (header.path("Name").isTextual()) {
                    values.add(new SentMail.Header(header.get("Name").asText(), header.path("Value").asText("")));
                }
            }
        }
        return values;
    }

    /** The header block of a MIME message, folded lines joined. */
    static List<SentMail.Header> mimeHeaders(String message) {
        List<SentMail.Header> headers = new ArrayList<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : message.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(' ').append(line.trim());
                continue;
            }
            if (name != null) {
                headers.add(new SentMail.Header(name, value.toString()));
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                name = null;
                continue;
            }
            name = line.substring(0, colon).trim();
            value.setLength(0);
            value.append(line.substring(colon + 1).trim());
        }
        if (name != null) {
            headers.add(new SentMail.Header(name, value.toString()));
        }
        return headers;
    }

    /** An address header split on the commas outside quotes and angle brackets. */
    static List<String> addressList(String header) {
        List<String> addresses = new ArrayList<>();
        if (header == null) {
            return addresses;
        }
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        int angle = 0;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>') {
                angle = Math.max(0, angle - 1);
            } else if (!quoted && angle == 0 && c == ',') {
                addIfPresent(addresses, current);
                continue;
            }
            current.append(c);
        }
        addIfPresent(addresses, current);
        return addresses;
    }

    private static void addIfPresent(List<String> addresses, StringBuilder current) {
        String address = current.toString().trim();
        if (!address.isEmpty()) {
            addresses.add(address);
        }
        current.setLength(0);
    }

    private static String first(List<SentMail.Header> headers, String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(SentMail.Header::value).findFirst().orElse(null);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            for (JsonNode value : array) {
                if (value.isTextual()) {
                    values.add(value.asText());
                }
            }
        }
        return values;
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
