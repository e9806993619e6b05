package org.mailpulse.embedded.ses;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One SendEmail request the simulator accepted (answered 200 itself, or relayed a 2xx from the upstream).
 *
 * @param messageId     the MessageId answered to the client
 * @param time          when it was accepted, to the millisecond (the {@code mail.timestamp} of its events)
 * @param from          FromEmailAddress as given (for raw mail without it, the From header)
 * @param subject       Simple subject, raw Subject header, or the stored template's subject rendered with the
 *                      template data; null when unknown (a template the simulator never saw created)
 * @param templateName  null unless Content.Template
 * @param templateData  the TemplateData JSON string, null unless Content.Template
 * @param headers       the request's own headers (Simple/Template Headers), or all headers of a raw message
 * @param tags          EmailTags, name to value, in request order
 * @param configurationSetName ConfigurationSetName of the request, null when absent
 * @param rawMessage    the decoded MIME message of Content.Raw, else null
 */
public record SentMail(
        String messageId,
        Instant time,
        String from,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        String subject,
        String textBody,
        String htmlBody,
        String templateName,
        String templateData,
        List<Header> headers,
        Map<String, String> tags,
        String configurationSetName,
        String rawMessage) {

    public record Header(String name, String value) {
    }

    public SentMail {
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        bcc = List.copyOf(bcc);
        headers = List.copyOf(headers);
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** To, Cc and Bcc in that order, as given. */
    public List<String> recipients() {
        List<String> all = new ArrayList<>(to);
        all.addAll(cc);
        all.addAll(bcc);
        return List.copyOf(all);
    }

    /** The first header of that name, case-insensitively, or null. */
    public String header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst().orElse(null);
    }

    public String tag(String name) {
        return tags.get(name);
    }

    SentMail accepted(String acceptedMessageId, Instant acceptedAt) {
        return new SentMail(acceptedMessageId, acceptedAt, from, to, cc, bcc, subject, textBody, htmlBody, templateName,
                templateData, headers, tags, configurationSetName, rawMessage);
    }

    /** The bare address of "Name &lt;address&gt;" or of a plain address, trimmed, case kept. */
    static String bareAddress(String address) {
        String trimmed = address.trim();
        int open = trimmed.lastIndexOf('<');
        int close = trimmed.lastIndexOf('>');
        if (open >= 0 && close > open) {
            trimmed = trimmed.substring(open + 1, close).trim();
        }
        return trimmed;
    }

    static String matchKey(String address) {
        return bareAddress(address).toLowerCase(Locale.ROOT);
    }
}
